package notify

import "context"

// teamsSender posts to a Microsoft Teams Workflows webhook ("Post to a
// channel when a webhook request is received") an Adaptive Card 1.4 in the
// message/attachments envelope the workflow expects. Office 365 connector
// MessageCards are retired, so they are not sent.
type teamsSender struct {
	channelPoster
	url string
}

func newTeamsSender(cfg map[string]any, d Deps) (Sender, error) {
	return &teamsSender{channelPoster: newChannelPoster("msteams", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the card; a workflow answers 202 Accepted.
func (s *teamsSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, s.url, teamsPayload(renderMessage(n, s.now())), nil)
}

// teamsPayload wraps the card of m in the workflow envelope.
func teamsPayload(m renderedMessage) map[string]any {
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     teamsCard(m),
		}},
	}
}

// teamsCard lays m out as an Adaptive Card: a coloured headline, the summary,
// one line per fact and Action.OpenUrl buttons. Teams renders Markdown in
// TextBlocks and in FactSet titles and values, so a service name or a check
// error quoting its server ("[x](http://evil)") would become a link there. Text
// from users and checks therefore goes in RichTextBlock TextRuns, which the
// Adaptive Card schema defines as never Markdown (version 1.2 on): it shows as
// written, with nothing to escape.
func teamsCard(m renderedMessage) map[string]any {
	body := []any{teamsRichText(map[string]any{"type": "TextRun", "text": m.Icon + " " + m.Headline,
		"size": "Large", "weight": "Bolder", "color": teamsColor(m)})}
	if m.Summary != "" {
		body = append(body, teamsRichText(teamsRun(m.Summary)))
	}
	for _, f := range m.Facts {
		label := teamsRun(f.Name + ": ")
		label["weight"] = "Bolder"
		body = append(body, teamsRichText(label, teamsRun(f.Value)))
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
		"msteams": map[string]any{"width": "Full"},
	}
	if len(m.Links) > 0 {
		actions := make([]any, len(m.Links))
		for i, l := range m.Links {
			actions[i] = map[string]any{"type": "Action.OpenUrl", "title": l.Label, "url": l.URL}
		}
		card["actions"] = actions
	}
	return card
}

// teamsRichText is a RichTextBlock of runs (it wraps by itself).
func teamsRichText(runs ...any) map[string]any {
	return map[string]any{"type": "RichTextBlock", "inlines": runs}
}

// teamsRun is a plain TextRun of s.
func teamsRun(s string) map[string]any { return map[string]any{"type": "TextRun", "text": s} }

// teamsColor is the headline's Adaptive Card colour name.
func teamsColor(m renderedMessage) string {
	switch {
	case m.Recovered:
		return "Good"
	case m.Acknowledged, m.Test:
		return "Accent"
	case m.Severity == "critical":
		return "Attention"
	case m.Severity == "warning":
		return "Warning"
	}
	return "Accent"
}

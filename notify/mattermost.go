package notify

import "context"

// mattermostSender posts to a Mattermost incoming webhook. Mattermost's
// native rich format is the message attachment: a colour bar, a title
// linked to the alert, Markdown text and short fields.
type mattermostSender struct {
	channelPoster
	url string
}

func newMattermostSender(cfg map[string]any, d Deps) (Sender, error) {
	return &mattermostSender{channelPoster: newChannelPoster("mattermost", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the message; Mattermost answers 200 "ok".
func (s *mattermostSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, s.url, mattermostPayload(renderMessage(n, s.now()), n.AlertURL), nil)
}

// mattermostPayload lays m out as one attachment. Text from checks is
// Markdown-escaped and its @-mentions defused, so an error message cannot
// notify @channel.
func mattermostPayload(m renderedMessage, alertURL string) map[string]any {
	text, fields := attachmentBody(m, escapeMarkdown)
	attachment := map[string]any{
		"fallback": noMentions(m.Icon + " " + m.Headline),
		"color":    m.hexColor(),
		"title":    noMentions(m.Icon + " " + m.Headline),
		"text":     text,
		"fields":   fields,
		"footer":   "AlertifyPro",
	}
	if alertURL != "" {
		attachment["title_link"] = alertURL
	}
	// username applies where the server lets integrations override it and
	// is ignored elsewhere.
	return map[string]any{"username": "AlertifyPro", "attachments": []any{attachment}}
}

// attachmentBody is the text and fields of a Slack-style message attachment
// (Mattermost, Rocket.Chat): the summary and the links as Markdown, one
// field per fact. escapeValue is applied to field values (the two servers
// render Markdown in them differently); @-mentions are always defused.
func attachmentBody(m renderedMessage, escapeValue func(string) string) (text string, fields []any) {
	text = noMentions(escapeMarkdown(m.Summary))
	if links := m.markdownLinks(); links != "" {
		if text != "" {
			text += "\n\n"
		}
		text += links
	}
	fields = make([]any, len(m.Facts))
	for i, f := range m.Facts {
		fields[i] = map[string]any{
			"title": f.Name,
			"value": noMentions(escapeValue(f.Value)),
			"short": f.Name != "Error" && f.Name != "Endpoint",
		}
	}
	return text, fields
}

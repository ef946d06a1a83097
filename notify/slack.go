package notify

import (
	"context"
	"strings"
)

// Slack Block Kit limits (api.slack.com/reference/block-kit/blocks).
const (
	slackHeaderChars  = 150
	slackSectionChars = 3000
	slackFieldChars   = 2000
	slackMaxFields    = 10
	slackButtonChars  = 75
)

// slackSender posts to a Slack incoming webhook as a Block Kit message.
// Colour bars need the legacy attachments, so the severity shows in the
// header's icon instead.
type slackSender struct {
	channelPoster
	url string
}

func newSlackSender(cfg map[string]any, d Deps) (Sender, error) {
	return &slackSender{channelPoster: newChannelPoster("slack", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the message; Slack answers 200 "ok", or 400/403/404/410 with a
// reason such as invalid_payload, no_service or channel_is_archived.
func (s *slackSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, s.url, slackPayload(renderMessage(n, s.now())), nil)
}

// slackPayload lays m out as blocks: a header, a section with the summary
// and the facts as fields, a context line with the times, and link buttons.
// Every value that comes from users or checks is a plain_text object, which
// Slack shows as written (no mrkdwn, links or mentions); only our own labels
// are mrkdwn. The top-level text is the fallback shown in notifications.
func slackPayload(m renderedMessage) map[string]any {
	headline := m.Icon + " " + m.Headline
	blocks := []any{map[string]any{"type": "header", "text": slackPlain(headline, slackHeaderChars)}}

	section := map[string]any{"type": "section"}
	if m.Summary != "" {
		section["text"] = slackPlain(m.Summary, slackSectionChars)
	}
	var fields, times []any
	for _, f := range m.Facts {
		if f.Name == "Since" || f.Name == "Resolved" {
			times = append(times, slackPlain(f.Name+": "+f.Value, slackSectionChars))
			continue
		}
		if len(fields) < slackMaxFields {
			fields = append(fields, slackPlain(f.Name+"\n"+f.Value, slackFieldChars))
		}
	}
	if len(fields) > 0 {
		section["fields"] = fields
	}
	if len(section) > 1 { // Slack refuses a section with neither text nor fields
		blocks = append(blocks, section)
	}
	blocks = append(blocks, map[string]any{"type": "context",
		"elements": append(times, slackPlain("Sent by AlertifyPro", slackSectionChars))})

	if len(m.Links) > 0 {
		buttons := make([]any, len(m.Links))
		for i, l := range m.Links {
			b := map[string]any{"type": "button", "url": l.URL,
				"action_id": strings.ReplaceAll(strings.ToLower(l.Label), " ", "_"),
				"text":      slackPlain(l.Label, slackButtonChars)}
			if l.Label == "Acknowledge" {
				b["style"] = "primary"
			}
			buttons[i] = b
		}
		blocks = append(blocks, map[string]any{"type": "actions", "elements": buttons})
	}
	return map[string]any{"text": escapeSlack(headline), "blocks": blocks}
}

// slackPlain is a plain_text object of s, cut to max characters; emoji
// shortcodes stay as typed.
func slackPlain(s string, max int) map[string]any {
	return map[string]any{"type": "plain_text", "text": truncateChars(s, max), "emoji": false}
}

package notify

import "context"

// rocketChatSender posts to a Rocket.Chat incoming webhook
// (/hooks/<id>/<token>): the headline as the message text and one
// attachment with the colour bar, summary, links and fields.
type rocketChatSender struct {
	channelPoster
	url string
}

func newRocketChatSender(cfg map[string]any, d Deps) (Sender, error) {
	return &rocketChatSender{channelPoster: newChannelPoster("rocketchat", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the message; Rocket.Chat answers 200 {"success":true}, or
// 400 with {"success":false,"error":...}.
func (s *rocketChatSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, s.url, rocketChatPayload(renderMessage(n, s.now()), n.AlertURL), nil)
}

// rocketChatPayload lays m out for Rocket.Chat. Its message parser renders
// the message text as Markdown and knows no escapes (a backslash shows as
// itself), so the text holds only our own words, and the headline, which names
// the service, is the attachment's title, which is plain text. The attachment's
// text and field values are Markdown with escapes, so they are escaped. Every
// @-mention is defused (no @all from an error message).
func rocketChatPayload(m renderedMessage, alertURL string) map[string]any {
	text, fields := attachmentBody(m, escapeMarkdown)
	attachment := map[string]any{"color": m.hexColor(), "title": noMentions(m.Icon + " " + m.Headline),
		"text": text, "fields": fields}
	if alertURL != "" {
		attachment["title_link"] = alertURL
	}
	return map[string]any{
		"alias":       "AlertifyPro", // the sender name shown instead of the integration's
		"text":        m.Icon + " " + m.Status,
		"attachments": []any{attachment},
	}
}

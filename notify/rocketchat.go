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

// rocketChatPayload lays m out for Rocket.Chat. Text from checks is escaped
// and its @-mentions defused (no @all from an error message).
func rocketChatPayload(m renderedMessage, alertURL string) map[string]any {
	text, fields := attachmentBody(m, func(v string) string { return v })
	attachment := map[string]any{"color": m.hexColor(), "text": text, "fields": fields}
	if alertURL != "" {
		attachment["title"] = "View alert"
		attachment["title_link"] = alertURL
	}
	return map[string]any{
		"alias":       "AlertifyPro", // the sender name shown instead of the integration's
		"text":        "*" + noMentions(escapeMarkdown(m.Icon+" "+m.Headline)) + "*",
		"attachments": []any{attachment},
	}
}

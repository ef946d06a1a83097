package notify

import (
	"context"
	"html"
	"net/url"
)

// googleChatSender posts to a Google Chat space webhook a cardsV2 card:
// header, summary, one decorated text per fact and link buttons. Messages
// of one alert share a thread (threadKey = DedupKey), so its
// acknowledgement and recovery land under the message that announced it.
type googleChatSender struct {
	channelPoster
	url string
}

func newGoogleChatSender(cfg map[string]any, d Deps) (Sender, error) {
	return &googleChatSender{channelPoster: newChannelPoster("google_chat", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the card; Google Chat answers 200 with the created message.
func (s *googleChatSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, googleChatThreadURL(s.url, n.DedupKey), googleChatPayload(renderMessage(n, s.now()), n.ID), nil)
}

// googleChatThreadURL adds the thread of key to the webhook URL, keeping
// its key and token, and asking for a new thread when that one is gone. A
// thread the channel's URL names already wins.
func googleChatThreadURL(raw, key string) string {
	u, err := url.Parse(raw)
	if err != nil || key == "" {
		return raw
	}
	q := u.Query()
	if q.Get("threadKey") != "" {
		return raw
	}
	q.Set("threadKey", key)
	q.Set("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
	u.RawQuery = q.Encode()
	return u.String()
}

// googleChatPayload lays m out as a card. Card text takes Google Chat's
// HTML subset, so values are HTML-escaped; the header title is plain text.
func googleChatPayload(m renderedMessage, id string) map[string]any {
	var widgets []any
	if m.Summary != "" {
		widgets = append(widgets, map[string]any{"textParagraph": map[string]any{"text": html.EscapeString(m.Summary)}})
	}
	for _, f := range m.Facts {
		widgets = append(widgets, map[string]any{"decoratedText": map[string]any{
			"topLabel": f.Name, "text": html.EscapeString(f.Value), "wrapText": true,
		}})
	}
	if len(m.Links) > 0 {
		buttons := make([]any, len(m.Links))
		for i, l := range m.Links {
			buttons[i] = map[string]any{"text": l.Label,
				"onClick": map[string]any{"openLink": map[string]any{"url": l.URL}}}
		}
		widgets = append(widgets, map[string]any{"buttonList": map[string]any{"buttons": buttons}})
	}
	card := map[string]any{
		"header": map[string]any{"title": m.Icon + " " + m.Headline, "subtitle": "AlertifyPro"},
	}
	if len(widgets) > 0 {
		card["sections"] = []any{map[string]any{"widgets": widgets}}
	}
	cardID := "alertifypro"
	if id != "" {
		cardID += "-" + id
	}
	// fallbackText is what notifications and clients without cards show.
	return map[string]any{"fallbackText": m.Icon + " " + m.line(),
		"cardsV2": []any{map[string]any{"cardId": cardID, "card": card}}}
}

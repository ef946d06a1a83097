package notify

import (
	"context"
	"net/http"
	"strings"
)

// gotifySender posts messages to a Gotify server's /message API with an
// application token, Markdown content and the alert as the click URL.
type gotifySender struct {
	channelPoster
	serverURL string
	appToken  string
}

func validateGotify(c *configCheck) {
	c.url("server_url", true, true)
	c.token("app_token", true)
}

func newGotifySender(cfg map[string]any, d Deps) (Sender, error) {
	return &gotifySender{channelPoster: newChannelPoster("gotify", d),
		serverURL: cfgString(cfg, "server_url"), appToken: cfgString(cfg, "app_token")}, nil
}

// Send posts the message. The token goes in the X-Gotify-Key header rather
// than the ?token= query, so it stays out of proxy and access logs. Gotify
// answers 200 with the stored message, 401/403 for a bad token.
func (s *gotifySender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	extras := map[string]any{
		"client::display": map[string]any{"contentType": "text/markdown"},
	}
	if n.AlertURL != "" {
		extras["client::notification"] = map[string]any{"click": map[string]any{"url": n.AlertURL}}
	}
	body := map[string]any{
		"title":    m.Icon + " " + m.Headline,
		"message":  m.markdownBody(),
		"priority": gotifyPriority(m),
		"extras":   extras,
	}
	header := http.Header{"X-Gotify-Key": {s.appToken}}
	return s.postJSON(ctx, strings.TrimSuffix(s.serverURL, "/")+"/message", body, header)
}

// gotifyPriority is on Gotify's 0–10 scale: 8 and above make Android
// clients ring and pop up (critical), 5 sounds (warning, recovery), 2 is
// quiet (info).
func gotifyPriority(m renderedMessage) int {
	switch {
	case m.Recovered || m.Acknowledged || m.Test:
		return 5
	case m.Severity == "critical":
		return 8
	case m.Severity == "warning":
		return 5
	}
	return 2
}

package notify

import (
	"context"
	"net/http"
	"regexp"
	"strings"
)

// ntfyDefaultServer is the public ntfy instance.
const ntfyDefaultServer = "https://ntfy.sh"

// ntfyTopic is a topic name as ntfy accepts it.
var ntfyTopic = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

// ntfySender publishes to an ntfy topic with a JSON message on the
// server's root URL: title, Markdown body, priority and tags by severity,
// the alert as the click action and view buttons for the links.
type ntfySender struct {
	channelPoster
	serverURL string
	topic     string
	token     string
}

func validateNtfy(c *configCheck) {
	if c.url("server_url", false, true) == "" {
		if _, bad := c.problems["server_url"]; !bad {
			c.clean["server_url"] = ntfyDefaultServer
		}
	}
	c.match("topic", true, ntfyTopic, "1 to 64 letters, digits, - or _")
	c.token("token", false)
}

func newNtfySender(cfg map[string]any, d Deps) (Sender, error) {
	return &ntfySender{channelPoster: newChannelPoster("ntfy", d), serverURL: cfgString(cfg, "server_url"),
		topic: cfgString(cfg, "topic"), token: cfgString(cfg, "token")}, nil
}

// Send publishes the message; ntfy answers 200 with the message as JSON,
// 401/403 for a bad token, 429 when the visitor's rate limit is hit.
func (s *ntfySender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	body := map[string]any{
		"topic":    s.topic,
		"title":    m.Headline,
		"message":  m.markdownBody(),
		"markdown": true,
		"priority": ntfyPriority(m),
		"tags":     []string{ntfyTag(m)},
	}
	if n.AlertURL != "" {
		body["click"] = n.AlertURL
	}
	var actions []any
	for _, l := range m.Links {
		actions = append(actions, map[string]any{"action": "view", "label": l.Label, "url": l.URL, "clear": true})
	}
	if len(actions) > 0 {
		body["actions"] = actions
	}
	var header http.Header
	if s.token != "" {
		header = http.Header{"Authorization": {"Bearer " + s.token}}
	}
	// JSON publishing goes to the server's root (its base path when it is
	// served under a prefix), never to the topic URL.
	return s.postJSON(ctx, strings.TrimSuffix(s.serverURL, "/")+"/", body, header)
}

// ntfyPriority is 5 (max) for a critical alert firing, 4 for a warning,
// 3 (default) otherwise.
func ntfyPriority(m renderedMessage) int {
	switch {
	case m.Recovered || m.Acknowledged || m.Test:
		return 3
	case m.Severity == "critical":
		return 5
	case m.Severity == "warning":
		return 4
	}
	return 3
}

// ntfyTag is the emoji shortcode ntfy shows before the title.
func ntfyTag(m renderedMessage) string {
	switch {
	case m.Recovered:
		return "white_check_mark"
	case m.Acknowledged:
		return "eyes"
	case m.Test:
		return "test_tube"
	case m.Severity == "critical":
		return "rotating_light"
	case m.Severity == "warning":
		return "warning"
	}
	return "information_source"
}

package notify

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// ntfyDefaultServer is the public ntfy instance.
const ntfyDefaultServer = "https://ntfy.sh"

// ntfyTopic is a topic name as ntfy accepts it.
var ntfyTopic = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

// ntfyMaxMessageBytes is the largest message ntfy shows as text; a longer body
// becomes an attachment.
const ntfyMaxMessageBytes = 4096

// ntfySender publishes to an ntfy topic: the message as plain text (Markdown
// renders only in ntfy's web app, phones would show the source) and the rest in
// headers: Title, Priority and Tags by severity, Click opening the alert, and
// Actions with a view button for the alert and an http button that
// acknowledges it.
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

// Send publishes the message to <server>/<topic>; ntfy answers 200 with the
// message as JSON, 401/403 for a bad token, 429 when the visitor's rate limit is hit.
func (s *ntfySender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	header := http.Header{
		"Title":    {headerText(m.Title)},
		"Priority": {strconv.Itoa(ntfyPriority(m))},
		"Tags":     {ntfyTag(m)},
	}
	if n.AlertURL != "" {
		header.Set("Click", n.AlertURL)
	}
	if actions := ntfyActions(m); actions != "" {
		header.Set("Actions", actions)
	}
	if s.token != "" {
		header.Set("Authorization", "Bearer "+s.token)
	}
	body := truncateBytes(m.plainBody(), ntfyMaxMessageBytes)
	return s.do(ctx, outbound{url: strings.TrimSuffix(s.serverURL, "/") + "/" + s.topic,
		contentType: "text/plain; charset=utf-8", body: []byte(body), header: header})
}

// ntfyActions is the Actions header in ntfy's JSON form (which needs no quoting of
// commas or semicolons): a view button per link, the acknowledge link as an http
// action that POSTs to it, so the button acknowledges without opening a browser.
func ntfyActions(m renderedMessage) string {
	var actions []map[string]any
	for _, l := range m.Links {
		a := map[string]any{"action": "view", "label": l.Label, "url": l.URL, "clear": true}
		if l.Label == "Acknowledge" {
			a["action"], a["method"] = "http", http.MethodPost
		}
		actions = append(actions, a)
	}
	if len(actions) == 0 {
		return ""
	}
	raw, _ := json.Marshal(actions) // maps of strings and bools always encode
	return string(raw)
}

// headerText makes s one line fit for an HTTP header, RFC 2047-encoded when it is not
// ASCII (ntfy decodes encoded words in its headers).
func headerText(s string) string {
	return mime.QEncoding.Encode("utf-8", oneLine(s))
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

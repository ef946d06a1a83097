package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
)

// pushoverMessagesURL is Pushover's message API.
const pushoverMessagesURL = "https://api.pushover.net/1/messages.json"

// Pushover field limits (pushover.net/api#limits).
const (
	pushoverMessageChars  = 1024
	pushoverTitleChars    = 250
	pushoverURLChars      = 512
	pushoverURLTitleChars = 100
)

// pushoverKey is a user/group key or an application token: 30 characters.
var pushoverKey = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)

// pushoverSender sends Pushover messages: the title is the headline, the
// message the summary, facts and the acknowledge link, the supplementary
// URL the alert; priority follows severity.
type pushoverSender struct {
	channelPoster
	endpoint string // pushoverMessagesURL; tests point it at a local receiver
	userKey  string
	appToken string
}

func validatePushover(c *configCheck) {
	c.match("user_key", true, pushoverKey, "a 30-character Pushover user or group key")
	c.match("app_token", true, pushoverKey, "a 30-character Pushover application token")
}

func newPushoverSender(cfg map[string]any, d Deps) (Sender, error) {
	return &pushoverSender{channelPoster: newChannelPoster("pushover", d), endpoint: pushoverMessagesURL,
		userKey: cfgString(cfg, "user_key"), appToken: cfgString(cfg, "app_token")}, nil
}

// Send posts the form; Pushover answers 200 {"status":1}, 4xx with
// {"status":0,"errors":[...]} for a bad key or message (never worth
// retrying, per its API documentation), 429 over the monthly quota.
func (s *pushoverSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	text := m.Summary
	for _, f := range m.Facts {
		text += "\n" + f.Name + ": " + f.Value
	}
	for _, l := range m.Links {
		if l.Label != "View alert" { // the alert link is the message's own URL below
			text += "\n" + l.Label + ": " + l.URL
		}
	}
	form := url.Values{
		"token":    {s.appToken},
		"user":     {s.userKey},
		"title":    {truncateChars(m.Icon+" "+m.Headline, pushoverTitleChars)},
		"message":  {truncateChars(trimLeadingNewline(text), pushoverMessageChars)},
		"priority": {strconv.Itoa(pushoverPriority(m))},
	}
	if !m.When.IsZero() {
		form.Set("timestamp", strconv.FormatInt(m.When.Unix(), 10))
	}
	if n.AlertURL != "" && len(n.AlertURL) <= pushoverURLChars {
		form.Set("url", n.AlertURL)
		form.Set("url_title", truncateChars("View alert", pushoverURLTitleChars))
	}
	a, err := s.postForm(ctx, s.endpoint, form, nil)
	if err != nil && a.StatusCode == http.StatusTooManyRequests {
		// Pushover's 429 is the application's monthly message quota, which resets
		// only at the start of the next month: retrying within the day cannot help.
		return failed(a, true, fmt.Errorf("%w (the Pushover application's monthly quota is used up)", errors.Unwrap(err)))
	}
	return a, err
}

// pushoverPriority is 1 (high, bypasses quiet hours) for a critical alert
// firing, -1 (quiet) for info, 0 otherwise. Emergency (2) needs
// acknowledgement parameters of its own and is not used.
func pushoverPriority(m renderedMessage) int {
	switch {
	case m.Recovered || m.Acknowledged || m.Test:
		return 0
	case m.Severity == "critical":
		return 1
	case m.Severity == "info":
		return -1
	}
	return 0
}

func trimLeadingNewline(s string) string {
	for len(s) > 0 && s[0] == '\n' {
		s = s[1:]
	}
	return s
}

package notify

import (
	"cmp"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
)

// twilioAPI is Twilio's REST API host.
const twilioAPI = "https://api.twilio.com"

// twilioAccountSID is "AC" and 32 hex digits.
var twilioAccountSID = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)

// twilioSender sends one SMS per notification through Twilio's Messages
// API: one line saying what happened and why, and the acknowledge link (see
// smsText), since a text message is read on a lock screen and paid per segment.
type twilioSender struct {
	channelPoster
	apiBase    string // twilioAPI; tests point it at a local receiver
	accountSID string
	authToken  string
	from, to   string
}

func validateTwilio(c *configCheck) {
	c.match("account_sid", true, twilioAccountSID, "a Twilio account SID (AC followed by 32 hex digits)")
	c.token("auth_token", true)
	c.match("from", true, e164, "a phone number in E.164 format (+14155550100)")
	c.match("to", true, e164, "a phone number in E.164 format (+14155550100)")
}

func newTwilioSender(cfg map[string]any, d Deps) (Sender, error) {
	return &twilioSender{channelPoster: newChannelPoster("twilio_sms", d), apiBase: cmp.Or(d.TwilioAPI, twilioAPI),
		accountSID: cfgString(cfg, "account_sid"), authToken: cfgString(cfg, "auth_token"),
		from: cfgString(cfg, "from"), to: cfgString(cfg, "to")}, nil
}

// Send creates the message with HTTP basic auth (account SID, auth token).
// Twilio answers 201 Created; 400 for an invalid or unreachable number,
// 401 for bad credentials, 429 when over the concurrency limit.
func (s *twilioSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	body := n.SMS // a status-page subscriber's text, rendered by its producer
	if body == "" {
		body = twilioBody(renderMessage(n, s.now()))
	}
	form := url.Values{"To": {s.to}, "From": {s.from}, "Body": {body}}
	basic := base64.StdEncoding.EncodeToString([]byte(s.accountSID + ":" + s.authToken))
	header := http.Header{"Authorization": {"Basic " + basic}}
	endpoint := s.apiBase + "/2010-04-01/Accounts/" + url.PathEscape(s.accountSID) + "/Messages.json"
	return s.postForm(ctx, endpoint, form, header)
}

// twilioBody is the SMS text of m: its one line (with the failing locations of a
// service checked from several) and the acknowledge link (the alert's link once it
// is resolved or acknowledged), within two segments.
func twilioBody(m renderedMessage) string {
	link := ""
	for _, l := range m.Links {
		if l.Label == "Acknowledge" || link == "" {
			link = l.URL
		}
	}
	line := m.line()
	for _, f := range m.Facts {
		if f.Name == "Failing locations" { // a service checked from several (SPEC §8)
			line = joinSentences(line, "Failing in "+f.Value+".")
		}
	}
	return smsText(line, link, smsSegmentsMax)
}

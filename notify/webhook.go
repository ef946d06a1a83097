package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
)

// Webhook headers (SPEC §3.15), spelled as sent.
const (
	headerSignature = "X-AlertifyPro-Signature"
	headerEvent     = "X-AlertifyPro-Event"
	headerDelivery  = "X-AlertifyPro-Delivery"
)

// webhookSender POSTs JSON to a generic webhook: the notification's own
// envelope when it carries one, otherwise a rendering in the same shape,
// signed with HMAC-SHA256 over the raw body when a secret is set.
type webhookSender struct {
	channelPoster
	url     string
	secret  []byte
	headers map[string]string
}

func validateWebhook(c *configCheck) {
	c.url("url", true, true)
	c.str("secret", false, maxFieldLength)
	c.headers("headers")
}

func newWebhookSender(cfg map[string]any, d Deps) (Sender, error) {
	headers, _ := cfg["headers"].(map[string]string)
	return &webhookSender{channelPoster: newChannelPoster("webhook", d), url: cfgString(cfg, "url"),
		secret: []byte(cfgString(cfg, "secret")), headers: headers}, nil
}

// Send POSTs the payload with the configured headers, then the event,
// delivery id and signature headers, which configured ones cannot override.
func (s *webhookSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	body := []byte(n.Payload)
	if len(body) == 0 || string(body) == "null" {
		var err error
		if body, err = json.Marshal(defaultWebhookPayload(n, s.now())); err != nil {
			return configFailure(s.channel, "encoding the payload: %v", err)
		}
	}
	header := http.Header{}
	for k, v := range s.headers {
		header.Set(k, v)
	}
	// Assigned directly, not with Set, so the names go out spelled as the
	// SPEC writes them (header names are case-insensitive either way).
	header[headerEvent] = []string{n.Event}
	header[headerDelivery] = []string{n.ID}
	if len(s.secret) > 0 {
		header[headerSignature] = []string{crypto.SignHMAC(s.secret, body)}
	}
	return s.do(ctx, outbound{url: s.url, contentType: "application/json", body: body, header: header})
}

// webhookEnvelope is SPEC §3.15's payload envelope.
type webhookEnvelope struct {
	ID           string         `json:"id"`
	Event        string         `json:"event"`
	Timestamp    string         `json:"timestamp"`
	Organization webhookRef     `json:"organization"`
	Data         map[string]any `json:"data"`
}

type webhookRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// defaultWebhookPayload renders n as the §3.15 envelope. The timestamp is
// the event's own time, so a retry sends (and signs) the same bytes.
func defaultWebhookPayload(n *Notification, now time.Time) webhookEnvelope {
	m := renderMessage(n, now)
	when := m.When
	if when.IsZero() {
		when = now
	}
	alert := map[string]any{
		"id": n.AlertID, "severity": n.Severity, "title": m.Title, "summary": m.Summary,
		"reason": n.Error, "status": n.Status, "url": n.AlertURL, "dedup_key": n.DedupKey,
		"started_at": timeOrNil(n.Since), "resolved_at": nil, "downtime_seconds": nil,
	}
	if n.AckURL != "" {
		alert["ack_url"] = n.AckURL
	}
	if len(n.FailingRegions) > 0 {
		alert["failing_regions"] = n.FailingRegions
	}
	if n.ResolvedAt != nil {
		alert["resolved_at"] = n.ResolvedAt.UTC().Format(time.RFC3339)
		down := n.DownFor
		if down <= 0 && !n.Since.IsZero() {
			down = n.ResolvedAt.Sub(n.Since)
		}
		alert["downtime_seconds"] = int64(down / time.Second)
	}
	return webhookEnvelope{
		ID: n.ID, Event: n.Event, Timestamp: when.UTC().Format(time.RFC3339),
		Organization: webhookRef{ID: n.OrgID, Name: n.OrgName},
		Data: map[string]any{
			"monitor": map[string]any{"id": n.ServiceID, "name": n.ServiceName, "type": strings.ToLower(n.CheckType), "url": n.Endpoint},
			"alert":   alert,
		},
	}
}

// timeOrNil is t in RFC 3339 (UTC), or nil for the zero time.
func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

package notify

import (
	"context"
	"regexp"
	"time"
)

// pagerDutyEventsURL is the Events API v2 enqueue endpoint.
const pagerDutyEventsURL = "https://events.pagerduty.com/v2/enqueue"

// PagerDuty field limits.
const (
	pagerDutySummaryChars = 1024
	pagerDutyDedupChars   = 255
)

// pagerDutyRoutingKey is an Events API v2 integration key (32 characters).
var pagerDutyRoutingKey = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

// pagerDutySender sends Events API v2 events: trigger, acknowledge and
// resolve, all with the alert's stable dedup_key, so PagerDuty keeps one
// incident per alert however often it is re-sent.
type pagerDutySender struct {
	channelPoster
	endpoint   string // pagerDutyEventsURL; tests point it at a local receiver
	routingKey string
}

func validatePagerDuty(c *configCheck) {
	c.match("routing_key", true, pagerDutyRoutingKey, "a 32-character Events API v2 integration key")
}

func newPagerDutySender(cfg map[string]any, d Deps) (Sender, error) {
	return &pagerDutySender{channelPoster: newChannelPoster("pagerduty", d), endpoint: pagerDutyEventsURL,
		routingKey: cfgString(cfg, "routing_key")}, nil
}

// Send enqueues the event; PagerDuty answers 202 Accepted, 400 for an
// invalid event, 429 when throttled.
func (s *pagerDutySender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	return s.postJSON(ctx, s.endpoint, pagerDutyEvent(n, s.routingKey, s.now()), nil)
}

// pagerDutyEvent is the Events API v2 body of n.
func pagerDutyEvent(n *Notification, routingKey string, now time.Time) map[string]any {
	m := renderMessage(n, now)
	dedup := n.DedupKey
	if dedup == "" {
		dedup = n.AlertID
	}
	if dedup == "" {
		dedup = n.ID // a test message: its own incident
	}
	ev := map[string]any{
		"routing_key":  routingKey,
		"event_action": pagerDutyAction(m),
		"dedup_key":    truncateChars(dedup, pagerDutyDedupChars),
	}
	if ev["event_action"] != "trigger" {
		return ev // acknowledge and resolve need only the key
	}
	summary := m.line()
	source := n.Endpoint
	if source == "" {
		source = n.ServiceName
	}
	if source == "" {
		source = "AlertifyPro"
	}
	details := map[string]any{}
	for _, f := range m.Facts {
		details[f.Name] = f.Value
	}
	payload := map[string]any{
		"summary":        truncateChars(summary, pagerDutySummaryChars),
		"source":         source,
		"severity":       pagerDutySeverity(n.Severity),
		"custom_details": details,
	}
	if !n.Since.IsZero() {
		payload["timestamp"] = n.Since.UTC().Format(time.RFC3339)
	}
	if n.ServiceName != "" {
		payload["component"] = n.ServiceName
	}
	if n.OrgName != "" {
		payload["group"] = n.OrgName
	}
	if n.CheckType != "" {
		payload["class"] = n.CheckType
	}
	ev["payload"] = payload
	ev["client"] = "AlertifyPro"
	if n.AlertURL != "" {
		ev["client_url"] = n.AlertURL
	}
	var links []any
	for _, l := range m.Links {
		links = append(links, map[string]any{"href": l.URL, "text": l.Label})
	}
	if len(links) > 0 {
		ev["links"] = links
	}
	return ev
}

// pagerDutyAction maps the notification to an event action.
func pagerDutyAction(m renderedMessage) string {
	switch {
	case m.Recovered:
		return "resolve"
	case m.Acknowledged:
		return "acknowledge"
	}
	return "trigger"
}

// pagerDutySeverity maps ours onto PagerDuty's critical|error|warning|info.
func pagerDutySeverity(s string) string {
	switch s {
	case "critical", "warning", "info":
		return s
	}
	return "error"
}

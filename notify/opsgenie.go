package notify

import (
	"context"
	"net/http"
	"net/url"
)

// Opsgenie API hosts by region.
var opsgenieHosts = map[string]string{
	"us": "https://api.opsgenie.com",
	"eu": "https://api.eu.opsgenie.com",
}

// Opsgenie field limits.
const (
	opsgenieMessageChars     = 130
	opsgenieAliasChars       = 512
	opsgenieDescriptionChars = 15000
)

// opsgenieSender creates, acknowledges and closes Opsgenie alerts, all by
// alias = the alert's DedupKey, so a re-sent alert raises the existing
// one's count instead of opening another.
type opsgenieSender struct {
	channelPoster
	apiBase string // the region's host; tests point it at a local receiver
	apiKey  string
}

func validateOpsgenie(c *configCheck) {
	c.token("api_key", true)
	c.oneOf("region", "us", "us", "eu")
}

func newOpsgenieSender(cfg map[string]any, d Deps) (Sender, error) {
	return &opsgenieSender{channelPoster: newChannelPoster("opsgenie", d),
		apiBase: opsgenieHosts[cfgString(cfg, "region")], apiKey: cfgString(cfg, "api_key")}, nil
}

// Send makes the API call of the event. Opsgenie answers 202 Accepted (the
// request is processed asynchronously), 401/403 for a bad key, 422 for an
// invalid alert, 429 when throttled.
func (s *opsgenieSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	alias := n.DedupKey
	if alias == "" {
		alias = n.AlertID
	}
	if alias == "" {
		alias = n.ID
	}
	alias = truncateChars(alias, opsgenieAliasChars)
	header := http.Header{"Authorization": {"GenieKey " + s.apiKey}}
	byAlias := s.apiBase + "/v2/alerts/" + url.PathEscape(alias)
	switch {
	case m.Recovered:
		return s.postJSON(ctx, byAlias+"/close?identifierType=alias",
			map[string]any{"source": "AlertifyPro", "note": m.Summary}, header)
	case m.Acknowledged:
		return s.postJSON(ctx, byAlias+"/acknowledge?identifierType=alias",
			map[string]any{"source": "AlertifyPro", "note": m.Headline}, header)
	}
	details := map[string]string{}
	for _, f := range m.Facts {
		details[f.Name] = f.Value
	}
	for _, l := range m.Links {
		details[l.Label] = l.URL
	}
	body := map[string]any{
		"message":     truncateChars(m.Headline, opsgenieMessageChars),
		"alias":       alias,
		"description": truncateChars(m.textBody(), opsgenieDescriptionChars),
		"details":     details,
		"priority":    opsgeniePriority(n.Severity),
		"source":      "AlertifyPro",
		"tags":        []string{"alertifypro"},
	}
	if n.ServiceName != "" {
		body["entity"] = n.ServiceName
	}
	return s.postJSON(ctx, s.apiBase+"/v2/alerts", body, header)
}

// opsgeniePriority maps severities onto P1 (critical) … P5 (info).
func opsgeniePriority(severity string) string {
	switch severity {
	case "critical":
		return "P1"
	case "warning":
		return "P3"
	case "info":
		return "P5"
	}
	return "P3"
}

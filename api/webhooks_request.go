package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// webhookEvents are the events a subscription may list (SPEC §3.15), in the SPEC's order,
// which is also the order a subscription's events are stored and shown in.
var webhookEvents = []string{
	"monitor.down", "monitor.degraded", "monitor.recovered",
	"incident.created", "incident.updated", "incident.resolved",
	"ssl.expiring", "ssl.expired", "ssl.changed",
	"heartbeat.missed", "heartbeat.recovered",
	"maintenance.started", "maintenance.ended",
	"member.invited", "member.removed",
	"alert.acknowledged", "alert.resolved",
}

// Bounds of a given webhook secret: 16 characters is the least that resists guessing a
// signature key; the upper bound (bytes) is the notify config limit.
const (
	minWebhookSecretLen = 16
	maxWebhookSecretLen = 512
	webhookSecretBytes  = 32 // random bytes of a generated secret
)

// webhookRequest is the body of POST and PUT /webhooks. On PUT an absent field keeps its
// value; a url equal to the one shown (masked or not) keeps the stored URL; a secret
// replaces the stored one (and, like it, is never shown again).
type webhookRequest struct {
	OrganizationID string    `json:"organization_id"` // read by the org middleware
	URL            *string   `json:"url"`
	Events         *[]string `json:"events"`
	Secret         *string   `json:"secret"`
	Enabled        *bool     `json:"enabled"`
}

// webhookChange is a validated request. url and secret are "" when the stored ones stay.
type webhookChange struct {
	url, display string
	events       []string
	secret       string
	enabled      bool
}

// validate checks the request against the stored subscription (nil on create) and
// collects every problem into one 422.
func (h *webhookHandlers) validate(r *webhookRequest, old *store.Webhook) (*webhookChange, error) {
	f := fieldErrors{}
	ch := &webhookChange{enabled: true}
	if old != nil {
		ch.events, ch.enabled = old.Events, old.Enabled
	}
	switch {
	case r.URL != nil && old != nil && *r.URL == old.DisplayURL:
		// What a GET showed, sent back: the stored URL stays.
	case r.URL != nil || old == nil:
		ch.url, ch.display = h.checkWebhookURL(f, deref(r.URL))
	}
	if r.Events != nil || old == nil {
		ch.events = parseWebhookEvents(f, r.Events)
	}
	if r.Secret != nil {
		ch.secret = checkWebhookSecret(f, *r.Secret)
	}
	if r.Enabled != nil {
		ch.enabled = *r.Enabled
	}
	return ch, f.err()
}

// checkWebhookSecret checks a given secret with the rules notify's webhook sender applies
// to it (one line, at most 512 bytes, and no surrounding white space, which the sender
// would trim, so the receiver's copy would no longer verify), plus a minimum length.
func checkWebhookSecret(f fieldErrors, s string) string {
	switch {
	case utf8.RuneCountInString(s) < minWebhookSecretLen:
		f.add("secret", "must be at least "+strconv.Itoa(minWebhookSecretLen)+" characters")
	case len(s) > maxWebhookSecretLen:
		f.add("secret", "must be at most "+strconv.Itoa(maxWebhookSecretLen)+" bytes")
	case strings.TrimSpace(s) != s:
		f.add("secret", "must not begin or end with white space")
	case strings.ContainsAny(s, "\r\n\x00"):
		f.add("secret", "must be a single line")
	}
	return s
}

// checkWebhookURL validates a subscription URL with the generic webhook channel's rules
// (absolute http/https, no user name or password), then requires https unless
// EGRESS_POLICY=private, and refuses a target the egress guard will certainly refuse (a
// literal address or metadata name outside the policy). It returns the clean URL and its
// display form.
func (h *webhookHandlers) checkWebhookURL(f fieldErrors, raw string) (clean, display string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		f.add("url", "is required")
		return "", ""
	}
	cfg, problems := notify.ValidateChannelConfig("webhook", map[string]any{"url": raw})
	if msg, bad := problems["url"]; bad {
		f.add("url", msg)
		return "", ""
	}
	clean, _ = cfg["url"].(string)
	u, err := url.Parse(clean)
	if err != nil {
		f.add("url", "must be an absolute URL")
		return "", ""
	}
	if u.Scheme != "https" && !h.privateEgress() {
		f.add("url", "must be an https URL (http is allowed only with EGRESS_POLICY=private)")
	}
	if strings.Contains(clean, channelSecretMask) {
		f.add("url", "is masked; send the URL itself")
	}
	if h.guard != nil {
		if err := h.guard.CheckHost(u.Hostname()); err != nil {
			f.add("url", err.Error())
		}
	}
	return clean, maskWebhookURL(u)
}

// privateEgress reports whether EGRESS_POLICY is private (any other value is treated as
// public by the guard, so only an explicit private allows plain http).
func (h *webhookHandlers) privateEgress() bool {
	return h.cfg != nil && strings.EqualFold(strings.TrimSpace(h.cfg.EgressPolicy), egress.ModePrivate)
}

// maskWebhookURL is the URL as the API shows it: every query value (where receivers put
// tokens: ?token=, ?key=) replaced by the mask. User info is refused on save; the path is
// shown, so a receiver can still be told apart from another on the same host.
func maskWebhookURL(u *url.URL) string {
	c := *u
	if c.RawQuery != "" {
		parts := strings.Split(c.RawQuery, "&")
		for i, p := range parts {
			if k, _, ok := strings.Cut(p, "="); ok {
				parts[i] = k + "=" + channelSecretMask
			}
		}
		c.RawQuery = strings.Join(parts, "&")
	}
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// parseWebhookEvents checks an events list: non-empty, each a SPEC event in any case (an
// unknown one is named in the 422), returned lower-case, without repeats, in SPEC order.
func parseWebhookEvents(f fieldErrors, in *[]string) []string {
	if in == nil || len(*in) == 0 {
		f.add("events", "must list at least one event: "+strings.Join(webhookEvents, ", "))
		return nil
	}
	seen := map[string]bool{}
	for _, e := range *in {
		e = strings.ToLower(strings.TrimSpace(e))
		if !slices.Contains(webhookEvents, e) {
			f.add("events", "unknown event "+strconv.Quote(e)+"; known events: "+strings.Join(webhookEvents, ", "))
			return nil
		}
		seen[e] = true
	}
	out := make([]string, 0, len(seen))
	for _, e := range webhookEvents {
		if seen[e] {
			out = append(out, e)
		}
	}
	return out
}

// sealWebhook seals the plaintext URL and secret of w (either may be "" to keep the
// stored one) bound to its organization and ID.
func (b *base) sealWebhook(w *store.Webhook, rawURL, secret string) error {
	for _, s := range []struct {
		field, plain string
		dst          *[]byte
	}{{"url", rawURL, &w.SealedURL}, {"secret", secret, &w.SealedSecret}} {
		if s.plain == "" {
			continue
		}
		sealed, err := b.sealer.Seal([]byte(s.plain), w.OrgID, notify.WebhookSecretRecord(w.ID, s.field))
		if err != nil {
			return fmt.Errorf("seal webhook %s: %w", s.field, err)
		}
		*s.dst = sealed
	}
	return nil
}

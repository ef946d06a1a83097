package notify

import (
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// SubscriberNotices renders status-page subscriber messages (SPEC §3.16). Its Notice is the
// store's SubscriberNotifier (store.Options.Subscribers), called inside the transaction of
// an incident update or a maintenance start, once per confirmed subscriber: the store
// cannot render them itself, since links need BASE_URL and the subscriber's sealed
// unsubscribe token.
type SubscriberNotices struct {
	BaseURL string // BASE_URL; a trailing slash is ignored
	Opener  Opener
	Logger  *slog.Logger // nil discards

	rendered noticeCache // the last notice's message, for its next subscribers
}

// pageURL is the public status page of p.
func (sn *SubscriberNotices) pageURL(p *store.StatusPage) string {
	return strings.TrimRight(sn.BaseURL, "/") + "/status/" + url.PathEscape(p.Slug)
}

// tokenURL is the public confirm or unsubscribe link (action) carrying token.
func (sn *SubscriberNotices) tokenURL(action, token string) string {
	return strings.TrimRight(sn.BaseURL, "/") + "/api/v1/public/subscriptions/" + action + "?token=" + url.QueryEscape(token)
}

// Notice is the store.SubscriberNotifier: the outbox entry telling s of n, addressed to
// the subscriber (kind store.OutboxKindSubscriber), not to its address or URL, so the
// sender looks it up at send time. A subscriber whose unsubscribe token no longer
// opens (a rotated ENCRYPTION_KEY) is skipped and logged rather than failing the incident's
// transaction: one broken record must not stop a status update.
func (sn *SubscriberNotices) Notice(n *store.SubscriberNotice, s *store.Subscriber) (*store.OutboxEntry, error) {
	if s.Type == store.SubscriberSMS { // texts carry no link to unsubscribe: STOP does
		return sn.smsNotice(n, s)
	}
	token, err := sn.Opener.Open(s.SealedUnsubscribe, s.OrgID, SubscriberSecretRecord(s.ID, "unsubscribe"))
	if err != nil {
		sn.logger().Error("subscriber skipped: unsubscribe token does not open", "org_id", s.OrgID, "subscriber_id", s.ID, "error", err)
		return nil, nil
	}
	unsubscribe := sn.tokenURL("unsubscribe", string(token))
	id := uuid.Must(uuid.NewV7()).String()
	event := "maintenance.started"
	if n.Change != nil {
		event = "incident." + n.Change.Kind
	}
	nt := &Notification{ID: id, Event: event, OrgID: n.OrgID}
	e := &store.OutboxEntry{ID: id, Event: event}
	if s.Type == store.SubscriberWebhook {
		payload, err := json.Marshal(sn.envelope(id, event, n, unsubscribe))
		if err != nil {
			return nil, err
		}
		nt.Payload = payload
	} else {
		nt.Mail = sn.mail(n, unsubscribe)
	}
	e.Kind, e.TargetID = store.OutboxKindSubscriber, store.SubscriberTarget(s.PageID, s.ID)
	raw, err := json.Marshal(nt)
	if err != nil {
		return nil, err
	}
	e.Notification = raw
	return e, nil
}

// logger is Logger, or one that discards.
func (sn *SubscriberNotices) logger() *slog.Logger {
	if sn.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return sn.Logger
}

// subscriberEnvelope is the JSON a webhook subscriber receives: public fields only.
type subscriberEnvelope struct {
	ID             string         `json:"id"`
	Event          string         `json:"event"`
	Timestamp      time.Time      `json:"timestamp"`
	Page           map[string]any `json:"page"`
	Incident       map[string]any `json:"incident,omitempty"`
	Update         map[string]any `json:"update,omitempty"`
	Maintenance    map[string]any `json:"maintenance,omitempty"`
	UnsubscribeURL string         `json:"unsubscribe_url"`
}

// envelope builds the webhook subscriber's body: {page, incident, update} or {page, maintenance}.
func (sn *SubscriberNotices) envelope(id, event string, n *store.SubscriberNotice, unsubscribe string) subscriberEnvelope {
	env := subscriberEnvelope{ID: id, Event: event, UnsubscribeURL: unsubscribe,
		Page: map[string]any{"name": n.Page.Name, "slug": n.Page.Slug, "url": sn.pageURL(n.Page)}}
	if ch := n.Change; ch != nil {
		inc := ch.Incident
		env.Timestamp = ch.Update.CreatedAt.UTC()
		env.Incident = map[string]any{"id": inc.ID, "title": inc.Title, "status": inc.Status, "severity": inc.Severity,
			"components": componentNames(n.Page, inc.AffectedComponentIDs), "created_at": inc.CreatedAt.UTC(), "resolved_at": utcOrNil(inc.ResolvedAt)}
		env.Update = map[string]any{"id": ch.Update.ID, "status": ch.Update.Status, "message": ch.Update.Message, "created_at": ch.Update.CreatedAt.UTC()}
		return env
	}
	w := n.Maintenance
	env.Timestamp = w.StartsAt.UTC()
	env.Maintenance = map[string]any{"id": w.Window.ID, "name": w.Window.Name, "description": w.Window.Description,
		"starts_at": w.StartsAt.UTC(), "ends_at": w.EndsAt.UTC(), "components": maintenanceComponents(n.Page, &w.Window)}
	return env
}

// componentNames names the page components ids (unknown ones are left out); never nil.
func componentNames(p *store.StatusPage, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if c := p.Component(id); c != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

// maintenanceComponents names the page's service components the window covers.
func maintenanceComponents(p *store.StatusPage, w *store.MaintenanceWindow) []string {
	out := make([]string, 0)
	for _, c := range p.Components {
		if c.ServiceID != "" && w.Covers(c.ServiceID) {
			out = append(out, c.Name)
		}
	}
	return out
}

// titleCase upper-cases the first letter of an ASCII status ("investigating" → "Investigating").
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// utcOrNil is t in UTC, or nil for a nil or zero time (absent times are null).
func utcOrNil(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

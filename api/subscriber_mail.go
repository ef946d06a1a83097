package api

import (
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// subscriberTargetPrefix marks the outbox target of a subscriber notice
// ("subscriber:<pageID>/<subscriberID>", kind email or webhook): ChannelDelivery.Resolve
// sends those to the subscriber's address or URL, as stored at send time, instead of to an
// e-mail address or an outbound webhook subscription.
const subscriberTargetPrefix = "subscriber:"

// subscriberRecord is the record a subscriber's URL or unsubscribe token is sealed under
// (with its organization), so a sealed value moved to another subscriber does not open.
func subscriberRecord(id, field string) string { return "subscriber:" + id + ":" + field }

// subscriberNotices renders status-page subscriber messages: it is the store's
// SubscriberNotifier (installed by NewRouter), called inside the transaction of an incident
// update or a maintenance start, once per confirmed subscriber.
type subscriberNotices struct {
	baseURL string
	opener  secretOpener
	logger  *slog.Logger
}

// pageURL is the public status page of p.
func (sn *subscriberNotices) pageURL(p *store.StatusPage) string {
	return sn.baseURL + "/status/" + url.PathEscape(p.Slug)
}

// tokenURL is the public confirm or unsubscribe link (action) carrying token.
func (sn *subscriberNotices) tokenURL(action, token string) string {
	return sn.baseURL + "/api/v1/public/subscriptions/" + action + "?token=" + url.QueryEscape(token)
}

// notice is the store.SubscriberNotifier. A subscriber whose unsubscribe token no longer
// opens (a rotated ENCRYPTION_KEY) is skipped and logged rather than failing the incident's
// transaction: one broken record must not stop a status update.
func (sn *subscriberNotices) notice(n *store.SubscriberNotice, s *store.Subscriber) (*store.OutboxEntry, error) {
	token, err := sn.opener.Open(s.SealedUnsubscribe, s.OrgID, subscriberRecord(s.ID, "unsubscribe"))
	if err != nil {
		sn.logger.Error("subscriber skipped: unsubscribe token does not open", "org_id", s.OrgID, "subscriber_id", s.ID, "error", err)
		return nil, nil
	}
	unsubscribe := sn.tokenURL("unsubscribe", string(token))
	id := uuid.Must(uuid.NewV7()).String()
	event := "maintenance.started"
	if n.Change != nil {
		event = "incident." + n.Change.Kind
	}
	nt := &notify.Notification{ID: id, Event: event, OrgID: n.OrgID}
	e := &store.OutboxEntry{ID: id, Event: event}
	if s.Type == store.SubscriberWebhook {
		payload, err := json.Marshal(sn.envelope(id, event, n, unsubscribe))
		if err != nil {
			return nil, err
		}
		nt.Payload = payload
		e.Kind, e.TargetID = store.OutboxKindWebhook, subscriberTargetPrefix+s.PageID+"/"+s.ID
	} else {
		// Addressed to the subscriber, not the address: Resolve looks the subscriber up at
		// send time, so a message still queued when its subscriber unsubscribes is dropped.
		nt.Mail = sn.mail(n, unsubscribe)
		e.Kind, e.TargetID = store.OutboxKindEmail, subscriberTargetPrefix+s.PageID+"/"+s.ID
	}
	raw, err := json.Marshal(nt)
	if err != nil {
		return nil, err
	}
	e.Notification = raw
	return e, nil
}

// mailContent is the shared content of a subscriber e-mail before formatting.
type mailContent struct {
	subject, heading, meta, body string
	components                   []string
}

// mail renders an incident update or a maintenance announcement as text and HTML.
func (sn *subscriberNotices) mail(n *store.SubscriberNotice, unsubscribe string) *notify.Message {
	var m mailContent
	if ch := n.Change; ch != nil {
		inc := ch.Incident
		m = mailContent{subject: fmt.Sprintf("[%s] %s — %s", n.Page.Name, inc.Title, titleCase(inc.Status)),
			heading: inc.Title, meta: fmt.Sprintf("Status: %s · Severity: %s · %s", titleCase(inc.Status), inc.Severity,
				ch.Update.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")),
			body: ch.Update.Message, components: componentNames(n.Page, inc.AffectedComponentIDs)}
	} else {
		w := n.Maintenance
		m = mailContent{subject: fmt.Sprintf("[%s] Scheduled maintenance: %s — in progress", n.Page.Name, w.Window.Name),
			heading: w.Window.Name, meta: fmt.Sprintf("%s – %s", w.StartsAt.UTC().Format("2 Jan 2006 15:04 UTC"),
				w.EndsAt.UTC().Format("2 Jan 2006 15:04 UTC")),
			body: w.Window.Description, components: maintenanceComponents(n.Page, &w.Window)}
	}
	return renderSubscriberMail(m, n.Page.Name, sn.pageURL(n.Page), unsubscribe)
}

// renderSubscriberMail formats content as the text and HTML parts (every value that came
// from a user is escaped in the HTML part) with the unsubscribe link and header.
func renderSubscriberMail(m mailContent, pageName, pageURL, unsubscribe string) *notify.Message {
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n%s\n", m.heading, m.meta)
	if len(m.components) > 0 {
		fmt.Fprintf(&text, "Affected: %s\n", strings.Join(m.components, ", "))
	}
	if m.body != "" {
		fmt.Fprintf(&text, "\n%s\n", m.body)
	}
	fmt.Fprintf(&text, "\nStatus page: %s\n\nYou receive this because you subscribed to updates of %s.\nUnsubscribe: %s\n",
		pageURL, pageName, unsubscribe)
	e := html.EscapeString
	var h strings.Builder
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif;line-height:1.5\">\n<h2>%s</h2>\n<p style=\"color:#555\">%s</p>\n", e(m.heading), e(m.meta))
	if len(m.components) > 0 {
		fmt.Fprintf(&h, "<p>Affected: %s</p>\n", e(strings.Join(m.components, ", ")))
	}
	if m.body != "" {
		fmt.Fprintf(&h, "<p>%s</p>\n", strings.ReplaceAll(e(m.body), "\n", "<br>"))
	}
	fmt.Fprintf(&h, "<p><a href=\"%s\">View the status page</a></p>\n<p style=\"color:#666;font-size:90%%\">You receive this because you subscribed to updates of %s. <a href=\"%s\">Unsubscribe</a></p>\n</body></html>\n",
		e(pageURL), e(pageName), e(unsubscribe))
	return &notify.Message{Subject: m.subject, Text: text.String(), HTML: h.String(), ListUnsubscribe: unsubscribe}
}

// confirmationMail asks an address to confirm its subscription to page.
func (sn *subscriberNotices) confirmationMail(page *store.StatusPage, confirm, unsubscribe string) *notify.Message {
	m := mailContent{subject: "Confirm your subscription to " + page.Name, heading: "Confirm your subscription",
		meta: "Someone (hopefully you) asked to receive incident and maintenance updates of " + page.Name + ".",
		body: "Confirm the subscription by opening this link:\n" + sn.tokenURL("confirm", confirm) +
			"\n\nIf you did not ask for this, ignore this e-mail: nothing will be sent to you."}
	return renderSubscriberMail(m, page.Name, sn.pageURL(page), sn.tokenURL("unsubscribe", unsubscribe))
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
func (sn *subscriberNotices) envelope(id, event string, n *store.SubscriberNotice, unsubscribe string) subscriberEnvelope {
	env := subscriberEnvelope{ID: id, Event: event, UnsubscribeURL: unsubscribe,
		Page: map[string]any{"name": n.Page.Name, "slug": n.Page.Slug, "url": sn.pageURL(n.Page)}}
	if ch := n.Change; ch != nil {
		inc := ch.Incident
		env.Timestamp = ch.Update.CreatedAt.UTC()
		env.Incident = map[string]any{"id": inc.ID, "title": inc.Title, "status": inc.Status, "severity": inc.Severity,
			"components": componentNames(n.Page, inc.AffectedComponentIDs), "created_at": inc.CreatedAt.UTC(), "resolved_at": utcPtr(inc.ResolvedAt)}
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

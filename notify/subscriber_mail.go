package notify

import (
	"fmt"
	"html"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// mailContent is the shared content of a subscriber e-mail before formatting.
type mailContent struct {
	subject, heading, meta, body string
	components                   []string
}

// mail renders an incident update or a maintenance announcement with the page's e-mail
// template (its defaults when it has none). Should a stored template fail to render (it
// was checked when saved, but a very long message can pass the size bound), the default
// template is used and the failure logged: subscribers must still hear of the incident.
func (sn *SubscriberNotices) mail(n *store.SubscriberNotice, unsubscribe string) *Message {
	return sn.rendered.message(n, unsubscribe, sn.tokenURL("unsubscribe", unsubscribePlaceholder), sn.render)
}

// render renders n for one subscriber (see mail).
func (sn *SubscriberNotices) render(n *store.SubscriberNotice, unsubscribe string) *Message {
	kind, vars := sn.NoticeVars(n, unsubscribe)
	t := EffectiveEmailTemplate(n.Page.EmailTemplate, n.Page)
	msg, err := RenderEmailTemplate(&t, kind, vars)
	if err != nil {
		sn.logger().Error("subscriber e-mail template failed; the default was used", "org_id", n.OrgID, "status_page_id", n.Page.ID, "error", err)
		t = EffectiveEmailTemplate(nil, n.Page)
		if msg, err = RenderEmailTemplate(&t, kind, vars); err != nil {
			// The default template with bounded values cannot fail but past the size bound.
			t.Body = "{{incident.title}}"
			msg, _ = RenderEmailTemplate(&t, kind, vars)
		}
	}
	return msg
}

// NoticeVars are the template variables and the kind of notice (NoticeCreated, ...) of n
// for a subscriber whose unsubscribe link is unsubscribe. A maintenance announcement
// fills incident.* with the window (title: its name, status: "maintenance") and
// update.message with its description.
func (sn *SubscriberNotices) NoticeVars(n *store.SubscriberNotice, unsubscribe string) (string, EmailVars) {
	v := EmailVars{PageName: n.Page.Name, PageURL: sn.pageURL(n.Page), UnsubscribeURL: unsubscribe}
	if ch := n.Change; ch != nil {
		inc := ch.Incident
		v.IncidentTitle, v.IncidentStatus, v.IncidentSeverity = inc.Title, inc.Status, inc.Severity
		v.IncidentComponents = strings.Join(componentNames(n.Page, inc.AffectedComponentIDs), ", ")
		v.UpdateMessage, v.UpdateTime = ch.Update.Message, ch.Update.CreatedAt.UTC().Format(mailTime)
		switch {
		case ch.Update.Status == "resolved":
			return NoticeResolved, v
		case ch.Kind == store.IncidentKindCreated:
			return NoticeCreated, v
		}
		return NoticeUpdated, v
	}
	w := n.Maintenance
	v.IncidentTitle, v.IncidentStatus, v.UpdateMessage = w.Window.Name, "maintenance", w.Window.Description
	v.IncidentComponents = strings.Join(maintenanceComponents(n.Page, &w.Window), ", ")
	v.UpdateTime = w.StartsAt.UTC().Format(mailTime) + " – " + w.EndsAt.UTC().Format(mailTime)
	return NoticeMaintenance, v
}

// mailTime is how subscriber e-mails write a time.
const mailTime = "2 Jan 2006 15:04 UTC"

// renderSubscriberMail formats content as the text and HTML parts (every value that came
// from a user is escaped in the HTML part) with the unsubscribe link and header.
func renderSubscriberMail(m mailContent, pageName, pageURL, unsubscribe string) *Message {
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
	return &Message{Subject: m.subject, Text: text.String(), HTML: h.String(), ListUnsubscribe: unsubscribe}
}

// ConfirmationMail asks an address to confirm its subscription to page.
func (sn *SubscriberNotices) ConfirmationMail(page *store.StatusPage, confirm, unsubscribe string) *Message {
	m := mailContent{subject: "Confirm your subscription to " + page.Name, heading: "Confirm your subscription",
		meta: "Someone (hopefully you) asked to receive incident and maintenance updates of " + page.Name + ".",
		body: "Confirm the subscription by opening this link:\n" + sn.tokenURL("confirm", confirm) +
			"\n\nIf you did not ask for this, ignore this e-mail: nothing will be sent to you."}
	return renderSubscriberMail(m, page.Name, sn.pageURL(page), sn.tokenURL("unsubscribe", unsubscribe))
}

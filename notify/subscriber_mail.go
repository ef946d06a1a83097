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

// mail renders an incident update or a maintenance announcement as text and HTML.
func (sn *SubscriberNotices) mail(n *store.SubscriberNotice, unsubscribe string) *Message {
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

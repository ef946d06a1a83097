package api

import (
	"bytes"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/notify"
)

// subscriberMailEnv is a test environment whose instance SMTP server is a real in-process
// SMTP server, with the real outbox sender resolving entries through notify.Destinations.
type subscriberMailEnv struct {
	*testEnv
	capture *smtpCapture
	worker  *notify.OutboxSender
	owner   *testUser
	pageID  string
	compID  string
}

func newSubscriberMailEnv(t *testing.T, pageBody map[string]any) *subscriberMailEnv {
	t.Helper()
	capture := startSMTPCapture(t)
	e := newTestEnv(t, func(c *config.Config) { capture.configure(c) })
	return attachSubscriberMail(e, capture, pageBody)
}

// attachSubscriberMail makes the owner, a service and a page (pageBody plus one component
// of that service) and the outbox worker of env e.
func attachSubscriberMail(e *testEnv, capture *smtpCapture, pageBody map[string]any) *subscriberMailEnv {
	t := e.t
	t.Helper()
	owner := e.newUser("owner@example.com", "Owner")
	svc := e.createHTTPService(owner.Token, "API", "https://api.internal.example")
	body := map[string]any{"name": "Acme Status", "slug": "acme", "subscriptions_enabled": true,
		"components": []map[string]any{{"name": "Public API", "service_id": svc}}}
	for k, v := range pageBody {
		body[k] = v
	}
	rec := e.do("POST", "/api/v1/status-pages", owner.Token, body)
	if rec.Code != 201 {
		t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
	}
	page := decode[statusPageView](t, rec)
	worker := outboxWorker(e)
	return &subscriberMailEnv{testEnv: e, capture: capture, worker: worker, owner: owner, pageID: page.ID, compID: page.Components[0].ID}
}

// deliver runs the outbox once and returns the messages received since the last call.
func (m *subscriberMailEnv) deliver(seen *int) []capturedMail {
	m.t.Helper()
	if _, err := m.worker.DeliverDue(m.t.Context()); err != nil {
		m.t.Fatalf("deliver: %v", err)
	}
	all := m.capture.messages(m.t)
	fresh := all[*seen:]
	*seen = len(all)
	return fresh
}

// to groups messages by recipient.
func byRecipient(msgs []capturedMail) map[string][]capturedMail {
	out := map[string][]capturedMail{}
	for _, msg := range msgs {
		out[strings.Join(msg.To, ",")] = append(out[strings.Join(msg.To, ",")], msg)
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://\S+/api/v1/public/subscriptions/(confirm|unsubscribe)\?token=\S+`)

// link returns the action link of a received mail's text part, as a router path.
func link(t *testing.T, msg capturedMail, action string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(msg.Text, -1) {
		if strings.Contains(l, "/"+action+"?") {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			return u.RequestURI()
		}
	}
	t.Fatalf("no %s link in %q", action, msg.Text)
	return ""
}

// postForm submits the status page's subscribe form.
func (m *subscriberMailEnv) postForm(email string) *httptest.ResponseRecorder {
	return postFormFrom(m.testEnv, "192.0.2.77:4000", "/api/v1/public/status-pages/acme/subscribe", url.Values{"email": {email}})
}

// Subscribers (SPEC §3.16) get exactly one e-mail per incident update over real
// SMTP; a pending subscriber gets none; the confirm link and the unsubscribe link of the
// received e-mails work through the router.
func TestSubscribersGetOneEmailPerIncidentUpdate(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	if rec := m.do("POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "Ann@Example.com"}); rec.Code != 200 {
		t.Fatalf("subscribe ann: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.postForm("bob@example.com"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Check your inbox") {
		t.Fatalf("form subscribe bob: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.do("POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "pending@example.com"}); rec.Code != 200 {
		t.Fatalf("subscribe pending: %d", rec.Code)
	}
	confirmations := byRecipient(m.deliver(&seen))
	for _, who := range []string{"ann@example.com", "bob@example.com", "pending@example.com"} {
		if got := confirmations[who]; len(got) != 1 || !strings.Contains(got[0].Subject, "Confirm your subscription to Acme Status") {
			t.Fatalf("confirmation to %s: %+v", who, got)
		}
	}
	for _, who := range []string{"ann@example.com", "bob@example.com"} {
		rec := m.do("GET", link(t, confirmations[who][0], "confirm"), "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "subscribed to updates of Acme Status") {
			t.Fatalf("confirm %s: %d %s", who, rec.Code, rec.Body.String())
		}
	}
	base := "/api/v1/status-pages/" + m.pageID + "/incidents"
	rec := m.do("POST", base, m.owner.Token, map[string]any{"title": "API errors", "status": "investigating", "severity": "major",
		"affected_component_ids": []string{m.compID}, "message": "We are looking into elevated error rates."})
	if rec.Code != 201 {
		t.Fatalf("create incident: %d %s", rec.Code, rec.Body.String())
	}
	incID := decode[incidentView](t, rec).ID
	got := byRecipient(m.deliver(&seen))
	if len(got) != 2 || len(got["ann@example.com"]) != 1 || len(got["bob@example.com"]) != 1 {
		t.Fatalf("incident created: mails %+v, want one each to ann and bob", got)
	}
	first := got["ann@example.com"][0]
	if first.Subject != "We're investigating an issue — Acme Status" || !strings.Contains(first.Text, "elevated error rates") ||
		!strings.Contains(first.Text, "Public API") || !strings.Contains(first.Text, "http://localhost:3001/status/acme") ||
		!strings.Contains(first.HTML, "elevated error rates") || strings.Contains(first.Text, "api.internal.example") {
		t.Fatalf("incident mail: %+v", first)
	}
	m.assertListUnsubscribe(len(m.capture.raw) - 1)

	if rec := m.do("POST", base+"/"+incID+"/updates", m.owner.Token, map[string]any{"status": "identified", "message": "A bad deploy."}); rec.Code != 201 && rec.Code != 200 {
		t.Fatalf("update: %d %s", rec.Code, rec.Body.String())
	}
	got = byRecipient(m.deliver(&seen))
	if len(got) != 2 || len(got["ann@example.com"]) != 1 || len(got["bob@example.com"]) != 1 ||
		got["bob@example.com"][0].Subject != "API errors — Identified — Acme Status" {
		t.Fatalf("update: mails %+v", got)
	}
	// Ann follows the unsubscribe link of the e-mail she received.
	rec = m.do("GET", link(t, got["ann@example.com"][0], "unsubscribe"), "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Unsubscribed") {
		t.Fatalf("unsubscribe: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.do("POST", base+"/"+incID+"/updates", m.owner.Token, map[string]any{"status": "resolved", "message": "Rolled back."}); rec.Code != 201 && rec.Code != 200 {
		t.Fatalf("resolve: %d", rec.Code)
	}
	got = byRecipient(m.deliver(&seen))
	if len(got) != 1 || len(got["bob@example.com"]) != 1 || got["bob@example.com"][0].Subject != "Resolved: API errors — Acme Status" {
		t.Fatalf("after ann unsubscribed: mails %+v, want only bob's", got)
	}
	// Bob's client uses the one-click POST (RFC 8058) while an update is still queued for
	// him: the queued message is dropped, not sent.
	bobLink := link(t, got["bob@example.com"][0], "unsubscribe")
	if rec := m.do("POST", base+"/"+incID+"/updates", m.owner.Token, map[string]any{"status": "monitoring", "message": "Watching."}); rec.Code >= 300 {
		t.Fatalf("reopen: %d", rec.Code)
	}
	if rec := m.do("POST", bobLink, "", "List-Unsubscribe=One-Click"); rec.Code != 200 {
		t.Fatalf("one-click unsubscribe: %d %s", rec.Code, rec.Body.String())
	}
	if got := m.deliver(&seen); len(got) != 0 {
		t.Fatalf("sent after the one-click unsubscribe: %+v", got)
	}
	// The pending subscriber never got anything but the confirmation.
	all := byRecipient(m.capture.messages(t))
	if n := len(all["pending@example.com"]); n != 1 {
		t.Fatalf("pending subscriber got %d mails", n)
	}
	// The members' list shows who is left.
	list := decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil))
	if len(list) != 1 || *list[0].Email != "pending@example.com" || list[0].Status != "pending" {
		t.Fatalf("subscribers: %+v", list)
	}
}

// assertListUnsubscribe checks the RFC 8058 headers of raw message i.
func (m *subscriberMailEnv) assertListUnsubscribe(i int) {
	m.t.Helper()
	m.capture.mu.Lock()
	raw := m.capture.raw[i]
	m.capture.mu.Unlock()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.t.Fatal(err)
	}
	if lu := msg.Header.Get("List-Unsubscribe"); !strings.HasPrefix(lu, "<http://localhost:3001/api/v1/public/subscriptions/unsubscribe?token=") ||
		msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		m.t.Fatalf("List-Unsubscribe headers: %q / %q", lu, msg.Header.Get("List-Unsubscribe-Post"))
	}
}

package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// mustPage creates a status page as token and returns it.
func (e *testEnv) mustPage(token string, body map[string]any) statusPageView {
	e.t.Helper()
	rec := e.do("POST", "/api/v1/status-pages", token, body)
	if rec.Code != 201 {
		e.t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
	}
	return decode[statusPageView](e.t, rec)
}

// Public subscribe: restriction modes, private and closed pages, validation; each row
// comes from its own address so the per-IP limit stays out of the way.
func TestPublicSubscribeRules(t *testing.T) {
	e, f := newOrgEnv(t, withInstanceSMTP)
	e.mustPage(f.memberTok, map[string]any{"name": "Acme", "slug": "acme", "subscriptions_enabled": true})
	e.mustPage(f.memberTok, map[string]any{"name": "Secret", "slug": "secret", "is_public": false, "subscriptions_enabled": true})
	e.mustPage(f.memberTok, map[string]any{"name": "Closed", "slug": "closed"})
	e.mustPage(f.memberTok, map[string]any{"name": "Invite", "slug": "invite", "subscriptions_enabled": true, "subscriber_mode": "invite_only"})
	e.mustPage(f.memberTok, map[string]any{"name": "Corp", "slug": "corp", "subscriptions_enabled": true,
		"subscriber_mode": "email_domain", "subscriber_domains": []string{"corp.example"}})
	hook := newHookReceiver(t, "", 200)
	rows := []struct {
		name, slug string
		body       any
		status     int
		contains   string
	}{
		{"e-mail", "acme", map[string]any{"email": "a@example.com"}, 200, `"status":"pending"`},
		{"same e-mail again answers the same", "acme", map[string]any{"email": "A@example.com"}, 200, `"status":"pending"`},
		{"webhook", "acme", map[string]any{"webhook_url": hook.URL + "/hook?token=abc"}, 201, `"webhook_url":"` + hook.URL + `/hook?token=`},
		{"same webhook again", "acme", map[string]any{"webhook_url": hook.URL + "/hook?token=abc"}, 200, `"status":"confirmed"`},
		{"neither", "acme", map[string]any{}, 422, `"email":"give exactly one of email and webhook_url"`},
		{"both", "acme", map[string]any{"email": "b@example.com", "webhook_url": hook.URL}, 422, `give exactly one`},
		{"bad e-mail", "acme", map[string]any{"email": "nope"}, 422, `"email":"must be a valid e-mail address"`},
		{"bad url", "acme", map[string]any{"webhook_url": "ftp://x"}, 422, `"webhook_url"`},
		{"unknown field", "acme", map[string]any{"email": "c@example.com", "x": 1}, 400, `bad_request`},
		{"unknown page", "nope", map[string]any{"email": "c@example.com"}, 404, `not_found`},
		{"private page", "secret", map[string]any{"email": "c@example.com"}, 404, `not_found`},
		{"subscriptions off", "closed", map[string]any{"email": "c@example.com"}, 403, `forbidden`},
		{"invite only", "invite", map[string]any{"email": "c@example.com"}, 403, `by invitation only`},
		{"foreign domain", "corp", map[string]any{"email": "c@example.com"}, 422, `"email":"must be an address at one of: corp.example"`},
		{"own domain", "corp", map[string]any{"email": "c@CORP.example"}, 200, `pending`},
		{"no webhooks on a domain page", "corp", map[string]any{"webhook_url": hook.URL}, 422, `"webhook_url"`},
	}
	for i, r := range rows {
		rec := e.doFrom(fmt.Sprintf("198.51.100.%d", i+1), "POST", "/api/v1/public/status-pages/"+r.slug+"/subscribe", "", r.body)
		if rec.Code != r.status || !strings.Contains(rec.Body.String(), r.contains) {
			t.Errorf("%s: %d %s, want %d with %s", r.name, rec.Code, rec.Body.String(), r.status, r.contains)
		}
	}
	// The form of the HTML page gets HTML, errors included.
	req := httptest.NewRequest("POST", "/api/v1/public/status-pages/corp/subscribe", strings.NewReader("email=x%40other.example"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "198.51.100.200:1234"
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	if rec.Code != 422 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "corp.example") {
		t.Errorf("form error: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Per-IP limit: a burst of 5, then 429.
	var last int
	for range 7 {
		last = e.doFrom("203.0.113.9", "POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "d@example.com"}).Code
	}
	if last != 429 {
		t.Errorf("7th subscribe from one address: %d, want 429", last)
	}
}

// The members' endpoints: roles, tenant isolation, CSV export, plan cap.
func TestSubscriberEndpoints(t *testing.T) {
	e, f := newOrgEnv(t, withInstanceSMTP)
	page := e.mustPage(f.memberTok, map[string]any{"name": "Acme", "slug": "acme", "subscriptions_enabled": true, "subscriber_mode": "invite_only"})
	base := "/api/v1/status-pages/" + page.ID + "/subscribers"
	var subID string
	e.run([]scenario{
		{name: "viewer cannot add", method: "POST", path: base, token: f.viewerTok, body: map[string]any{"email": "x@example.com"}, status: 403},
		{name: "member adds on an invite_only page", method: "POST", path: base, token: f.memberTok, body: map[string]any{"email": "=cmd@example.com"},
			status: 201, contains: []string{`"status":"pending"`, `"email":"=cmd@example.com"`, `"confirmed_at":null`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { subID = decode[subscriberView](t, rec).ID }},
		{name: "pending again: 200, the confirmation just sent is not repeated", method: "POST", path: base, token: f.memberTok, body: map[string]any{"email": "=CMD@example.com"}, status: 200},
		{name: "other organization", method: "POST", path: base, token: f.outsider.Token, body: map[string]any{"email": "x@example.com"}, status: 404},
		{name: "viewer lists", method: "GET", path: base, token: f.viewerTok, status: 200, contains: []string{`"type":"email"`}},
		{name: "other organization lists", method: "GET", path: base, token: f.outsider.Token, status: 404},
		{name: "csv", method: "GET", path: base + "?format=csv", token: f.viewerTok, status: 200,
			contains: []string{"id,type,email,name,phone,webhook_url,status,created_at,confirmed_at\r\n", ",email,'=cmd@example.com,,,,pending,2026-11-25T12:00:00Z,\r\n"}},
		{name: "bad format", method: "GET", path: base + "?format=xml", token: f.viewerTok, status: 422},
	})
	e.run([]scenario{ // rows that need subID, known only now
		{name: "viewer cannot delete", method: "DELETE", path: base + "/" + subID, token: f.viewerTok, status: 403},
		{name: "other organization deletes", method: "DELETE", path: base + "/" + subID, token: f.outsider.Token, status: 404},
		{name: "delete", method: "DELETE", path: base + "/" + subID, token: f.memberTok, status: 204},
		{name: "delete again", method: "DELETE", path: base + "/" + subID, token: f.memberTok, status: 404},
	})
	wantAudit(t, e, f.owner.OrgID, "subscriber.created", "subscriber.deleted")
	// The free plan allows 100 subscribers in the organization; the 101st creates nothing.
	for i := range 100 {
		s := &store.Subscriber{PageID: page.ID, Type: store.SubscriberEmail, Email: fmt.Sprintf("s%d@example.com", i), Status: store.SubscriberPending}
		if _, err := e.db.AddSubscriber(f.owner.OrgID, s, -1, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec := e.do("POST", base, f.memberTok, map[string]any{"email": "one-too-many@example.com"})
	if rec.Code != 402 || !strings.Contains(rec.Body.String(), `"plan_limit_reached"`) || !strings.Contains(rec.Body.String(), "100 of 100") {
		t.Fatalf("over the cap (the message says how many of how many): %d %s", rec.Code, rec.Body.String())
	}
	if list, _ := e.db.Subscribers(f.owner.OrgID, page.ID); len(list) != 100 {
		t.Fatalf("subscribers after the refused add: %d", len(list))
	}
	// Deleting the page takes its subscribers along.
	if rec := e.do("DELETE", "/api/v1/status-pages/"+page.ID, f.memberTok, nil); rec.Code != 204 {
		t.Fatalf("delete page: %d", rec.Code)
	}
	if _, err := e.db.Subscribers(f.owner.OrgID, page.ID); err == nil {
		t.Fatal("subscribers of a deleted page still listed")
	}
}

// A webhook subscriber receives {page, incident, update} with X-AlertifyPro-Event, unsigned,
// and nothing once it is removed.
func TestWebhookSubscriberDelivery(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	var events []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		mu.Lock()
		bodies, events = append(bodies, m), append(events, r.Header.Get("X-AlertifyPro-Event")+"|"+r.Header.Get("X-AlertifyPro-Signature"))
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	e := newTestEnv(t, withInstanceSMTP)
	u := e.newUser("owner@example.com", "Owner")
	page := e.mustPage(u.Token, map[string]any{"name": "Acme", "slug": "acme", "subscriptions_enabled": true})
	rec := e.do("POST", "/api/v1/status-pages/"+page.ID+"/subscribers", u.Token, map[string]any{"webhook_url": srv.URL + "/in"})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"status":"confirmed"`) {
		t.Fatalf("add webhook: %d %s", rec.Code, rec.Body.String())
	}
	sub := decode[subscriberView](t, rec)
	worker := outboxWorker(e)
	if rec := e.do("POST", "/api/v1/status-pages/"+page.ID+"/incidents", u.Token, map[string]any{"title": "Slow", "status": "investigating",
		"severity": "minor", "message": "Looking."}); rec.Code != 201 {
		t.Fatalf("incident: %d", rec.Code)
	}
	if n, err := worker.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("deliver: %d %v", n, err)
	}
	mu.Lock()
	if len(bodies) != 1 || events[0] != "incident.created|" {
		t.Fatalf("received %v %v", events, bodies)
	}
	b := bodies[0]
	mu.Unlock()
	if b["page"].(map[string]any)["name"] != "Acme" || b["incident"].(map[string]any)["title"] != "Slow" ||
		b["update"].(map[string]any)["message"] != "Looking." || !strings.Contains(b["unsubscribe_url"].(string), "/unsubscribe?token=su_") {
		t.Fatalf("envelope: %v", b)
	}
	// Removed between queueing and sending: the entry is dropped, nothing is posted.
	incs := decode[[]incidentView](t, e.do("GET", "/api/v1/status-pages/"+page.ID+"/incidents", u.Token, nil))
	if rec := e.do("POST", "/api/v1/status-pages/"+page.ID+"/incidents/"+incs[0].ID+"/updates", u.Token, map[string]any{"status": "resolved", "message": "ok"}); rec.Code >= 300 {
		t.Fatalf("resolve: %d", rec.Code)
	}
	if rec := e.do("DELETE", "/api/v1/status-pages/"+page.ID+"/subscribers/"+sub.ID, u.Token, nil); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	_, _ = worker.DeliverDue(t.Context())
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("posted to a removed subscriber: %v", events)
	}
}

// withInstanceSMTP gives the instance an SMTP server (a closed port: these tests run no
// outbox sender, so nothing is sent), which e-mail subscriptions require.
func withInstanceSMTP(c *config.Config) {
	c.SMTPHost, c.SMTPPort, c.SMTPTLS, c.SMTPFrom = "127.0.0.1", 1, "none", "noreply@alertify.example"
}

// TestEmailSubscriptionsNeedSMTP: without an SMTP server no confirmation can be sent, so
// the public form is not offered and an e-mail subscribe is a 422 that says why (webhook
// subscribers still work).
func TestEmailSubscriptionsNeedSMTP(t *testing.T) {
	e, f := newOrgEnv(t)
	rec := e.do("POST", "/api/v1/status-pages", f.owner.Token, map[string]any{"name": "Corp", "slug": "corp", "subscriptions_enabled": true})
	if rec.Code != http.StatusCreated {
		t.Fatal(rec.Body.String())
	}
	rec = e.do("POST", "/api/v1/public/status-pages/corp/subscribe", "", map[string]any{"email": "reader@example.com"})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "SMTP") {
		t.Fatalf("e-mail subscribe without SMTP: %d %s", rec.Code, rec.Body.String())
	}
	page := e.do("GET", "/status/corp", "", nil).Body.String()
	if strings.Contains(page, "subscribe") {
		t.Errorf("the page offers a subscribe form without SMTP")
	}
	if rec := e.do("POST", "/api/v1/public/status-pages/corp/subscribe", "", map[string]any{"webhook_url": "https://hooks.example.com/x"}); rec.Code != http.StatusCreated {
		t.Errorf("webhook subscribe without SMTP: %d %s", rec.Code, rec.Body.String())
	}
}

// TestSubscribersCSVNameAndPhone: the CSV export has the name an import gave and an SMS
// subscriber's number, masked as in the list (full numbers never leave the server).
func TestSubscribersCSVNameAndPhone(t *testing.T) {
	e, f := newOrgEnv(t, withInstanceSMTP)
	page := e.mustPage(f.memberTok, map[string]any{"name": "Acme", "slug": "acme", "subscriptions_enabled": true})
	for _, s := range []*store.Subscriber{
		{PageID: page.ID, Type: store.SubscriberEmail, Email: "ada@example.com", Name: "Ada, Countess", Status: store.SubscriberPending},
		{PageID: page.ID, Type: store.SubscriberSMS, Phone: "+491701234567", Status: store.SubscriberPending},
	} {
		if _, err := e.db.AddSubscriber(f.owner.OrgID, s, -1, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec := e.do("GET", "/api/v1/status-pages/"+page.ID+"/subscribers?format=csv", f.viewerTok, nil)
	body := rec.Body.String()
	for _, want := range []string{"id,type,email,name,phone,webhook_url,status,created_at,confirmed_at\r\n",
		`,email,ada@example.com,"Ada, Countess",,,pending,`, ",sms,,,'+••••••••4567,,pending,"} {
		if !strings.Contains(body, want) {
			t.Errorf("CSV lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "1701234567") {
		t.Errorf("CSV holds the full number:\n%s", body)
	}
}

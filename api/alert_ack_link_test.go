package api

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// ackPath turns an Alerter link (BASE_URL/api/v1/alerts/{id}/ack?token=…) into the path
// and query the test router serves.
func ackPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://localhost:3001/api/v1/alerts/") || u.Query().Get("token") == "" {
		t.Fatalf("ack link %q is not BASE_URL/api/v1/alerts/{id}/ack?token=…", link)
	}
	return u.RequestURI()
}

// tamper changes one letter or digit in the middle of the link's token (not the last
// character, whose spare base64 bits a lenient decoder may ignore).
func tamper(t *testing.T, link string) string {
	t.Helper()
	i := strings.Index(link, "token=") + len("token=")
	b := []byte(link)
	for j := i + (len(b)-i)/2; j < len(b)-1; j++ {
		switch {
		case b[j] >= 'a' && b[j] <= 'z':
			b[j] = 'a' + (b[j]-'a'+1)%26
		case b[j] >= '0' && b[j] <= '9':
			b[j] = '0' + (b[j]-'0'+1)%10
		default:
			continue
		}
		return string(b)
	}
	t.Fatalf("no character to tamper with in %q", link)
	return ""
}

// postAck POSTs to an acknowledge link as the page's button does: a form whose action is
// the page's own URL.
func postAck(e *testEnv, link string) *httptest.ResponseRecorder {
	return postForm(e, link, url.Values{})
}

func TestAlertAckLinkPage(t *testing.T) {
	e, al := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada Lovelace")
	_, a := e.firingServiceAt(u.Token, u.OrgID, `<b>x</b> "api"`, "https://api.example.com", "critical")
	link := ackPath(t, al.AckURL(u.OrgID, a.ID, e.clock.Now().Add(time.Hour)))

	// Opening the link, as a mail scanner or chat unfurler does, shows a page and
	// changes nothing, however often.
	for range 2 {
		rec := e.do("GET", link, "", nil)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET link: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), body)
		}
		for _, want := range []string{`<form method="post">`, `<button type="submit" class="btn">Acknowledge</button>`,
			"&lt;b&gt;x&lt;/b&gt; &#34;api&#34;", "firing", "critical", "form-action 'self'"} {
			if !strings.Contains(body+rec.Header().Get("Content-Security-Policy"), want) {
				t.Errorf("page lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "<b>x</b>") {
			t.Errorf("page has script or unescaped markup:\n%s", body)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("CSP %q", csp)
		}
	}
	if cur, _ := e.db.Alert(u.OrgID, a.ID); cur.Status != "firing" {
		t.Fatalf("GET acknowledged the alert: %s", cur.Status)
	}

	// The button posts the form: the alert is acknowledged, and the page says so.
	rec := postAck(e, link)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Acknowledged") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("POST link: %d %s", rec.Code, rec.Body.String())
	}
	if cur, _ := e.db.Alert(u.OrgID, a.ID); cur.Status != "acknowledged" || cur.AcknowledgedBy != ackByLink {
		t.Fatalf("after POST: %s by %q", cur.Status, cur.AcknowledgedBy)
	}
	wantAudit(t, e, u.OrgID, "alert.acknowledged")
	// Opening it again says the alert is acknowledged and offers no button.
	rec = e.do("GET", link, "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "already acknowledged") || strings.Contains(rec.Body.String(), "<form") {
		t.Fatalf("GET after ack: %d %s", rec.Code, rec.Body.String())
	}
	// An invalid link shows a page without a button, and counts as a failure.
	rec = e.do("GET", tamper(t, link), "", nil)
	if rec.Code != 404 || strings.Contains(rec.Body.String(), "<form") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("tampered GET: %d %s", rec.Code, rec.Body.String())
	}
}

func TestAlertAckLink(t *testing.T) {
	e, al := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	_, a := e.firingService(u.Token, u.OrgID, "api", "critical")
	_, b := e.firingService(u.Token, u.OrgID, "db", "critical")
	_, c := e.firingService(u.Token, u.OrgID, "web", "critical")
	exp := e.clock.Now().Add(time.Hour)
	linkA := ackPath(t, al.AckURL(u.OrgID, a.ID, exp))
	linkB := ackPath(t, al.AckURL(u.OrgID, b.ID, exp))
	linkC := ackPath(t, al.AckURL(u.OrgID, c.ID, exp))
	tokenB := linkB[strings.Index(linkB, "token=")+len("token="):]
	tampered := tamper(t, linkA)
	// An API client POSTs with the token (JSON in, JSON out).
	e.run([]scenario{
		{name: "tampered token", method: "POST", path: tampered, status: 404, contains: []string{`"not_found"`}},
		{name: "no token", method: "POST", path: "/api/v1/alerts/" + a.ID + "/ack", status: 404},
		{name: "another alert's token", method: "POST", path: "/api/v1/alerts/" + a.ID + "/ack?token=" + tokenB, status: 404},
		{name: "unknown alert", method: "POST", path: "/api/v1/alerts/0190a0a0-0000-7000-8000-000000000000/ack?token=" + tokenB, status: 404},
		{name: "a GET changes nothing", method: "GET", path: linkA, status: 200},
		{name: "still firing after the GET", method: "GET", path: "/api/v1/alerts/" + a.ID, token: u.Token, status: 200,
			contains: []string{`"status":"firing"`}},
		{name: "valid link acknowledges without a login", method: "POST", path: linkA, status: 200,
			contains: []string{`{"status":"acknowledged","alert_id":"` + a.ID + `"}`}},
		{name: "acknowledged by the link", method: "GET", path: "/api/v1/alerts/" + a.ID, token: u.Token, status: 200,
			contains: []string{`"status":"acknowledged"`, `"acknowledged_by":"link"`}},
		{name: "second click is fine", method: "POST", path: linkA, status: 200, contains: []string{`"status":"acknowledged"`}},
		{name: "resolve b by hand", method: "POST", path: "/api/v1/alerts/" + b.ID + "/resolve", token: u.Token, status: 200},
		{name: "link of a resolved alert", method: "POST", path: linkB, status: 409},
		{name: "page of a resolved alert", method: "GET", path: linkB, status: 200, contains: []string{"already resolved"},
			notContains: []string{"<form"}},
	})
	wantAudit(t, e, u.OrgID, "alert.acknowledged")
	e.clock.Advance(time.Hour + time.Second)
	e.run([]scenario{
		{name: "expired link", method: "POST", path: linkC, status: 404},
		{name: "still firing", method: "GET", path: "/api/v1/alerts/" + c.ID, token: u.Token, status: 200, contains: []string{`"status":"firing"`}},
	})
	// Guessing is limited per client IP: after the failures allowed in the window even a
	// valid link from that IP waits, while other addresses are unaffected.
	fresh := ackPath(t, al.AckURL(u.OrgID, c.ID, e.clock.Now().Add(time.Hour)))
	for i := 0; i < ackLinkFailureLimit; i++ {
		if rec := e.doFrom("198.51.100.7", "GET", tampered, "", nil); rec.Code != 404 {
			t.Fatalf("guess %d: %d", i, rec.Code)
		}
	}
	if rec := e.doFrom("198.51.100.7", "POST", fresh, "", nil); rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %d %s, want 429 with Retry-After", ackLinkFailureLimit, rec.Code, rec.Body.String())
	}
	if rec := e.doFrom("198.51.100.8", "POST", fresh, "", nil); rec.Code != 200 {
		t.Fatalf("another IP: %d %s", rec.Code, rec.Body.String())
	}
}

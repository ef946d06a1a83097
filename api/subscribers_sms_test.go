package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An SMS subscriber (README "SMS subscribers") confirms with the code texted to it through
// the page's twilio_sms channel, then gets exactly one GSM-7 text per update of a critical
// incident and none of a major one while critical_only is on; a STOP reply signed by
// Twilio removes it.
func TestSMSSubscriberConfirmIncidentStop(t *testing.T) {
	m := newSMSEnv(t)
	const phone = "+491701234567"
	page := decode[statusPageView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID, m.owner.Token, nil))
	if s := page.SMSSubscriptions; !s.Enabled || !s.CriticalOnly || deref(s.ChannelID) != m.channelID ||
		deref(s.InboundWebhookPath) != "/api/v1/public/sms/twilio/"+m.owner.OrgID+"/"+m.channelID {
		t.Fatalf("sms_subscriptions = %+v", s)
	}

	if rec := m.public("192.0.2.1", "", map[string]any{"phone": "+49 170 1234567"}); rec.Code != http.StatusOK {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body.String())
	}
	posts := m.deliver()
	code := m.codeOf(posts, phone)
	if got := posts[0]; got.Path != "/2010-04-01/Accounts/"+smsTestSID+"/Messages.json" || got.Form.Get("From") != smsTestFrom ||
		got.Auth != "Basic "+base64.StdEncoding.EncodeToString([]byte(smsTestSID+":"+smsTestToken)) ||
		!strings.Contains(got.Form.Get("Body"), "Acme Status") || !strings.Contains(got.Form.Get("Body"), "Reply STOP to unsubscribe.") {
		t.Fatalf("confirmation text: %+v", got)
	}
	// Not confirmed yet: a critical incident texts nobody.
	incidents := "/api/v1/status-pages/" + m.pageID + "/incidents"
	m.incident(incidents, "critical", "Checkout down")
	if got := m.deliver(); len(got) != 0 {
		t.Fatalf("pending subscriber was texted: %+v", got)
	}
	if rec := m.public("192.0.2.1", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusOK {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	list := decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil))
	if len(list) != 1 || list[0].Type != "sms" || deref(list[0].Phone) != "+••••••••4567" || list[0].Status != "confirmed" ||
		strings.Contains(m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil).Body.String(), "1701234") {
		t.Fatalf("subscribers = %+v", list)
	}

	// A major incident is not texted under critical_only.
	m.incident(incidents, "major", "Slow search")
	if got := m.deliver(); len(got) != 0 {
		t.Fatalf("major incident texted under critical_only: %+v", got)
	}
	// A critical one is, once, in GSM-7 within two segments, though its text is not.
	id := m.incident(incidents, "critical", "Zahlungen gestört")
	if rec := m.do("POST", incidents+"/"+id+"/updates", m.owner.Token, map[string]any{"status": "identified",
		"message": "„Störung“ beim Zahlungsanbieter — wir prüfen… Façade côté 東京 ✓ " + strings.Repeat("Details folgen. ", 30)}); rec.Code >= 300 {
		t.Fatalf("update: %d %s", rec.Code, rec.Body.String())
	}
	got := m.deliver()
	if len(got) != 2 { // the incident's creation and its update
		t.Fatalf("critical incident: %d texts, want 2: %+v", len(got), got)
	}
	body := got[1].Form.Get("Body")
	assertGSM7(t, body)
	if got[1].Form.Get("To") != phone || !strings.HasPrefix(body, "[Acme Status] Zahlungen gestört - Identified: \"Störung\" beim Zahlungsanbieter - wir prüfen... Facade coté ?? ? ") ||
		!strings.HasSuffix(body, "...\nhttp://localhost:3001/status/acme\nReply STOP to unsubscribe.") || len([]rune(body)) > 306 {
		t.Fatalf("update text (%d runes): %q", len([]rune(body)), body)
	}

	// critical_only off: a major incident is texted too.
	if rec := m.do("PUT", "/api/v1/status-pages/"+m.pageID, m.owner.Token, map[string]any{"sms_subscriptions": map[string]any{"critical_only": false}}); rec.Code != http.StatusOK {
		t.Fatalf("critical_only off: %d %s", rec.Code, rec.Body.String())
	}
	m.incident(incidents, "minor", "Docs slow")
	if got := m.deliver(); len(got) != 1 || got[0].Form.Get("To") != phone {
		t.Fatalf("minor incident without critical_only: %+v", got)
	}

	// Replies: unsigned, wrongly signed and other words change nothing; STOP removes.
	stop := url.Values{"From": {phone}, "To": {smsTestFrom}, "Body": {" stop "}, "MessageSid": {"SM1"}, "AccountSid": {smsTestSID}}
	for name, rec := range map[string]int{"unsigned": m.inbound("", stop).Code, "wrong token": m.inbound("not-the-token", stop).Code} {
		if rec != http.StatusForbidden {
			t.Fatalf("%s STOP: %d, want 403", name, rec)
		}
	}
	if rec := m.inbound(smsTestToken, url.Values{"From": {phone}, "Body": {"thanks"}}); rec.Code != http.StatusOK {
		t.Fatalf("other reply: %d %s", rec.Code, rec.Body.String())
	}
	if n := len(decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil))); n != 1 {
		t.Fatalf("%d subscribers after non-STOP replies", n)
	}
	if rec := m.inbound(smsTestToken, stop); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<Response>") {
		t.Fatalf("signed STOP: %d %s", rec.Code, rec.Body.String())
	}
	if n := len(decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil))); n != 0 {
		t.Fatalf("%d subscribers after STOP", n)
	}
	m.incident(incidents, "critical", "After STOP")
	if got := m.deliver(); len(got) != 0 {
		t.Fatalf("texted after STOP: %+v", got)
	}
	if events := auditEvents(t, m.testEnv, m.owner.OrgID); !hasAll(events, "subscriber.created", "subscriber.confirmed", "subscriber.deleted") {
		t.Fatalf("audit events: %v", events)
	}
}

// incident creates an incident of severity on the page and returns its ID.
func (m *smsEnv) incident(path, severity, title string) string {
	m.t.Helper()
	rec := m.do("POST", path, m.owner.Token, map[string]any{"title": title, "status": "investigating", "severity": severity,
		"message": "Looking into it."})
	if rec.Code != http.StatusCreated {
		m.t.Fatalf("create incident: %d %s", rec.Code, rec.Body.String())
	}
	return decode[incidentView](m.t, rec).ID
}

// hasAll reports whether every one of want is in got.
func hasAll(got []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			return false
		}
	}
	return true
}

// A wrong code is refused and uses one of five attempts; after five even the right code is
// refused until a new one is requested; a code expires after ten minutes; numbers that
// are not E.164 are 422 naming phone.
func TestSMSSubscriberCodeAttemptsAndBadPhone(t *testing.T) {
	m := newSMSEnv(t)
	const phone = "+14155550199"
	for i, bad := range []string{"", "0170 1234567", "+0123456789", "+1234567", "+1234567890123456", "+1415555019x", "tel:+14155550199"} {
		rec := m.public(fmt.Sprintf("198.51.100.%d", i+1), "", map[string]any{"phone": bad})
		if rec.Code != http.StatusUnprocessableEntity || decodeFields(t, rec)["phone"] == "" {
			t.Fatalf("phone %q: %d %s", bad, rec.Code, rec.Body.String())
		}
	}
	if rec := m.public("192.0.2.2", "", map[string]any{"phone": phone}); rec.Code != http.StatusOK {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body.String())
	}
	code := m.codeOf(m.deliver(), phone)
	n, _ := strconv.Atoi(code)
	wrong := fmt.Sprintf("%06d", (n+1)%1_000_000)
	// The code is kept only as a keyed digest.
	if subs, err := m.db.Subscribers(m.owner.OrgID, m.pageID); err != nil || len(subs) != 1 || subs[0].SMSCode == nil ||
		len(subs[0].SMSCode.Digest) != 32 || strings.Contains(string(mustJSON(t, subs[0])), code) {
		t.Fatalf("stored subscriber: %+v, %v", subs, err)
	}
	for i := 1; i <= 5; i++ {
		rec := m.public(fmt.Sprintf("192.0.2.%d", 10+i), "/confirm", map[string]any{"phone": phone, "code": wrong})
		want := "is not the code"
		if i == 5 {
			want = "too many"
		}
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(decodeFields(t, rec)["code"], want) {
			t.Fatalf("wrong code #%d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	rec := m.public("192.0.2.20", "/confirm", map[string]any{"phone": phone, "code": code})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(decodeFields(t, rec)["code"], "too many") {
		t.Fatalf("right code after five wrong: %d %s", rec.Code, rec.Body.String())
	}
	// A number that never subscribed reads like a wrong code.
	if rec := m.public("192.0.2.21", "/confirm", map[string]any{"phone": "+14155550111", "code": code}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(decodeFields(t, rec)["code"], "is not the code") {
		t.Fatalf("unknown number: %d %s", rec.Code, rec.Body.String())
	}
	// Subscribing again at once sends nothing; a minute later a fresh code with fresh attempts.
	m.public("192.0.2.2", "", map[string]any{"phone": phone})
	if got := m.deliver(); len(got) != 0 {
		t.Fatalf("code re-sent within a minute: %+v", got)
	}
	m.clock.Advance(time.Minute)
	m.public("192.0.2.2", "", map[string]any{"phone": phone})
	code = m.codeOf(m.deliver(), phone)
	// Ten minutes on, the code has expired.
	m.clock.Advance(10 * time.Minute)
	if rec := m.public("192.0.2.22", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(decodeFields(t, rec)["code"], "expired") {
		t.Fatalf("expired code: %d %s", rec.Code, rec.Body.String())
	}
	m.public("192.0.2.2", "", map[string]any{"phone": phone})
	code = m.codeOf(m.deliver(), phone)
	if rec := m.public("192.0.2.23", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusOK {
		t.Fatalf("fresh code: %d %s", rec.Code, rec.Body.String())
	}
	// The code worked once.
	if rec := m.public("192.0.2.23", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("code used twice: %d %s", rec.Code, rec.Body.String())
	}
	if subs, err := m.db.Subscribers(m.owner.OrgID, m.pageID); err != nil || len(subs) != 1 || subs[0].SMSCode != nil || subs[0].Status != "confirmed" {
		t.Fatalf("stored after confirming: %+v, %v", subs, err)
	}
}

// decodeFields returns the fields of a flat error body.
func decodeFields(t *testing.T, rec interface{ Result() *http.Response }) map[string]string {
	t.Helper()
	var body struct {
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.NewDecoder(rec.Result().Body).Decode(&body); err != nil {
		t.Fatalf("error body: %v", err)
	}
	return body.Fields
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// The public page offers the phone form when the page texts; the form's answers are pages
// (the code form, then the outcome), ending in a confirmed subscriber.
func TestSMSSubscribeByStatusPageForm(t *testing.T) {
	m := newSMSEnv(t)
	html := m.do("GET", "/status/acme", "", nil).Body.String()
	if !strings.Contains(html, `action="/api/v1/public/status-pages/acme/subscribe/sms"`) || !strings.Contains(html, `name="phone" type="tel"`) ||
		!strings.Contains(html, "Reply STOP") || !strings.Contains(html, "critical incidents only") ||
		!strings.Contains(html, `action="/api/v1/public/status-pages/acme/unsubscribe/sms"`) {
		t.Fatalf("public page has no phone form:\n%s", html)
	}
	path := "/api/v1/public/status-pages/acme/subscribe/sms"
	rec := postFormFrom(m.testEnv, "192.0.2.40:1000", path, url.Values{"phone": {"not a number"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "E.164") {
		t.Fatalf("bad number by form: %d %s", rec.Code, rec.Body.String())
	}
	rec = postFormFrom(m.testEnv, "192.0.2.40:1000", path, url.Values{"phone": {"+33 6 12 34 56 78"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `action="/api/v1/public/status-pages/acme/subscribe/sms/confirm"`) ||
		!strings.Contains(rec.Body.String(), `value="+33612345678"`) {
		t.Fatalf("form subscribe: %d %s", rec.Code, rec.Body.String())
	}
	code := m.codeOf(m.deliver(), "+33612345678")
	rec = postFormFrom(m.testEnv, "192.0.2.40:1000", path+"/confirm", url.Values{"phone": {"+33612345678"}, "code": {"000000"}})
	if code != "000000" && (rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `name="code"`)) {
		t.Fatalf("wrong code by form: %d %s", rec.Code, rec.Body.String())
	}
	rec = postFormFrom(m.testEnv, "192.0.2.40:1000", path+"/confirm", url.Values{"phone": {"+33612345678"}, "code": {code}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Subscribed") {
		t.Fatalf("confirm by form: %d %s", rec.Code, rec.Body.String())
	}
	// Leaving by form: the answer is the code form for the unsubscribe path.
	rec = postFormFrom(m.testEnv, "192.0.2.42:1000", "/api/v1/public/status-pages/acme/unsubscribe/sms", url.Values{"phone": {"+33612345678"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `action="/api/v1/public/status-pages/acme/unsubscribe/sms/confirm"`) {
		t.Fatalf("form unsubscribe: %d %s", rec.Code, rec.Body.String())
	}
	leave := m.codeOf(m.deliver(), "+33612345678")
	rec = postFormFrom(m.testEnv, "192.0.2.42:1000", "/api/v1/public/status-pages/acme/unsubscribe/sms/confirm", url.Values{"phone": {"+33612345678"}, "code": {leave}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Unsubscribed") {
		t.Fatalf("form unsubscribe confirm: %d %s", rec.Code, rec.Body.String())
	}
	// Only for anyone-may-subscribe pages: invitation-only pages show no phone form.
	if rec := m.do("PUT", "/api/v1/status-pages/"+m.pageID, m.owner.Token, map[string]any{"subscriber_mode": "invite_only"}); rec.Code != http.StatusOK {
		t.Fatalf("invite_only: %d", rec.Code)
	}
	if html := m.do("GET", "/status/acme", "", nil).Body.String(); strings.Contains(html, `type="tel"`) {
		t.Fatal("phone form on an invitation-only page")
	}
	if rec := m.public("192.0.2.41", "", map[string]any{"phone": "+33612345679"}); rec.Code != http.StatusForbidden {
		t.Fatalf("subscribe to invite_only page: %d", rec.Code)
	}
}

// Subscribing by phone shares the per-IP allowance of e-mail subscribe (burst 5); the
// confirm endpoint has its own.
func TestSMSSubscribeRateLimitedPerIP(t *testing.T) {
	m := newSMSEnv(t)
	for i := 0; i < 5; i++ {
		if rec := m.public("203.0.113.5", "", map[string]any{"phone": fmt.Sprintf("+1415555%04d", i)}); rec.Code != http.StatusOK {
			t.Fatalf("subscribe %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	rec := m.public("203.0.113.5", "", map[string]any{"phone": "+14155559999"})
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("sixth subscribe from one IP: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.doFrom("203.0.113.5", "POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "a@example.com"}); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("e-mail subscribe after five by phone: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.public("203.0.113.6", "", map[string]any{"phone": "+14155559999"}); rec.Code != http.StatusOK {
		t.Fatalf("another IP: %d %s", rec.Code, rec.Body.String())
	}
	for i := 0; i < 5; i++ {
		m.public("203.0.113.7", "/confirm", map[string]any{"phone": "+14155550000", "code": "123456"})
	}
	if rec := m.public("203.0.113.7", "/confirm", map[string]any{"phone": "+14155550000", "code": "123456"}); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("sixth confirm from one IP: %d %s", rec.Code, rec.Body.String())
	}
}

// A subscriber may also leave on the web: the number asks for a code, gets it by text, and
// the code removes it; other numbers get the same answer and no text.
func TestSMSUnsubscribeByCode(t *testing.T) {
	m := newSMSEnv(t)
	const phone = "+14155550142"
	m.public("192.0.2.50", "", map[string]any{"phone": phone})
	if rec := m.public("192.0.2.50", "/confirm", map[string]any{"phone": phone, "code": m.codeOf(m.deliver(), phone)}); rec.Code != http.StatusOK {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	leave := "/api/v1/public/status-pages/acme/unsubscribe/sms"
	other := m.doFrom("192.0.2.51", "POST", leave, "", map[string]any{"phone": "+14155550143"})
	rec := m.doFrom("192.0.2.51", "POST", leave, "", map[string]any{"phone": phone})
	if rec.Code != http.StatusOK || other.Code != http.StatusOK || rec.Body.String() != other.Body.String() {
		t.Fatalf("request codes: %d %s / %d %s", rec.Code, rec.Body.String(), other.Code, other.Body.String())
	}
	posts := m.deliver()
	code := m.codeOf(posts, phone) // exactly one text, to the subscriber
	if !strings.Contains(posts[0].Form.Get("Body"), "stop SMS updates of Acme Status") {
		t.Fatalf("unsubscribe text: %q", posts[0].Form.Get("Body"))
	}
	n, _ := strconv.Atoi(code)
	if rec := m.doFrom("192.0.2.52", "POST", leave+"/confirm", "", map[string]any{"phone": phone, "code": fmt.Sprintf("%06d", (n+1)%1_000_000)}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("wrong unsubscribe code: %d %s", rec.Code, rec.Body.String())
	}
	// The unsubscribe code does not confirm anything, and the confirm path does not take it.
	if rec := m.public("192.0.2.52", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unsubscribe code on the confirm path: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.doFrom("192.0.2.52", "POST", leave+"/confirm", "", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusOK {
		t.Fatalf("unsubscribe: %d %s", rec.Code, rec.Body.String())
	}
	if list := decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil)); len(list) != 0 {
		t.Fatalf("subscribers after unsubscribing: %+v", list)
	}
	m.incident("/api/v1/status-pages/"+m.pageID+"/incidents", "critical", "After leaving")
	if got := m.deliver(); len(got) != 0 {
		t.Fatalf("texted after unsubscribing: %+v", got)
	}
}

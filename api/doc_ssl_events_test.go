package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDocSSLEvents replays SPEC §3.15's ssl.* events for one certificate's
// life: ssl.expiring when days_remaining falls inside the service's warning
// days, ssl.expired once it has expired, ssl.changed when the leaf's
// fingerprint changes — each once per transition, even across a restart,
// with data.monitor {id, name} and data.ssl {hostname, expires_at,
// days_remaining, issuer}; the rule's channels are told too.
func TestDocSSLEvents(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	hooks := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	subscribe(t, e, ada.Token, hooks.URL, "ssl.expiring", "ssl.expired", "ssl.changed")
	chRecv := newHookReceiver(t, testHookSecret, http.StatusOK)
	createChannel(t, e, ada.Token, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": chRecv.URL, "secret": testHookSecret}})
	svc := e.mustCreateService(ada.Token, map[string]any{"name": "Mail", "endpoint": "mail.example.com:465", "check_type": "SSL",
		"options": map[string]any{"ssl_warn_days": 14}})["id"].(string)

	t0 := e.clock.Now()
	oldExpiry := t0.Add(20 * 24 * time.Hour)
	record := func(status, fingerprint, issuer string, validTo time.Time) {
		t.Helper()
		e.recordAt(ada.OrgID, store.CheckResult{ServiceID: svc, CheckedAt: e.clock.Now(), Status: status, ResponseTimeMS: 30,
			Certificate: &store.Certificate{Issuer: issuer, Subject: "mail.example.com", ValidFrom: t0.Add(-60 * 24 * time.Hour),
				ValidTo: validTo, DaysUntilExpiry: int(validTo.Sub(e.clock.Now()).Hours() / 24), Fingerprint: fingerprint}})
		e.clock.Advance(time.Minute)
	}
	deliver := func() { deliverDue(t, outboxWorker(e)) }

	record(store.StatusGreen, "aa11", "Test CA", oldExpiry) // 20 days left: valid, nothing to say
	e.clock.Advance(7 * 24 * time.Hour)
	record(store.StatusYellow, "aa11", "Test CA", oldExpiry) // 13 days left: expiring
	record(store.StatusYellow, "aa11", "Test CA", oldExpiry) // still expiring: nothing new
	e.reopen()                                               // a restart remembers what was said
	record(store.StatusYellow, "aa11", "Test CA", oldExpiry)
	e.clock.Advance(14 * 24 * time.Hour)
	record(store.StatusRed, "aa11", "Test CA", oldExpiry) // expired
	record(store.StatusRed, "aa11", "Test CA", oldExpiry)
	newExpiry := e.clock.Now().Add(90 * 24 * time.Hour)
	record(store.StatusGreen, "bb22", "Other CA", newExpiry) // renewed: a new leaf
	record(store.StatusGreen, "bb22", "Other CA", newExpiry)
	deliver()

	got := receivedEvents(hooks)
	want := []string{"ssl.expiring", "ssl.expired", "ssl.changed"}
	if len(got) != len(want) {
		t.Fatalf("webhook events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("webhook events %v, want %v", got, want)
		}
	}
	hooks.mu.Lock()
	envs := hooks.envelopes
	hooks.mu.Unlock()
	check := func(i int, expires time.Time, days float64, issuer string) {
		t.Helper()
		d := envs[i]["data"].(map[string]any)
		m, _ := d["monitor"].(map[string]any)
		s, _ := d["ssl"].(map[string]any)
		if m["id"] != svc || m["name"] != "Mail" {
			t.Errorf("%s data.monitor = %v", got[i], m)
		}
		if s["hostname"] != "mail.example.com" || s["expires_at"] != rfc(expires) || s["days_remaining"] != days || s["issuer"] != issuer {
			t.Errorf("%s data.ssl = %v", got[i], s)
		}
	}
	check(0, oldExpiry, 12, "Test CA")
	check(1, oldExpiry, -2, "Test CA")
	check(2, newExpiry, 90, "Other CA")

	// The channels of the service's rules (here the organization's default: all) hear
	// of each transition once too.
	chRecv.mu.Lock()
	var told []string
	for _, env := range chRecv.envelopes {
		if ev := env["event"].(string); len(ev) > 4 && ev[:4] == "ssl." {
			told = append(told, ev)
		}
	}
	chRecv.mu.Unlock()
	if len(told) != 3 || told[0] != "ssl.expiring" || told[1] != "ssl.expired" || told[2] != "ssl.changed" {
		t.Fatalf("channel notifications %v, want %v", told, want)
	}
}

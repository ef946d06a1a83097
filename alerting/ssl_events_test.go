package alerting

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestCertStateAt(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		left time.Duration
		warn int
		want string
	}{
		{15 * 24 * time.Hour, 14, certValid},
		{14 * 24 * time.Hour, 14, certValid}, // exactly the window: not yet inside it
		{14*24*time.Hour - time.Second, 14, certExpiring},
		{time.Second, 14, certExpiring},
		{0, 14, certExpired}, // at valid_to it has expired
		{-time.Hour, 14, certExpired},
	}
	for _, c := range cases {
		cert := &store.Certificate{ValidTo: now.Add(c.left)}
		if got := certStateAt(cert, now, c.warn); got != c.want {
			t.Errorf("%v left, %d warn days: %s, want %s", c.left, c.warn, got, c.want)
		}
	}
}

func TestSSLWarnDays(t *testing.T) {
	cases := map[string]int{
		`{"expected_status":"2xx","ssl_warn_days":14,"verify_tls":true}`: 14,
		`{"ssl_warn_days":7}`:              7,
		`{"ssl_warn_days": 21}`:            21, // not compact: decoded
		`{"method":"GET"}`:                 defaultSSLWarnDays,
		`{"ssl_warn_days":0}`:              defaultSSLWarnDays,
		``:                                 defaultSSLWarnDays,
		`{"body":"x","ssl_warn_days":365}`: 365,
	}
	for opts, want := range cases {
		if got := sslWarnDays(&store.Service{Options: json.RawMessage(opts)}); got != want {
			t.Errorf("%s: %d, want %d", opts, got, want)
		}
	}
}

func TestCertHostname(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://shop.example.com/health": "shop.example.com",
		"mail.example.com:465":            "mail.example.com",
		"example.com":                     "example.com",
		"wss://[::1]:8443/feed":           "::1",
	} {
		if got := certHostname(endpoint); got != want {
			t.Errorf("%s: %q, want %q", endpoint, got, want)
		}
	}
}

// TestCertEventsAtIncidentTrackers: PagerDuty hears of one certificate under one dedup
// key (expiring, then expired, update the same incident), and the replacement of that
// certificate resolves it; a chat channel hears each event once, the change as news.
func TestCertEventsAtIncidentTrackers(t *testing.T) {
	f := newFixture(t)
	svc := f.service("shop")
	chat := f.channel("chat")
	pd := &store.NotificationChannel{Name: "pd", Type: "pagerduty", Enabled: true, Config: map[string]any{}}
	if err := f.db.CreateChannel(f.org.ID, pd, nil); err != nil {
		t.Fatal(err)
	}
	t0 := f.clock.Now()
	oldTo := t0.Add(10 * 24 * time.Hour) // inside the default 30 days at once
	record := func(fp string, validTo time.Time) {
		t.Helper()
		r := store.CheckResult{ServiceID: svc.ID, CheckedAt: f.clock.Now(), Status: store.StatusGreen, ResponseTimeMS: 42, StatusCode: 200,
			Certificate: &store.Certificate{Issuer: "CA", ValidTo: validTo, Fingerprint: fp}}
		if err := f.db.RecordResults([]store.RecordItem{{OrgID: f.org.ID, Result: r}}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	record("aaaaaaaaaaaaaaaaaaaa", oldTo)
	f.clock.Add(11 * 24 * time.Hour)
	record("aaaaaaaaaaaaaaaaaaaa", oldTo)
	record("bbbbbbbbbbbbbbbbbbbb", t0.Add(200*24*time.Hour))
	byTarget := map[string][]queuedEntry{}
	for _, e := range f.outbox() {
		if len(e.Event) > 4 && e.Event[:4] == "ssl." {
			byTarget[e.TargetID] = append(byTarget[e.TargetID], e)
		}
	}
	p := byTarget[pd.ID]
	if len(p) != 3 || p[0].Event != "ssl.expiring" || p[1].Event != "ssl.expired" || p[2].Event != "ssl.changed" {
		t.Fatalf("PagerDuty got %v", p)
	}
	if p[0].N.DedupKey != p[1].N.DedupKey || p[2].N.DedupKey != p[0].N.DedupKey || p[2].N.ResolvedAt == nil || p[0].N.ResolvedAt != nil {
		t.Fatalf("dedup keys %q %q %q, resolve %v", p[0].N.DedupKey, p[1].N.DedupKey, p[2].N.DedupKey, p[2].N.ResolvedAt)
	}
	c := byTarget[chat.ID]
	if len(c) != 3 || c[2].Event != "ssl.changed" || c[2].N.ResolvedAt != nil || c[2].N.Severity != "info" {
		t.Fatalf("chat got %v", c)
	}
}

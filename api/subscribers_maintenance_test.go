package api

import (
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
)

// A maintenance window shown on status pages is announced once, when it starts, to the
// confirmed subscribers of every page showing one of its services, over real SMTP.
func TestMaintenanceStartIsAnnouncedToSubscribers(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	if rec := m.do("POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "fan@example.com"}); rec.Code != 200 {
		t.Fatalf("subscribe: %d", rec.Code)
	}
	conf := m.deliver(&seen)
	if rec := m.do("GET", link(t, conf[0], "confirm"), "", nil); rec.Code != 200 {
		t.Fatalf("confirm: %d", rec.Code)
	}
	page := decode[statusPageView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID, m.owner.Token, nil))
	start := m.clock.Now().Add(10 * time.Minute)
	for _, w := range []map[string]any{
		{"name": "Database upgrade", "description": "Short read-only period.", "service_ids": []string{*page.Components[0].ServiceID}},
		{"name": "Hidden work", "service_ids": []string{*page.Components[0].ServiceID}, "show_on_status_pages": false},
	} {
		w["starts_at"], w["ends_at"] = start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
		if rec := m.do("POST", "/api/v1/maintenance-windows", m.owner.Token, w); rec.Code != 201 {
			t.Fatalf("window: %d %s", rec.Code, rec.Body.String())
		}
	}
	events := &alerting.MaintenanceEvents{Store: m.db, Now: m.clock.Now}
	if _, err := events.Scan(); err != nil {
		t.Fatal(err)
	}
	if got := m.deliver(&seen); len(got) != 0 {
		t.Fatalf("announced before the start: %+v", got)
	}
	m.clock.Advance(11 * time.Minute)
	for range 2 { // the second pass finds nothing new
		if _, err := events.Scan(); err != nil {
			t.Fatal(err)
		}
	}
	got := m.deliver(&seen)
	if len(got) != 1 || got[0].Subject != "Scheduled maintenance: Database upgrade — Acme Status" ||
		!strings.Contains(got[0].Text, "Short read-only period.") || !strings.Contains(got[0].Text, "Public API") {
		t.Fatalf("announcement: %+v", got)
	}
}

package alerting

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://API.example.com:8443/health": "api.example.com", "db.example.com:5432": "db.example.com",
		"example.com": "example.com", "[::1]:80": "::1", "wss://ws.example/x": "ws.example",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMassFailureHoldsNotificationsAndTellsTheAdminOnce(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	var svcs []*store.Service
	for i := range 12 {
		svcs = append(svcs, f.service(fmt.Sprintf("host%02d", i)))
	}
	// Two more services on host00: one host, counted once.
	for i := range 2 {
		s := f.service(fmt.Sprintf("extra%d", i))
		if _, err := f.db.UpdateService(f.org.ID, s.ID, func(s *store.Service) error {
			s.Endpoint = "https://host00.example.test/other"
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		s.Endpoint = "https://host00.example.test/other"
		svcs = append(svcs, s)
	}
	f.check(store.StatusGreen, svcs...)
	// 7 of 12 hosts go RED at once, for two polls (the default rule needs 2).
	down, up := svcs[:7], svcs[7:]
	for range 2 {
		if err := f.db.RecordResults(append(f.results(store.StatusRed, down...), f.results(store.StatusGreen, up...)...)); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	open := f.alerts("open")
	if len(open) != 7 {
		t.Fatalf("%d alerts open during the mass failure, want 7 (recorded, not paged)", len(open))
	}
	c := countByEvent(f.outbox())
	if c["channel:alert.fired"] != 0 || c["email:alert.fired"] != 1 {
		t.Fatalf("queued during the mass failure: %v, want only the admin's e-mail", c)
	}
	for _, e := range f.outbox() {
		if e.Kind == store.OutboxKindEmail && (e.TargetID != f.admin.Email || e.N.Title != "Probe connectivity problem") {
			t.Fatalf("admin notice = %+v", e)
		}
	}
	// Connectivity returns: most recover silently; host00's services really are down.
	// Once a window has passed, their next failure releases the held alerts' pages.
	f.clock.Add(3 * time.Minute)
	if err := f.db.RecordResults(append(f.results(store.StatusRed, svcs[0]), f.results(store.StatusGreen, svcs[1:7]...)...)); err != nil {
		t.Fatal(err)
	}
	c = countByEvent(f.outbox())
	if len(f.alerts("open")) != 1 || c["channel:alert.resolved"] != 0 || c["channel:alert.fired"] != 1 {
		t.Fatalf("after recovery: %d open, queued %v; want host00 paged now, the rest resolved silently",
			len(f.alerts("open")), c)
	}
}

func TestNoMassFailureBelowTenHosts(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	var svcs []*store.Service
	for i := range 9 {
		svcs = append(svcs, f.service(fmt.Sprintf("small%d", i)))
	}
	f.check(store.StatusRed, svcs...)
	f.check(store.StatusRed, svcs...)
	if c := countByEvent(f.outbox()); c["channel:alert.fired"] != 9 || c["email:alert.fired"] != 0 {
		t.Fatalf("9 hosts down: %v, want 9 pages and no admin notice", c)
	}
}

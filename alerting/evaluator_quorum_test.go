package alerting

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// locatedService is a service of f's organization checked from locations.
func (f *fixture) locatedService(name string, locations ...string) *store.Service {
	f.t.Helper()
	s := f.service(name)
	s, err := f.db.UpdateService(f.org.ID, s.ID, func(s *store.Service) error { s.Locations = locations; return nil }, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// round records one result of svc per location (status by location; GREEN when not
// named) at the clock's time, received at once, then advances the clock a minute.
func (f *fixture) round(svc *store.Service, red ...string) {
	f.t.Helper()
	var items []store.RecordItem
	for i, loc := range svc.Locations {
		r := store.CheckResult{ServiceID: svc.ID, CheckedAt: f.clock.Now().Add(time.Duration(i) * time.Second),
			Status: store.StatusGreen, ResponseTimeMS: 42, Location: loc, ReceivedAt: f.clock.Now().Add(5 * time.Second)}
		if slices.Contains(red, loc) {
			r.Status, r.Error = store.StatusRed, "connection refused"
		}
		items = append(items, store.RecordItem{OrgID: f.org.ID, Result: r})
	}
	if err := f.db.RecordResults(items); err != nil {
		f.t.Fatal(err)
	}
	f.clock.Add(time.Minute)
}

// A service of three locations (quorum 2) fails only when two locations' failure streaks
// reach the rule's threshold: one failing location shows RED on its own and pages nobody;
// the second fires the alert naming exactly the two (failing_regions, in the notification
// too); when one recovers the alert resolves.
func TestQuorumOfLocationsOpensAndResolves(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	hook := &store.Webhook{DisplayURL: "https://hooks.example/in", SealedURL: []byte("x"), Events: []string{"monitor.down"}, Enabled: true}
	if err := f.db.CreateWebhook(f.org.ID, hook, nil); err != nil {
		t.Fatal(err)
	}
	svc := f.locatedService("shop", "eu-west", "us-east", "ap-south")
	f.rule("down", svc, 2, 1)

	f.round(svc, "eu-west")
	f.round(svc, "eu-west") // eu-west's streak reaches 2: one location of the two needed
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts with one failing location of quorum 2", n)
	}
	got, _ := f.db.Service(f.org.ID, svc.ID)
	if got.Status != store.StatusGreen || got.LocationStatus["eu-west"] != store.StatusRed || got.LocationStatus["us-east"] != store.StatusGreen {
		t.Fatalf("service %s, locations %v; want GREEN with eu-west RED", got.Status, got.LocationStatus)
	}
	f.round(svc, "eu-west", "us-east")
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts before us-east's streak reached 2", n)
	}
	f.round(svc, "eu-west", "us-east")
	open := f.alerts("open")
	if len(open) != 1 || !slices.Equal(open[0].FailingRegions, []string{"eu-west", "us-east"}) {
		t.Fatalf("open alerts %+v; want one naming eu-west and us-east", open)
	}
	got, _ = f.db.Service(f.org.ID, svc.ID)
	if got.Status != store.StatusRed {
		t.Fatalf("service %s, want RED at quorum", got.Status)
	}
	var fired *queuedEntry
	for _, e := range f.outbox() {
		if e.Event == eventFired {
			fired = &e
		}
	}
	if fired == nil || !slices.Equal(fired.N.FailingRegions, []string{"eu-west", "us-east"}) {
		t.Fatalf("fired notification %+v; want the failing locations", fired)
	}
	var down []string
	for _, e := range f.outbox() {
		if e.Event == "monitor.down" {
			down = append(down, string(e.N.Payload))
		}
	}
	if len(down) != 1 || !strings.Contains(down[0], `"failing_regions":["eu-west","us-east"]`) {
		t.Fatalf("monitor.down webhook events %v; want one naming the failing locations", down)
	}

	f.round(svc, "eu-west") // us-east recovers: one failing location left
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("still open after a recovery below quorum: %+v", open)
	}
	if all := f.alerts("all"); len(all) != 1 || all[0].ResolvedBy != store.ResolvedByAuto {
		t.Fatalf("alerts %+v; want the one, resolved", all)
	}
}

// Results an agent buffered while it was cut off, arriving more than two intervals after
// their checks, are history: they neither open nor resolve an alert (SPEC §8).
func TestLateLocationResultsNeverAlert(t *testing.T) {
	f := newFixture(t)
	svc := f.locatedService("shop", "eu-west", "us-east")
	f.rule("down", svc, 1, 1)
	var items []store.RecordItem
	for i := range 5 {
		for j, loc := range svc.Locations {
			// A second apart: the raw history is keyed by service and time (not location) yet.
			at := f.clock.Now().Add(time.Duration(i)*time.Minute + time.Duration(j)*time.Second)
			items = append(items, store.RecordItem{OrgID: f.org.ID, Result: store.CheckResult{ServiceID: svc.ID,
				CheckedAt: at, Status: store.StatusRed, Location: loc, ReceivedAt: f.clock.Now().Add(10 * time.Minute)}})
		}
	}
	if err := f.db.RecordResults(items); err != nil {
		t.Fatal(err)
	}
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("late results opened %d alerts", n)
	}
	checks, err := f.db.Checks(f.org.ID, svc.ID, f.clock.Now().Add(-time.Hour), f.clock.Now().Add(time.Hour), 100)
	if err != nil || len(checks) != 10 {
		t.Fatalf("history holds %d checks (%v), want 10", len(checks), err)
	}
	// The same results on time do alert: the test above is not vacuous.
	f.clock.Add(10 * time.Minute)
	f.round(svc, "eu-west", "us-east")
	if n := len(f.alerts("open")); n != 1 {
		t.Fatalf("%d open alerts from timely failures of both locations, want 1", n)
	}
}

// An offline location is left out of the quorum: its failures do not count, and the
// locations still online must make the quorum alone.
func TestOfflineLocationLeftOutOfQuorum(t *testing.T) {
	f := newFixture(t)
	f.board = &LocationBoard{Builtin: "local", Grace: time.Nanosecond}
	f.restart()
	f.board.Present(store.Location{ID: "l1", OrgID: f.org.ID, Name: "eu-west"}, 1)
	f.board.Present(store.Location{ID: "l2", OrgID: f.org.ID, Name: "us-east"}, 1)
	// ap-south has never had an agent: offline once the grace has passed.
	time.Sleep(time.Millisecond)
	svc := f.locatedService("shop", "eu-west", "us-east", "ap-south")
	f.rule("down", svc, 1, 1)
	f.round(svc, "eu-west", "ap-south")
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("an offline location's failures made the quorum: %d alerts", n)
	}
	got, _ := f.db.Service(f.org.ID, svc.ID)
	if got.Status != store.StatusGreen {
		t.Fatalf("service %s with one counted location failing, want GREEN", got.Status)
	}
	f.round(svc, "eu-west", "us-east", "ap-south")
	if open := f.alerts("open"); len(open) != 1 || !slices.Equal(open[0].FailingRegions, []string{"eu-west", "us-east"}) {
		t.Fatalf("open alerts %+v; want one naming the two online locations", open)
	}
}

package alerting

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// A location whose agents are gone raises one location.offline alert per episode, to the
// organization's admins (an instance location's to the instance admin), and resolves it
// when an agent is back; a restart in the middle neither repeats nor forgets it.
func TestLocationWatchOneAlertPerEpisode(t *testing.T) {
	f := newFixture(t)
	if err := f.db.AddMember(f.org.ID, &store.Membership{UserID: f.admin.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	f.board = &LocationBoard{Builtin: "local", Grace: 20 * time.Millisecond}
	f.restart()
	own := store.Location{ID: "loc-own", OrgID: f.org.ID, Name: "home-lab"}
	inst := store.Location{ID: "loc-inst", Name: "eu-west"}
	f.board.Present(own, 1)
	f.board.Present(inst, 2)
	w := &LocationWatch{Alerter: f.al, Board: f.board}
	sweep := func() {
		t.Helper()
		if err := w.Sweep(); err != nil {
			t.Fatal(err)
		}
	}
	sweep()
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts while every location is online", n)
	}
	f.board.Present(own, 0)
	f.board.Present(inst, 0)
	sweep()
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts within the grace", n)
	}
	time.Sleep(30 * time.Millisecond)
	sweep()
	sweep()
	w = &LocationWatch{Alerter: f.al, Board: f.board} // a restart of the watch: its cache is gone
	sweep()
	open := f.alerts("open")
	if len(open) != 1 || open[0].AlertRuleID != store.LocationOfflineRuleID || open[0].LocationID != own.ID {
		t.Fatalf("open alerts of the organization %+v; want one location.offline for home-lab", open)
	}
	mails := map[string]int{}
	for _, e := range f.outbox() {
		if e.Kind == store.OutboxKindEmail {
			mails[e.TargetID+" "+e.Event]++
		}
	}
	// The owner of the organization is told of its own location; the viewer (the instance
	// admin, a viewer here) is not — but as instance admin is told of the instance location.
	if mails["ops@example.com alert.fired"] != 1 || mails["root@example.com alert.fired"] != 1 || len(mails) != 2 {
		t.Fatalf("e-mails %v; want one each: the owner about home-lab, the instance admin about eu-west", mails)
	}

	f.board.Present(own, 1)
	sweep()
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("still open after the agent came back: %+v", open)
	}
	if all := f.alerts("all"); len(all) != 1 || all[0].ResolvedBy != store.ResolvedByAuto {
		t.Fatalf("alerts %+v; want the one, resolved", all)
	}

	// A second episode; then the location is deleted while offline: its alert resolves and
	// the board forgets it.
	f.board.Present(own, 0)
	time.Sleep(30 * time.Millisecond)
	sweep()
	if open := f.alerts("open"); len(open) != 1 {
		t.Fatalf("second episode: %d open alerts, want 1", len(open))
	}
	f.board.Forget(own)
	sweep()
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("a deleted location's alert is still open: %+v", open)
	}
	for _, h := range f.board.snapshot() {
		if h.loc.ID == own.ID {
			t.Fatal("the board still holds the deleted location")
		}
	}
}

// Each location has its own mass-failure detector: most of an agent location's checks
// turning RED at once holds its services' alerts and raises one location.degraded alert
// — not the appliance's "probe connectivity" notice, and the built-in location's services
// still page as usual.
func TestMassFailurePerLocation(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	f.board = &LocationBoard{Builtin: "local", Grace: time.Hour}
	f.restart()
	f.board.Present(store.Location{ID: "loc-eu", OrgID: f.org.ID, Name: "eu-west"}, 1)
	var remote []*store.Service
	for i := range 12 {
		remote = append(remote, f.locatedService(fmt.Sprintf("host%02d", i), "eu-west"))
	}
	local := f.service("local-only")
	at := func(status string, svcs []*store.Service, location string) []store.RecordItem {
		items := f.results(status, svcs...)
		for i := range items {
			items[i].Result.Location = location
		}
		return items
	}
	if err := f.db.RecordResults(at(store.StatusGreen, remote, "eu-west")); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	for range 2 {
		items := append(at(store.StatusRed, remote[:8], "eu-west"), at(store.StatusGreen, remote[8:], "eu-west")...)
		items = append(items, at(store.StatusRed, []*store.Service{local}, "local")...)
		if err := f.db.RecordResults(items); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	held, paged := 0, 0
	for _, a := range f.alerts("open") {
		switch {
		case a.ServiceID == local.ID && !a.Held:
			paged++
		case a.ServiceID != local.ID && a.Held:
			held++
		default:
			t.Errorf("alert %+v", a)
		}
	}
	if held != 8 || paged != 1 {
		t.Fatalf("%d held eu-west alerts and %d paged local ones; want 8 and 1", held, paged)
	}
	for _, e := range f.outbox() {
		if e.N.Title == "Probe connectivity problem" {
			t.Fatal("an agent location's mass failure was announced as the appliance's own")
		}
	}
	if !f.al.LocationDegraded(f.org.ID, "eu-west") || f.al.LocationDegraded(f.org.ID, "us-east") {
		t.Fatal("eu-west should be degraded, us-east not")
	}
	w := &LocationWatch{Alerter: f.al, Board: f.board}
	for range 2 {
		if err := w.Sweep(); err != nil {
			t.Fatal(err)
		}
	}
	degraded := 0
	for _, a := range f.alerts("open") {
		if a.AlertRuleID == store.LocationDegradedRuleID && a.LocationID == "loc-eu" {
			degraded++
		}
	}
	if degraded != 1 {
		t.Fatalf("%d location.degraded alerts, want 1", degraded)
	}
}

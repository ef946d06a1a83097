package alerting

import (
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
}

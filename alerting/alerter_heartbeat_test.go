package alerting

import (
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

func TestHeartbeatFailureOpensAtOnceAndPingResolves(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	hb := Heartbeat{ID: "0196a3f0-0000-7000-8000-000000000001", Name: "nightly backup"}
	transition := func(fail bool) {
		t.Helper()
		err := f.db.WithAlertTx(func(tx *store.AlertTx) error {
			if fail {
				return f.al.HeartbeatFailed(tx, f.org.ID, hb, f.clock.Now(), "missed")
			}
			return f.al.HeartbeatRecovered(tx, f.org.ID, hb, f.clock.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	transition(true)
	open := f.alerts("open")
	if len(open) != 1 || open[0].HeartbeatID != hb.ID || open[0].AlertRuleID != store.DefaultRuleID ||
		open[0].Title != "nightly backup Triggered by Check" {
		t.Fatalf("after a missed deadline: %+v (want one default-rule alert at once)", open)
	}
	transition(true)
	if open := f.alerts("open"); len(open) != 1 || open[0].FailureCount != 2 {
		t.Fatalf("second miss: %+v", open)
	}
	// A service's org-wide rule does not take heartbeats over...
	f.rule("all services", nil, 1, 1)
	if len(f.alerts("open")) != 1 {
		t.Fatal("an org-wide service rule closed the heartbeat's alert")
	}
	transition(false)
	if n := len(f.alerts("open")); n != 0 {
		t.Fatalf("%d open after the ping", n)
	}
	c := countByEvent(f.outbox())
	if c["channel:alert.fired"] != 1 || c["channel:alert.resolved"] != 1 {
		t.Fatalf("heartbeat notifications: %v", c)
	}
	for _, e := range f.outbox() {
		if e.Event == "alert.fired" && (e.N.Title != "nightly backup missed its ping" || e.N.Summary != "Heartbeat missed: no ping within its schedule and grace period") {
			t.Fatalf("title %q, summary %q", e.N.Title, e.N.Summary)
		}
	}
	// ...but a rule of the heartbeat does: it decides from then on.
	transition(true)
	f.rule("backup", nil, 1, 1, func(r *store.AlertRule) { r.HeartbeatID = hb.ID })
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("the heartbeat's own rule left the default alert open: %+v", open)
	}
	transition(true)
	if open := f.alerts("open"); len(open) != 1 || open[0].Title != "backup Triggered by Check" {
		t.Fatalf("with its own rule: %+v", open)
	}
}

func TestSteadyServiceWritesNothing(t *testing.T) {
	f := newFixture(t)
	green, blip := f.service("steady"), f.service("blip")
	f.rule("fleet", nil, 2, 1)
	var writes []int
	f.evaluate = func(tx *store.AlertTx, ev *store.ResultEvent) error { // counting the evaluator's writes
		before := tx.Writes()
		err := f.al.evaluate(tx, ev)
		writes = append(writes, tx.Writes()-before)
		return err
	}
	for range 5 {
		f.check(store.StatusGreen, green)
	}
	f.check(store.StatusRed, blip)   // streak 1: one counter write
	f.check(store.StatusGreen, blip) // streak ends: one counter delete
	f.check(store.StatusGreen, blip) // steady again: nothing
	want := []int{0, 0, 0, 0, 0, 1, 1, 0}
	for i := range want {
		if i >= len(writes) || writes[i] != want[i] {
			t.Fatalf("writes per result = %v, want %v", writes, want)
		}
	}
}

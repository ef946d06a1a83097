package alerting

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestRedOpensOneAlertPerRuleUpdatesItAndRecoveryResolves(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	ch := f.channel("ops")
	own := f.rule("API down", svc, 1, 2)
	f.rule("Anything down", nil, 1, 2)

	f.check(store.StatusRed, svc)
	open := f.alerts("open")
	if len(open) != 2 {
		t.Fatalf("%d open alerts after one RED with two rules, want 2", len(open))
	}
	var a store.Alert
	for _, x := range open {
		if x.AlertRuleID == own.ID {
			a = x
		}
	}
	if a.Title != "API down Triggered by Check" || a.Message != "Check failed with status RED: expected status 2xx, got 503" ||
		a.Status != store.AlertFiring || a.Severity != "critical" || a.ServiceName != "api" || a.FailureCount != 1 {
		t.Fatalf("opened alert = %+v", a)
	}
	fired := f.outbox()
	if len(fired) != 2 || f.wakes.Load() != 1 {
		t.Fatalf("%d notifications, %d wakes after opening two alerts, want 2 and 1", len(fired), f.wakes.Load())
	}
	n := fired[0].N
	if fired[0].Kind != store.OutboxKindChannel || fired[0].TargetID != ch.ID || n.Event != "alert.fired" ||
		n.ID != fired[0].ID || n.DedupKey == "" || !strings.HasSuffix(n.AlertURL, "/alerts/"+n.AlertID) ||
		!strings.Contains(n.AckURL, "/api/v1/alerts/"+n.AlertID+"/ack?token=") || n.Endpoint != svc.Endpoint ||
		n.Status != "RED" || n.Error == "" || n.ServiceName != "api" {
		t.Fatalf("fired notification = %+v", fired[0])
	}

	f.check(store.StatusRed, svc)
	f.check(store.StatusRed, svc)
	if open := f.alerts("open"); len(open) != 2 || open[0].FailureCount != 3 || open[1].FailureCount != 3 {
		t.Fatalf("after 3 REDs: %+v (want the same two alerts, failure_count 3)", open)
	}
	if len(f.outbox()) != 2 {
		t.Fatal("repeated failures queued more notifications")
	}

	f.check(store.StatusGreen, svc) // one pass of the two needed
	if len(f.alerts("open")) != 2 {
		t.Fatal("resolved before consecutive_successes")
	}
	f.check(store.StatusGreen, svc)
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("still open after recovery: %+v", open)
	}
	got, _ := f.db.Alert(f.org.ID, a.ID)
	if got.Status != store.AlertResolved || got.ResolvedBy != store.ResolvedByAuto || got.ResolvedAt == nil {
		t.Fatalf("recovered alert = %+v", got)
	}
	byEvent := map[string]queuedEntry{}
	for _, e := range f.outbox() {
		if e.N.AlertID == a.ID {
			byEvent[e.Event] = e
		}
	}
	rec, ok := byEvent["alert.resolved"]
	if !ok || rec.N.DownFor != 4*time.Minute || rec.N.Title != "api is up again" || rec.N.DedupKey != byEvent["alert.fired"].N.DedupKey {
		t.Fatalf("recovery notification = %+v (want down for 4m, same dedup key)", rec.N)
	}
	// A new failure is a new incident.
	f.check(store.StatusRed, svc)
	if all := f.alerts("all"); len(all) != 4 {
		t.Fatalf("%d alerts after a new failure, want 4", len(all))
	}
}

func TestDefaultRuleAlertsAfterTwoRedNotOne(t *testing.T) {
	f := newFixture(t)
	svc := f.service("web")
	f.channel("ops")
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts after one RED, want 0", n)
	}
	f.check(store.StatusYellow, svc) // the default rule fails on RED only: the streak ends
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts after RED, YELLOW, RED, want 0", n)
	}
	f.check(store.StatusRed, svc)
	open := f.alerts("open")
	if len(open) != 1 || open[0].AlertRuleID != store.DefaultRuleID || open[0].Title != "web Triggered by Check" ||
		open[0].Severity != "critical" || open[0].FailureCount != 2 {
		t.Fatalf("after 2 consecutive RED: %+v", open)
	}
	f.check(store.StatusGreen, svc)
	if len(f.alerts("open")) != 0 {
		t.Fatal("default rule did not resolve after one pass")
	}
	if c := countByEvent(f.outbox()); c["channel:alert.fired"] != 1 || c["channel:alert.resolved"] != 1 {
		t.Fatalf("default rule notifications: %v", c)
	}
}

func TestFlappingWithThreeConsecutiveFailuresNeverAlerts(t *testing.T) {
	f := newFixture(t)
	svc := f.service("flappy")
	f.rule("flap", svc, 3, 1)
	for i := range 20 {
		if i%2 == 0 {
			f.check(store.StatusRed, svc)
		} else {
			f.check(store.StatusGreen, svc)
		}
	}
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("flapping target opened %d alerts", n)
	}
	f.check(store.StatusRed, svc)
	f.check(store.StatusRed, svc)
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("open")); n != 1 {
		t.Fatalf("3 REDs in a row opened %d alerts, want 1", n)
	}
}

func TestInternalResultsNeverChangeAlerts(t *testing.T) {
	f := newFixture(t)
	svc := f.service("icmp")
	for range 5 {
		items := f.results(store.StatusRed, svc)
		items[0].Result.Internal, items[0].Result.Error = true, "ICMP unavailable"
		if err := f.db.RecordResults(items); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("internal results opened %d alerts", n)
	}
	// Nor do they count towards a streak: one real RED after them is still only one.
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("internal results counted towards the streak (%d alerts)", n)
	}
}

func TestMaintenanceOpensNoAlertButRecoveryStillResolves(t *testing.T) {
	f := newFixture(t)
	inWindow, outside := f.service("planned"), f.service("unplanned")
	win := &store.MaintenanceWindow{Name: "upgrade", ServiceIDs: []string{inWindow.ID}, SuppressAlerts: true,
		StartsAt: alertEpoch.Add(10 * time.Minute), EndsAt: alertEpoch.Add(20 * time.Minute), Timezone: "UTC"}
	if err := f.db.CreateMaintenanceWindow(f.org.ID, win, nil); err != nil {
		t.Fatal(err)
	}
	// Before the window: one RED of two, and an alert already open on the other service.
	f.check(store.StatusRed, inWindow, outside)
	f.check(store.StatusRed, outside)
	f.clock.Set(win.StartsAt)
	for range 5 {
		f.check(store.StatusRed, inWindow, outside)
	}
	if svc, _ := f.db.Service(f.org.ID, inWindow.ID); svc.Status != store.StatusMaintenance {
		t.Fatalf("service in the window reads %s", svc.Status)
	}
	open := f.alerts("open")
	if len(open) != 1 || open[0].ServiceID != outside.ID {
		t.Fatalf("open alerts during maintenance: %+v (want only the unplanned service's)", open)
	}
	// An alert opened before the window stays open through it, and a pass resolves it.
	f.maintenance = func(*store.MaintenanceWindow, time.Time) bool { return true }
	f.check(store.StatusGreen, outside)
	if n := len(f.alerts("open")); n != 0 {
		t.Fatalf("a pass in maintenance did not resolve: %d open", n)
	}
}

func TestNotificationsCommitWithTheAlertOrNotAtAll(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	f.channel("ops")
	f.rule("down", svc, 1, 1)
	// A failure after the evaluator aborts the recorder's batch: the alert and its outbox
	// entry, written by the evaluator before it, must vanish with it.
	f.evaluate = func(tx *store.AlertTx, ev *store.ResultEvent) error {
		if err := f.al.evaluate(tx, ev); err != nil {
			return err
		}
		return errors.New("crash")
	}
	if err := f.db.RecordResults(f.results(store.StatusRed, svc)); err == nil {
		t.Fatal("batch with a failing hook committed")
	}
	if n, a := len(f.outbox()), len(f.alerts("all")); n != 0 || a != 0 || f.wakes.Load() != 0 {
		t.Fatalf("after an aborted batch: %d queued, %d alerts, %d wakes; want none", n, a, f.wakes.Load())
	}
}

func TestRestartKeepsStreaksAndOpenAlerts(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	f.channel("ops")
	f.check(store.StatusRed, svc) // default rule: 1 of 2
	f.restart()
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("open")); n != 1 {
		t.Fatalf("failure streak forgotten across a restart: %d open alerts", n)
	}
	f.restart()
	f.check(store.StatusRed, svc)
	open := f.alerts("all")
	if len(open) != 1 || open[0].FailureCount != 3 {
		t.Fatalf("after another restart and RED: %+v (want the same alert, failure_count 3)", open)
	}
	if c := countByEvent(f.outbox()); c["channel:alert.fired"] != 1 {
		t.Fatalf("fired notifications across restarts: %v", c)
	}
}

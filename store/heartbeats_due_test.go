package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// transitions renders hook calls as "prev>status:reason" for compact comparisons.
func transitions(calls []hookCall) []string {
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%s>%s:%s", c.ev.PrevStatus, c.ev.Status, c.ev.Reason))
	}
	return out
}

func equalStrings(a, b []string) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func TestHeartbeatMissedLateDownAndRecovery(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "cron-job") // deadline created+1h, grace 5m
	calls := recordHooks(db)
	deadline := *hb.NextExpectedAt

	sweep := func(now time.Time) []HeartbeatTransition {
		t.Helper()
		refs, err := db.DueHeartbeats(now, 100)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := db.MarkHeartbeatsMissed(now, refs)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	if tr := sweep(deadline); len(tr) != 0 {
		t.Fatalf("at the deadline itself: %+v", tr)
	}
	if tr := sweep(deadline.Add(time.Minute)); len(tr) != 1 || tr[0].Status != HeartbeatLate {
		t.Fatalf("within grace: %+v", tr)
	}
	if tr := sweep(deadline.Add(4 * time.Minute)); len(tr) != 0 {
		t.Fatalf("late twice: %+v", tr)
	}
	if tr := sweep(deadline.Add(6 * time.Minute)); len(tr) != 1 || tr[0].Status != HeartbeatDown {
		t.Fatalf("after grace: %+v", tr)
	}
	if tr := sweep(deadline.Add(48 * time.Hour)); len(tr) != 0 {
		t.Fatalf("down heartbeat due again: %+v", tr)
	}
	if _, ok, _ := db.NextHeartbeatDue(); ok {
		t.Fatal("a down heartbeat stays in the due index")
	}
	pingAt := deadline.Add(10 * time.Minute)
	if err := db.RecordPings([]PingItem{ping("cron-job", PingSuccess, pingAt)}, everyDeadline); err != nil {
		t.Fatal(err)
	}
	want := []string{"healthy>late:missed", "late>down:missed", "down>healthy:ping"}
	if got := transitions(*calls); !equalStrings(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	last := (*calls)[2].ev
	if last.OrgID != a.ID || last.Heartbeat.ID != hb.ID || !last.At.Equal(pingAt) ||
		!last.Heartbeat.NextExpectedAt.Equal(pingAt.Add(time.Hour)) {
		t.Fatalf("recovery event %+v", last)
	}
	if due, ok, _ := db.NextHeartbeatDue(); !ok || !due.Equal(pingAt.Add(time.Hour)) {
		t.Fatalf("next due %v %v", due, ok)
	}
}

func TestHeartbeatPingRacingTheWatcherWins(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "race")
	now := hb.NextExpectedAt.Add(time.Hour)
	refs, _ := db.DueHeartbeats(now, 10)
	if len(refs) != 1 {
		t.Fatalf("due: %+v", refs)
	}
	// The ping commits between the watcher's read and its write transaction.
	if err := db.RecordPings([]PingItem{ping("race", PingSuccess, now)}, everyDeadline); err != nil {
		t.Fatal(err)
	}
	tr, err := db.MarkHeartbeatsMissed(now, refs)
	if err != nil || len(tr) != 0 {
		t.Fatalf("watcher overrode a ping: %v %+v", err, tr)
	}
	if got, _ := db.Heartbeat(a.ID, hb.ID); got.Status != HeartbeatHealthy {
		t.Fatalf("status %s", got.Status)
	}
}

func TestHeartbeatFailPauseResumeHooks(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "fragile")
	calls := recordHooks(db)
	t0 := db.stamp()
	if err := db.RecordPings([]PingItem{ping("fragile", PingFail, t0), ping("fragile", PingSuccess, t0.Add(time.Second))}, everyDeadline); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateHeartbeat(a.ID, hb.ID, func(h *Heartbeat) error {
		h.Status, h.NextExpectedAt = HeartbeatPaused, nil
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	// Paused: pings are logged, the status stays, and no deadline ever passes.
	if err := db.RecordPings([]PingItem{ping("fragile", PingFail, t0.Add(2*time.Second))}, everyDeadline); err != nil {
		t.Fatal(err)
	}
	if refs, _ := db.DueHeartbeats(t0.Add(1000*time.Hour), 10); len(refs) != 0 {
		t.Fatalf("paused heartbeat is due: %+v", refs)
	}
	next := t0.Add(time.Hour)
	if _, err := db.UpdateHeartbeat(a.ID, hb.ID, func(h *Heartbeat) error {
		h.Status, h.NextExpectedAt = HeartbeatHealthy, &next
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"healthy>down:fail", "down>healthy:ping", "healthy>paused:pause", "paused>healthy:resume"}
	if got := transitions(*calls); !equalStrings(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	if pings, _ := db.HeartbeatPings(a.ID, hb.ID); len(pings) != 3 {
		t.Fatalf("%d pings logged, want 3", len(pings))
	}
}

// TestRecordPingsGroupCommit: one RecordPings call is one write transaction for every ping
// of the group, and the hooks run inside it.
func TestRecordPingsGroupCommit(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	_, b, _ := mustRegister(t, db, "b@example.com", "B")
	t0 := db.stamp()
	var batch []PingItem
	for i := range 200 {
		org := a.ID
		if i%2 == 1 {
			org = b.ID
		}
		key := fmt.Sprintf("k-%03d", i)
		mustHeartbeat(t, db, org, key)
		batch = append(batch, ping(key, PingFail, t0)) // every item changes status: one hook call each
	}
	calls := recordHooks(db)
	if err := db.RecordPings(batch, everyDeadline); err != nil {
		t.Fatal(err)
	}
	if len(*calls) != 200 {
		t.Fatalf("%d hook calls, want 200", len(*calls))
	}
	for _, c := range *calls {
		if c.txID != (*calls)[0].txID {
			t.Fatalf("pings committed in more than one transaction: %d and %d", c.txID, (*calls)[0].txID)
		}
	}
	if n := bucketLen(t, db, subHeartbeatPings, a.ID) + bucketLen(t, db, subHeartbeatPings, b.ID); n != 200 {
		t.Fatalf("%d pings stored, want 200", n)
	}
}

// TestHeartbeatDeadlinePersistsAcrossRestart: the deadline and due index live in the file,
// so a watcher after a restart marks a heartbeat whose deadline passed while it was down.
func TestHeartbeatDeadlinePersistsAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	db, err := Open(path, testOptions(Options{Now: tickClock()}))
	if err != nil {
		t.Fatal(err)
	}
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "persist")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDBAt(t, path, Options{Now: tickClock()})
	now := hb.NextExpectedAt.Add(time.Hour)
	refs, _ := db.DueHeartbeats(now, 10)
	tr, err := db.MarkHeartbeatsMissed(now, refs)
	if err != nil || len(tr) != 1 || tr[0].Status != HeartbeatDown {
		t.Fatalf("after restart: %v %+v", err, tr)
	}
}

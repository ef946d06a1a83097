package alerting

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestHeartbeatHookAlertsThroughWatcherAndPings drives the real pieces: the deadline
// watcher marks a silent heartbeat down, the hook opens its alert and queues the
// notification and the heartbeat.missed event in that same commit; the next ping
// (RecordPings, as the ping recorder does it) resolves it with heartbeat.recovered.
func TestHeartbeatHookAlertsThroughWatcherAndPings(t *testing.T) {
	f := newFixture(t)
	f.channel("ops")
	if err := f.db.CreateWebhook(f.org.ID, &store.Webhook{Enabled: true, SealedURL: []byte("x"), SealedSecret: []byte("x"),
		Events: []string{"heartbeat.missed", "heartbeat.recovered"}}, nil); err != nil {
		t.Fatal(err)
	}
	hb := &store.Heartbeat{Name: "nightly backup", Schedule: "every 1h", Timezone: "UTC", GracePeriodSeconds: 300,
		UniqueKey: "nightly-backup-0a1b2c3d", KeyDigest: digestOf("nightly-backup-0a1b2c3d")}
	next, err := HeartbeatDeadline(hb, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	hb.NextExpectedAt = &next
	if err := f.db.CreateHeartbeat(f.org.ID, hb, nil); err != nil {
		t.Fatal(err)
	}
	watch := &HeartbeatWatcher{Store: f.db, Now: f.clock.Now}
	sweep := func() {
		t.Helper()
		if _, err := watch.Sweep(); err != nil {
			t.Fatal(err)
		}
	}
	ping := func() {
		t.Helper()
		item := store.PingItem{KeyDigest: hb.KeyDigest, Ping: store.Ping{Kind: store.PingSuccess, At: f.clock.Now()}}
		if err := f.db.RecordPings([]store.PingItem{item}, HeartbeatDeadline); err != nil {
			t.Fatal(err)
		}
	}

	// Late (past the deadline, inside the grace period) opens nothing.
	f.clock.Add(time.Hour + time.Minute)
	sweep()
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("late heartbeat opened %+v", open)
	}
	// Past schedule + grace: down, one alert at once, notification + event in the outbox.
	f.clock.Add(5 * time.Minute)
	sweep()
	sweep() // a second sweep while down changes nothing
	open := f.alerts("open")
	if len(open) != 1 || open[0].HeartbeatID != hb.ID || open[0].ServiceID != "" || open[0].Status != store.AlertFiring {
		t.Fatalf("after the missed deadline: %+v", open)
	}
	c := countByEvent(f.outbox())
	if c["channel:alert.fired"] != 1 || c["webhook:heartbeat.missed"] != 1 {
		t.Fatalf("queued after the miss: %v", c)
	}
	// The next ping recovers the heartbeat and resolves the alert automatically.
	f.clock.Add(10 * time.Minute)
	ping()
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("still open after the ping: %+v", open)
	}
	all := f.alerts("all")
	if len(all) != 1 || all[0].ResolvedBy != store.ResolvedByAuto {
		t.Fatalf("resolved alert: %+v", all)
	}
	c = countByEvent(f.outbox())
	if c["channel:alert.resolved"] != 1 || c["webhook:heartbeat.recovered"] != 1 || c["webhook:heartbeat.missed"] != 1 {
		t.Fatalf("queued after the recovery: %v", c)
	}
}

// TestHeartbeatAlertOfDeletedHeartbeatIsSwept: deleting a down heartbeat leaves no alert
// open for ever — the orphan sweep resolves it.
func TestHeartbeatAlertOfDeletedHeartbeatIsSwept(t *testing.T) {
	f := newFixture(t)
	hb := &store.Heartbeat{Name: "cron", Schedule: "every 1h", Timezone: "UTC", GracePeriodSeconds: 60,
		UniqueKey: "cron-00000000", KeyDigest: digestOf("cron-00000000")}
	next := f.clock.Now().Add(time.Hour)
	hb.NextExpectedAt = &next
	if err := f.db.CreateHeartbeat(f.org.ID, hb, nil); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Hour)
	if _, err := (&HeartbeatWatcher{Store: f.db, Now: f.clock.Now}).Sweep(); err != nil {
		t.Fatal(err)
	}
	if len(f.alerts("open")) != 1 {
		t.Fatal("no alert for the down heartbeat")
	}
	if err := f.db.DeleteHeartbeat(f.org.ID, hb.ID, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := f.al.ResolveOrphans(); err != nil || n != 1 {
		t.Fatalf("ResolveOrphans = %d, %v", n, err)
	}
	all := f.alerts("all")
	if len(all) != 1 || all[0].ResolvedBy != ResolvedByHeartbeatDeleted {
		t.Fatalf("after the sweep: %+v", all)
	}
}

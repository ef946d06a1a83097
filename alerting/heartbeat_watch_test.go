package alerting

import (
	"context"
	"crypto/sha256"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// fixedClock is a steppable clock for the watcher and the store.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// heartbeatEnv is a real store with one organization, a watcher and a clock.
type heartbeatEnv struct {
	t     *testing.T
	path  string
	db    *store.DB
	clock *fixedClock
	orgID string
	watch *HeartbeatWatcher
}

func newHeartbeatEnv(t *testing.T) *heartbeatEnv {
	t.Helper()
	e := &heartbeatEnv{t: t, path: filepath.Join(t.TempDir(), "alertifypro.db"),
		clock: &fixedClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	e.open()
	org := &store.Organization{Name: "Acme", Slug: "acme", Settings: store.DefaultOrgSettings()}
	err := e.db.Register(&store.User{Email: "a@example.com", FullName: "A", PasswordHash: "x"}, org, &store.Membership{Role: "owner"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.orgID = org.ID
	t.Cleanup(func() {
		if err := e.db.Check(); err != nil {
			t.Errorf("bbolt check: %v", err)
		}
		e.db.Close()
	})
	return e
}

// open (re)opens the store and builds a fresh watcher on it, as a restart does.
func (e *heartbeatEnv) open() {
	sm := NewStateMachine(Config{Now: e.clock.Now})
	db, err := store.Open(e.path, storeOptions(store.Options{Now: e.clock.Now}, sm))
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	e.watch = &HeartbeatWatcher{Store: db, Now: e.clock.Now}
}

// create makes a healthy heartbeat with the given schedule and grace; deadline from now.
func (e *heartbeatEnv) create(key, schedule string, grace time.Duration) *store.Heartbeat {
	e.t.Helper()
	hb := &store.Heartbeat{Name: key, Schedule: schedule, Timezone: "UTC", GracePeriodSeconds: int(grace / time.Second),
		UniqueKey: key, KeyDigest: digestOf(key)}
	next, err := HeartbeatDeadline(hb, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	hb.NextExpectedAt = &next
	if err := e.db.CreateHeartbeat(e.orgID, hb, nil); err != nil {
		e.t.Fatal(err)
	}
	return hb
}

func digestOf(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// ping records one ping at the clock's time through a direct RecordPings.
func (e *heartbeatEnv) ping(key, kind string) {
	e.t.Helper()
	item := store.PingItem{KeyDigest: digestOf(key), Ping: store.Ping{Kind: kind, At: e.clock.Now()}}
	if err := e.db.RecordPings([]store.PingItem{item}, HeartbeatDeadline); err != nil {
		e.t.Fatal(err)
	}
}

// status sweeps and returns the heartbeat's status.
func (e *heartbeatEnv) status(id string) string {
	e.t.Helper()
	if _, err := e.watch.Sweep(); err != nil {
		e.t.Fatal(err)
	}
	hb, err := e.db.Heartbeat(e.orgID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return hb.Status
}

func TestWatcherOnTimeLateDownRecovery(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("nightly", "every 1h", 5*time.Minute)
	steps := []struct {
		advance time.Duration
		ping    string
		want    string
	}{
		{59 * time.Minute, store.PingSuccess, store.HeartbeatHealthy}, // on time: deadline moves to 12:59+1h
		{time.Hour, "", store.HeartbeatHealthy},                       // exactly at the deadline
		{time.Second, "", store.HeartbeatLate},                        // past it, within grace
		{5 * time.Minute, "", store.HeartbeatDown},                    // past schedule + grace
		{24 * time.Hour, "", store.HeartbeatDown},                     // stays down
		{0, store.PingSuccess, store.HeartbeatHealthy},                // the next ping recovers
		{time.Hour + 5*time.Minute + time.Second, "", store.HeartbeatDown},
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		if s.ping != "" {
			e.ping("nightly", s.ping)
		}
		if got := e.status(hb.ID); got != s.want {
			t.Fatalf("step %d at %s: status %s, want %s", i, e.clock.Now().Format(time.TimeOnly), got, s.want)
		}
	}
}

func TestWatcherFailAndCronSchedule(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("report", "0 * * * *", 0) // hourly at :00, no grace: late and down at once
	if hb.NextExpectedAt.Format(time.TimeOnly) != "13:00:00" {
		t.Fatalf("first deadline %v", hb.NextExpectedAt)
	}
	e.ping("report", store.PingFail)
	if got := e.status(hb.ID); got != store.HeartbeatDown {
		t.Fatalf("after /fail: %s", got)
	}
	e.clock.Advance(30 * time.Minute)
	e.ping("report", store.PingSuccess)
	e.clock.Advance(30*time.Minute + time.Second)
	if got := e.status(hb.ID); got != store.HeartbeatDown {
		t.Fatalf("after missing 13:00 with grace 0: %s", got)
	}
}

func TestWatcherNeverMarksPaused(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("paused", "every 1m", 0)
	if _, err := e.db.UpdateHeartbeat(e.orgID, hb.ID, func(h *store.Heartbeat) error {
		h.Status, h.NextExpectedAt = store.HeartbeatPaused, nil
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(240 * time.Hour)
	e.ping("paused", store.PingSuccess)
	if got := e.status(hb.ID); got != store.HeartbeatPaused {
		t.Fatalf("paused heartbeat became %s", got)
	}
}

// TestWatcherAfterRestart: the deadline is in the file; a new watcher on the reopened store
// marks what fell due while the process was down.
func TestWatcherAfterRestart(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("restart", "every 10m", time.Minute)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	e.open()
	tr, err := e.watch.Sweep()
	if err != nil || len(tr) != 1 || tr[0].Status != store.HeartbeatDown || tr[0].Heartbeat.ID != hb.ID {
		t.Fatalf("first sweep after restart: %v %+v", err, tr)
	}
}

// TestWatcherRunMarksAndStops: Run sweeps on its own and returns when its context ends.
func TestWatcherRunMarksAndStops(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("run", "every 1m", 0)
	e.clock.Advance(2 * time.Minute)
	e.watch.Interval = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.watch.Run(ctx) }()
	for i := 0; ; i++ {
		got, err := e.db.Heartbeat(e.orgID, hb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == store.HeartbeatDown {
			break
		}
		if i == 1000 {
			t.Fatalf("Run never marked the heartbeat: %s", got.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

package monitor

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// schedFixture is a real store with one organization, a recorder that keeps
// results in memory, and probes that count calls per service name.
type schedFixture struct {
	db    *store.DB
	orgID string
	mu    sync.Mutex
	calls map[string]int
	sched *Scheduler
}

func newSchedFixture(t *testing.T, probe Probe) *schedFixture {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u := &store.User{Email: "a@example.com", FullName: "A", PasswordHash: "x"}
	org := &store.Organization{Name: "A", PlanType: "enterprise", MaxServices: -1}
	if err := db.Register(u, org, &store.Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	f := &schedFixture{db: db, orgID: org.ID, calls: map[string]int{}}
	rec := NewRecorder(func([]Recorded) error { return nil }, 0)
	go rec.Run()
	t.Cleanup(rec.Close)
	f.sched = &Scheduler{
		Checker: &Checker{Env: loopbackEnv(t), Opener: noSeals{}, Recorder: rec,
			Probes: func(string) Probe {
				return func(ctx context.Context, env *Env, tg *Target) Result {
					f.mu.Lock()
					f.calls[tg.Endpoint]++
					f.mu.Unlock()
					return probe(ctx, env, tg)
				}
			}},
		Services: db.ForEachService,
		Poll:     50 * time.Millisecond,
		Jitter:   func(string, time.Duration) time.Duration { return 0 },
	}
	return f
}

// add creates a service whose endpoint doubles as its name in f.calls.
func (f *schedFixture) add(t *testing.T, name string, interval, timeout int, paused bool) string {
	t.Helper()
	s := &store.Service{Name: name, CheckType: "TCP", Endpoint: name, CheckIntervalSeconds: interval,
		TimeoutSeconds: timeout, Paused: paused}
	if err := f.db.CreateService(f.orgID, s, nil); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func (f *schedFixture) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

type noSeals struct{}

func (noSeals) Open([]byte, string, string) ([]byte, error) { return nil, nil }

// hangOn blocks until ctx ends for the endpoint "hang", answers at once otherwise.
func hangOn(ctx context.Context, env *Env, t *Target) Result {
	start := time.Now()
	if t.Endpoint == "hang" {
		<-ctx.Done()
		return failedErr(t, start, time.Now(), ctx.Err())
	}
	return passed(t, start, time.Now())
}

// TestSchedulerRunsDueServicesAndIsolatesHangingOnes: a 1 s service is
// checked on its own, again and again, while a hanging service holds one
// slot (and is not started twice), and a paused service is never checked.
func TestSchedulerRunsDueServicesAndIsolatesHangingOnes(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	f.add(t, "fast", 1, 1, false)
	f.add(t, "hang", 1, 3, false)
	f.add(t, "paused", 1, 1, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := f.sched.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if f.count("fast") < 3 {
		t.Errorf("fast service checked %d times in 2.5 s at a 1 s interval; want 3", f.count("fast"))
	}
	if n := f.count("hang"); n != 1 {
		// Starts at 0 s and hangs until its 3 s timeout: the checks due at
		// 1 s and 2 s find it still running and are skipped.
		t.Errorf("hanging service started %d times, want 1 (never overlapping itself)", n)
	}
	if f.count("paused") != 0 {
		t.Errorf("paused service was checked")
	}
	if f.sched.Checker.Metrics.skipped.Load() == 0 {
		t.Errorf("no skipped check counted while the hanging one ran")
	}
	// Run waits for in-flight checks, each bounded by its own timeout.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Run took %v to stop", took)
	}
}

// TestSchedulerFollowsChanges: creating, pausing, resuming and deleting a
// service take effect at the next reload without a restart.
func TestSchedulerFollowsChanges(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.sched.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	id := f.add(t, "new", 1, 1, false)
	waitFor(t, "a new service to be checked", func() bool { return f.count("new") >= 1 })
	if _, err := f.db.UpdateService(f.orgID, id, func(s *store.Service) error { s.Paused = true; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	f.sched.Notify()
	time.Sleep(100 * time.Millisecond)
	paused := f.count("new")
	time.Sleep(1500 * time.Millisecond)
	if f.count("new") != paused {
		t.Fatalf("paused service still checked: %d → %d", paused, f.count("new"))
	}
	if _, err := f.db.UpdateService(f.orgID, id, func(s *store.Service) error { s.Paused = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the resumed service to be checked", func() bool { return f.count("new") > paused })
	if err := f.db.DeleteService(f.orgID, id, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	deleted := f.count("new")
	time.Sleep(1200 * time.Millisecond)
	if f.count("new") != deleted {
		t.Fatalf("deleted service still checked")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

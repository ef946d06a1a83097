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
		Jitter:   func(string, time.Duration, time.Time) time.Duration { return 0 },
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
// slot (and is never started again while it runs: the checks due meanwhile
// are skipped), a paused service is never checked, and Run returns only once
// the check in flight has ended at its own timeout. What is asserted is what
// happened, not how much of it fits in a time: a loaded machine only delays it.
func TestSchedulerRunsDueServicesAndIsolatesHangingOnes(t *testing.T) {
	var mu sync.Mutex
	hanging, mostHanging := 0, 0 // checks of "hang" in flight, now and at most
	f := newSchedFixture(t, func(ctx context.Context, env *Env, tg *Target) Result {
		if tg.Endpoint != "hang" {
			return hangOn(ctx, env, tg)
		}
		mu.Lock()
		hanging++
		mostHanging = max(mostHanging, hanging)
		mu.Unlock()
		defer func() { mu.Lock(); hanging--; mu.Unlock() }()
		return hangOn(ctx, env, tg)
	})
	f.add(t, "fast", 1, 1, false)
	f.add(t, "hang", 1, 3, false)
	f.add(t, "paused", 1, 1, true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sched.Run(ctx) }()
	waitFor(t, "three checks of the fast service and a skipped one of the hanging service", func() bool {
		return f.count("fast") >= 3 && f.sched.Checker.Metrics.skipped.Load() > 0
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // the hanging check's timeout is 3 s
		t.Fatal("Run did not return after its context ended")
	}
	mu.Lock()
	defer mu.Unlock()
	if hanging != 0 {
		t.Errorf("Run returned with %d checks in flight; want it to wait for them", hanging)
	}
	if n := f.count("hang"); n == 0 || mostHanging != 1 {
		t.Errorf("hanging service started %d times, %d at once; want it running, never overlapping itself", n, mostHanging)
	}
	if f.count("paused") != 0 {
		t.Errorf("paused service was checked")
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
	paused := stopsBeingChecked(t, f, "new", "the paused service")
	if _, err := f.db.UpdateService(f.orgID, id, func(s *store.Service) error { s.Paused = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the resumed service to be checked", func() bool { return f.count("new") > paused })
	if err := f.db.DeleteService(f.orgID, id, nil); err != nil {
		t.Fatal(err)
	}
	stopsBeingChecked(t, f, "new", "the deleted service")
}

// stopsBeingChecked waits until the 1 s service name goes 2.5 s without a check, which a
// service still scheduled cannot (each such window holds two of its due checks), and
// returns its count then; it fails when that never happens. How soon the change takes
// effect is no part of it: on a loaded machine a reload can take a while.
func stopsBeingChecked(t *testing.T, f *schedFixture, name, what string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n := f.count(name)
		time.Sleep(2500 * time.Millisecond)
		if f.count(name) == n {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still checked: %d checks by now", what, f.count(name))
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // only "never" fails: a loaded machine is slow
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

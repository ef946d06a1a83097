package monitor

import (
	"context"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestSchedulerChecksNewAndEditedServicesAtOnce: SPEC §4.1 — jitter spreads the first
// checks of a restart only. With a 60 s interval and a jitter of half of it, the service
// present at start is not checked in the first seconds; one created while the scheduler
// runs, and the first one once it is edited, are each checked within a tick or two of
// the change (the API's Notify), not up to an interval later.
func TestSchedulerChecksNewAndEditedServicesAtOnce(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	f.sched.Tick = DefaultTick
	f.sched.Poll = time.Hour // only Notify reloads, as after an API change
	f.sched.Jitter = func(_ string, interval time.Duration, _ time.Time) time.Duration { return interval / 2 }
	old := f.add(t, "present-at-start", 60, 5, false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.sched.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	time.Sleep(700 * time.Millisecond)
	if n := f.count("present-at-start"); n != 0 {
		t.Fatalf("a service present at start was checked %d times in 0.7 s; its first check is jittered to +30 s", n)
	}
	// A tick or two (0.5 s) alone, seconds on a loaded machine; the jitter would put the
	// check 30 s out, so 10 s still tells "at once" from "jittered".
	const atOnce = 10 * time.Second
	within := func(what, name string, want int, d time.Duration) {
		t.Helper()
		start := time.Now()
		for f.count(name) < want {
			if time.Since(start) > d {
				t.Fatalf("%s: not checked within %v", what, d)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("%s: checked %v after the change", what, time.Since(start).Round(time.Millisecond))
	}
	f.add(t, "created", 60, 5, false)
	f.sched.Notify()
	within("a created service", "created", 1, atOnce)

	if _, err := f.db.UpdateService(f.orgID, old, func(s *store.Service) error { s.TimeoutSeconds = 4; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	f.sched.Notify()
	within("an edited service", "present-at-start", 1, atOnce)

	// Checked at once, then back on its interval: no second check within the next second.
	time.Sleep(time.Second)
	if n := f.count("created"); n != 1 {
		t.Errorf("the created service was checked %d times in about 2 s at a 60 s interval, want 1", n)
	}
}

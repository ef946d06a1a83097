package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestScheduledResultsDroppedAreLoggedOncePerEpisode: while every commit fails (a full
// disk), the scheduler's results are dropped — nobody waits for them — and the log says
// so once, not once per result; nothing retries them in a loop (one attempt per check).
// Once results have recorded for a quiet minute, one line says how many were dropped;
// the next failure opens a new episode.
func TestScheduledResultsDroppedAreLoggedOncePerEpisode(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	var failing atomic.Bool
	failing.Store(true)
	var commits atomic.Int64
	diskFull := fmt.Errorf("%w: write a.db: no space left on device", store.ErrDiskFull)
	rec := NewRecorder(func([]Recorded) error {
		commits.Add(1)
		if failing.Load() {
			return diskFull
		}
		return nil
	}, 0)
	go rec.Run()
	t.Cleanup(rec.Close)
	f.sched.Checker.Recorder = rec
	logs := &syncBuffer{}
	f.sched.Logger = slog.New(slog.NewTextHandler(logs, nil))
	var clock struct {
		sync.Mutex
		now time.Time
	}
	clock.now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.sched.drops.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return clock.now }
	advance := func(d time.Duration) { clock.Lock(); clock.now = clock.now.Add(d); clock.Unlock() }
	for i := range 3 {
		f.add(t, fmt.Sprintf("svc-%d", i), 1, 1, false)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sched.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("scheduler: %v", err)
		}
	}()

	waitFor(t, "six failed commits", func() bool { return commits.Load() >= 6 })
	failed := commits.Load()
	if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), "check results are not being recorded") {
		t.Fatalf("%d log lines for %d dropped results; want 1 saying results are not being recorded:\n%s", n, failed, logs.String())
	}
	if !strings.Contains(logs.String(), "no space left on device") {
		t.Errorf("the line does not carry the error:\n%s", logs.String())
	}
	if probes := f.count("svc-0") + f.count("svc-1") + f.count("svc-2"); int64(probes) < failed {
		t.Errorf("%d commits for %d checks: a failed result was retried", failed, probes)
	}

	// Commits succeed again, but a failure a moment ago keeps the episode open.
	failing.Store(false)
	before := commits.Load()
	waitFor(t, "a recorded result", func() bool { return commits.Load() > before })
	if strings.Contains(logs.String(), "recorded again") {
		t.Fatalf("the episode ended within a second of its last failure:\n%s", logs.String())
	}
	advance(dropQuiet)
	waitFor(t, "the end of the episode", func() bool { return strings.Contains(logs.String(), "recorded again") })
	if n := strings.Count(logs.String(), "\n"); n != 2 {
		t.Fatalf("%d log lines for one episode; want 2:\n%s", n, logs.String())
	}

	failing.Store(true)
	waitFor(t, "a second episode", func() bool {
		return strings.Count(logs.String(), "check results are not being recorded") == 2
	})
}

package monitor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// gate is a probe for the endpoint "gated" that reports each start on started and then
// blocks until release is closed (or its context ends); other endpoints pass at once.
type gate struct {
	started chan struct{}
	release chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan struct{}, 16), release: make(chan struct{})}
}

func (g *gate) probe(ctx context.Context, env *Env, t *Target) Result {
	start := time.Now()
	if t.Endpoint == "gated" {
		g.started <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return failedErr(t, start, time.Now(), ctx.Err())
		}
	}
	return passed(t, start, time.Now())
}

// waitStarted waits for the gated probe to start once.
func (g *gate) waitStarted(t *testing.T, what string) {
	t.Helper()
	select {
	case <-g.started:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s to start", what)
	}
}

// service loads a stored service as the scheduler and check-now see it.
func (f *schedFixture) service(t *testing.T, id string) *store.Service {
	t.Helper()
	s, err := f.db.Service(f.orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckNowRefusedWhileScheduledCheckRuns: a check the scheduler started holds the
// service; a check-now of it meanwhile is refused with ErrCheckRunning instead of
// probing the target a second time. Once the scheduled check ends, check-now runs.
func TestCheckNowRefusedWhileScheduledCheckRuns(t *testing.T) {
	g := newGate()
	f := newSchedFixture(t, g.probe)
	id := f.add(t, "gated", 3600, 5, false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = f.sched.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	g.waitStarted(t, "the scheduled check")
	svc := f.service(t, id)
	if _, err := f.sched.Checker.Check(context.Background(), svc); !errors.Is(err, ErrCheckRunning) {
		t.Fatalf("check-now during a scheduled check: err = %v, want ErrCheckRunning", err)
	}
	if n := f.count("gated"); n != 1 {
		t.Fatalf("target probed %d times while one check ran, want 1", n)
	}
	close(g.release)
	waitFor(t, "the scheduled check to end", func() bool {
		_, err := f.sched.Checker.Check(context.Background(), svc)
		return err == nil
	})
}

// TestScheduledTickSkipsWhileCheckNowRuns: a check-now holds the service; the scheduler's
// tick that falls due meanwhile is skipped (counted as skipped), not queued to run after
// it, and the scheduled checks resume once the check-now ends.
func TestScheduledTickSkipsWhileCheckNowRuns(t *testing.T) {
	g := newGate()
	f := newSchedFixture(t, g.probe)
	f.sched.Checker.Metrics = NewMetrics() // read by check-now before Run would set it
	id := f.add(t, "gated", 1, 5, false)
	svc := f.service(t, id)
	checkNow := make(chan error, 1)
	go func() {
		_, err := f.sched.Checker.Check(context.Background(), svc)
		checkNow <- err
	}()
	g.waitStarted(t, "check-now")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = f.sched.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	// Jitter 0 and a 1 s interval: ticks fall due at once and every second after.
	waitFor(t, "a skipped tick", func() bool { return f.sched.Checker.Metrics.skipped.Load() >= 2 })
	if n := f.count("gated"); n != 1 {
		t.Fatalf("target probed %d times while check-now ran, want 1 (ticks must skip)", n)
	}
	close(g.release)
	if err := <-checkNow; err != nil {
		t.Fatalf("check-now: %v", err)
	}
	// Skipped ticks were not queued: the next probe comes at the next tick, one at a time.
	waitFor(t, "the scheduled checks to resume", func() bool { return f.count("gated") >= 2 })
}

package monitor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestStallKeepsEachServicePhase: after a stall longer than the check interval (a
// suspended VM, a disk that held every slot), the overdue services are checked once and
// each then keeps its own phase — its next check at its planned time plus whole
// intervals — instead of all being planned at "now + interval", which would turn a
// one-off stall into a herd that lasts. Ten services at 60 s, planned 6 s apart; the clock
// jumps 5 min 17 s.
func TestStallKeepsEachServicePhase(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	const n, interval = 10, 60 * time.Second
	offsets := map[string]time.Duration{}
	for i := range n {
		id := f.add(t, fmt.Sprintf("svc-%d", i), int(interval/time.Second), 1, false)
		offsets[id] = time.Duration(i) * 6 * time.Second
	}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := t0
	s := f.sched
	s.Now = func() time.Time { return clock }
	s.Jitter = func(id string, _ time.Duration, _ time.Time) time.Duration { return offsets[id] }
	s.init()
	s.reload(t0)

	clock = t0.Add(5*time.Minute + 17*time.Second)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	if !s.dispatch(context.Background(), sem, &wg) {
		t.Fatal("dispatch stopped")
	}
	wg.Wait()
	for _, e := range s.queue {
		name := e.svc.Name
		if f.count(name) != 1 {
			t.Errorf("%s checked %d times after the stall, want once", name, f.count(name))
		}
		if !e.next.After(clock) || e.next.Sub(clock) > interval {
			t.Errorf("%s next planned at +%v after the stall, want within one interval", name, e.next.Sub(clock))
		}
		if phase := e.next.Sub(t0.Add(offsets[e.svc.ID])) % interval; phase != 0 {
			t.Errorf("%s next planned %v off its phase (planned at +%v, next at +%v)", name, phase,
				offsets[e.svc.ID], e.next.Sub(t0))
		}
	}
}

// TestSchedulerWakesOnTicks: the scheduler sleeps until the tick at or after the earliest
// planned check, so checks planned within one tick start together.
func TestSchedulerWakesOnTicks(t *testing.T) {
	s := &Scheduler{Checker: &Checker{}, Tick: 100 * time.Millisecond}
	s.init()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct{ planned, want time.Duration }{
		{30 * time.Millisecond, 100 * time.Millisecond},
		{100 * time.Millisecond, 100 * time.Millisecond},
		{101 * time.Millisecond, 200 * time.Millisecond},
		{-5 * time.Second, 0},
	} {
		s.queue = schedHeap{{next: now.Add(c.planned)}}
		if got := s.untilNext(now); got != c.want {
			t.Errorf("check planned at +%v: wake after %v, want %v", c.planned, got, c.want)
		}
	}
}

// TestChecksOfOneTickShareOneCommit: the checks a tick starts are announced to the
// recorder before any of them runs, so their results share one commit even when the
// first finishes before the goroutines of the last have started.
func TestChecksOfOneTickShareOneCommit(t *testing.T) {
	const n = 40
	f := newSchedFixture(t, func(context.Context, *Env, *Target) Result { return Result{Status: StatusGreen} })
	var mu sync.Mutex
	var groups []int
	rec := NewRecorder(func(b []Recorded) error {
		mu.Lock()
		groups = append(groups, len(b))
		mu.Unlock()
		return nil
	}, 0)
	rec.Linger = 10 * time.Second // far beyond the test: only the announced count ends a group
	go rec.Run()
	t.Cleanup(rec.Close)
	f.sched.Checker.Recorder = rec
	for i := range n {
		f.add(t, fmt.Sprintf("svc-%02d", i), 60, 5, false)
	}
	// One tick, far enough ahead that the reload has planned every service before it.
	f.sched.Tick = time.Second
	start := time.Now()
	f.sched.Jitter = func(string, time.Duration, time.Time) time.Duration { return 0 }
	f.sched.Now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.sched.Run(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		total := 0
		for _, g := range groups {
			total += g
		}
		got := slices.Clone(groups)
		mu.Unlock()
		if total == n {
			if len(got) != 1 {
				t.Errorf("the %d results of one tick were committed in groups %v, want one", n, got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: groups %v", time.Since(start), got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

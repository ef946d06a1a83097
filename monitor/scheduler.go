package monitor

import (
	"container/heap"
	"context"
	"hash/fnv"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Scheduler checks every active service every check_interval_seconds
// (SPEC §4.1). It reloads the service list every Poll (so creates, edits,
// pauses, resumes and deletes take effect on the next tick) and dispatches
// each check at its own planned time from a min-heap, so drift does not
// depend on the poll interval. A global semaphore bounds checks in flight;
// a service whose check still runs (a previous tick's or a check-now) is
// skipped, not queued, so a hanging target only ever occupies one slot, for
// at most its own timeout.
type Scheduler struct {
	Checker     *Checker
	Services    func(fn func(*store.Service) error) error // store.ForEachService
	Poll        time.Duration
	Concurrency int
	Logger      *slog.Logger
	// Jitter spreads the first check of each service across its interval so
	// a restart with thousands of services is no thundering herd. Default:
	// a stable hash of the service ID modulo the interval.
	// now is the scheduler's time the delay counts from: a Jitter aiming at an instant
	// measures from it, not from a clock read of its own (which is later).
	Jitter func(serviceID string, interval time.Duration, now time.Time) time.Duration
	// Phase, when set, is the offset of a service's planned check times, which a process
	// that checks on a server's behalf (an agent) is told rather than works out: when it
	// or the interval changes, the service moves at once to its new planned times
	// (firstDelay), as a service whose locations change does here.
	Phase func(svc *store.Service, interval time.Duration) time.Duration
	// FirstCheckDelay, when positive, puts every service's first check (and a move to new
	// planned times) this long after the scheduler sees it, whatever Jitter or the plan of
	// a service of several locations says: the browser tests set a day, so that no check
	// runs during a test.
	FirstCheckDelay time.Duration
	// Tick is the dispatch granularity: the scheduler wakes on multiples of Tick (since
	// the Unix epoch) and starts every check due by then together, so a process running
	// 100 checks a second wakes four times a second rather than a hundred, and the
	// results of the checks started together share one commit (Recorder.Linger): each
	// wake-up and each commit (its fsync, its pages, the runtime's hand-offs around
	// them) is paid per group, not per check — at 100 checks/s the CPU per check falls by
	// about 40 % from a 100 ms tick to 250 ms (README, Performance). It adds at most Tick
	// to each check's start drift (SPEC §6 allows a p99 of 1 s). The engine uses
	// DefaultTick; zero or negative: no ticks, each check at its planned time (an agent's
	// executor, whose results are not committed here, and whose hand-overs between agents
	// are planned to the millisecond).
	Tick time.Duration
	// Now is the clock plans are made and due checks found by; nil is time.Now.
	// Timers always run on real time.
	Now func() time.Time

	drops droppedResults // scheduled results not recorded, logged once per episode
	// settled is set once a reload of this Run has planned the services present when it
	// started (their first checks spread by Jitter: a restart); a service seen after that
	// was just created, resumed or edited and is checked at the next tick (SPEC §4.1).
	settled bool
	entries map[string]*schedEntry
	queue   schedHeap
	wake    chan struct{}
	once    sync.Once
}

// schedEntry is one service's place in the schedule.
type schedEntry struct {
	svc      *store.Service
	interval time.Duration
	// rejoin marks a check planned at once (a new or edited service of several
	// locations): after it the service returns to its location's planned times.
	rejoin bool
	next   time.Time     // planned start of the next check
	phase  time.Duration // Phase when last planned (0 without one)
	index  int           // position in the heap
}

// Notify asks the scheduler to reload now instead of at the next poll (the
// API calls it after a change); it never blocks.
func (s *Scheduler) Notify() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Scheduler) init() {
	s.once.Do(func() {
		s.entries = make(map[string]*schedEntry)
		s.wake = make(chan struct{}, 1)
		if s.Jitter == nil {
			s.Jitter = hashJitter
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Poll <= 0 {
			s.Poll = 10 * time.Second
		}
		if s.Concurrency <= 0 {
			s.Concurrency = 512
		}
		if s.Checker.Metrics == nil {
			s.Checker.Metrics = NewMetrics()
		}
	})
}

// Run schedules until ctx is done, then waits for the checks in flight (each
// bounded by its timeout) and returns.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	sem := make(chan struct{}, s.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()

	s.settled = false // the first reload of a run is a restart's
	s.reload(s.Now())
	poll := time.NewTicker(s.Poll)
	defer poll.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		timer.Reset(s.untilNext(s.Now()))
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
			s.reload(s.Now())
		case <-s.wake:
			s.reload(s.Now())
		case <-timer.C:
			if !s.dispatch(ctx, sem, &wg) {
				return nil
			}
		}
	}
}

// DefaultTick is the scheduler's dispatch granularity (Scheduler.Tick).
const DefaultTick = 250 * time.Millisecond

// untilNext is how long to sleep until the tick at or after the earliest planned check.
func (s *Scheduler) untilNext(now time.Time) time.Duration {
	if len(s.queue) == 0 {
		return s.Poll
	}
	wake := s.queue[0].next
	if s.Tick > 0 {
		if rem := wake.UnixNano() % int64(s.Tick); rem > 0 {
			wake = wake.Add(s.Tick - time.Duration(rem))
		}
	}
	if d := wake.Sub(now); d > 0 {
		return d
	}
	return 0
}

// dispatch starts every check that is due. It returns false when ctx ended
// while it waited for a free slot.
func (s *Scheduler) dispatch(ctx context.Context, sem chan struct{}, wg *sync.WaitGroup) bool {
	now := s.Now()
	// Every check due now is announced to the recorder before any of them starts, so that
	// it sees all the results of the tick coming even when the first is recorded before
	// the last has started; those that do not start (skipped, ctx ended) are taken back.
	unstarted := s.queue.dueCount(now)
	s.Checker.Recorder.announce(unstarted)
	defer func() { s.Checker.Recorder.announce(-unstarted) }()
	for len(s.queue) > 0 {
		e := s.queue[0]
		if e.next.After(now) {
			return true
		}
		planned := e.next
		e.next = nextAfter(planned, e.interval, now)
		if e.rejoin {
			e.rejoin = false
			e.next = now.Add(s.firstDelay(e.svc, s.Checker.location(), e.interval, now))
		}
		heap.Fix(&s.queue, 0)
		svc := e.svc
		if s.Checker.busy(svc.ID) { // skipped without waiting for a slot
			s.Checker.Metrics.skipped.Add(1)
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		// Claimed once a slot is free, so a check-now is refused only while
		// a scheduled check really runs, not while it waits for a slot; one
		// that started meanwhile wins and this tick is skipped.
		if !s.Checker.claim(svc.ID) {
			<-sem
			s.Checker.Metrics.skipped.Add(1)
			continue
		}
		s.Checker.Metrics.drift.observe(s.Now().Sub(planned))
		unstarted-- // its check records as an announced one (Checker.check)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { s.Checker.release(svc.ID); <-sem }()
			// The check outlives ctx by at most its own timeout: a check
			// that started is finished and recorded, never dropped.
			if _, err := s.Checker.check(context.WithoutCancel(ctx), svc, false); err != nil {
				s.drops.failed(s.Logger, svc.ID, err)
			} else {
				s.drops.recorded(s.Logger)
			}
		}()
	}
	return true
}

// reload reads every service and brings the schedule in line: new services
// get a jittered first check, changed intervals re-plan, paused and deleted
// services leave the schedule.
func (s *Scheduler) reload(now time.Time) {
	seen := make(map[string]bool, len(s.entries))
	local := s.Checker.location()
	err := s.Services(func(svc *store.Service) error {
		if svc.Paused || !svc.ChecksFrom(local, local) {
			return nil // paused, or checked from other locations only (SPEC §8)
		}
		seen[svc.ID] = true
		interval := time.Duration(svc.CheckIntervalSeconds) * time.Second
		if interval <= 0 {
			interval = time.Minute
		}
		e, ok := s.entries[svc.ID]
		phase := s.phase(svc, interval)
		switch {
		case !ok:
			e = &schedEntry{svc: svc, interval: interval, phase: phase, next: now.Add(s.firstDelay(svc, local, interval, now))}
			s.entries[svc.ID] = e
			heap.Push(&s.queue, e)
			// Not on an agent (Phase set): a service new to it was handed over from another
			// agent that checked it at its planned times, and checking at once would check
			// it twice within moments (the hand-over keeps the plan, SPEC §8).
			if s.settled && s.Phase == nil {
				s.checkAtOnce(e, now)
			}
		case s.Phase == nil && !e.svc.UpdatedAt.Equal(svc.UpdatedAt):
			// Edited by someone who is looking at it: its next result should say what
			// the new settings give, not wait up to an interval.
			e.svc, e.interval = svc, interval
			s.checkAtOnce(e, now)
		case s.Phase != nil && (e.interval != interval || e.phase != phase):
			// Told new planned times: move to them.
			e.svc, e.interval, e.phase = svc, interval, phase
			e.next = now.Add(s.firstDelay(svc, local, interval, now))
			heap.Fix(&s.queue, e.index)
		case e.interval != interval:
			e.svc, e.interval = svc, interval
			if latest := now.Add(interval); e.next.After(latest) {
				e.next = latest
				heap.Fix(&s.queue, e.index)
			}
		case svc.MultiLocation() && !slices.Equal(e.svc.Locations, svc.Locations):
			// Another place among the service's locations: move to its planned times.
			e.svc, e.next = svc, now.Add(s.firstDelay(svc, local, interval, now))
			heap.Fix(&s.queue, e.index)
		default:
			e.svc = svc
		}
		return nil
	})
	if err != nil {
		if s.Logger != nil {
			s.Logger.Error("scheduler reload failed; keeping the previous schedule", "error", err)
		}
		return
	}
	for id, e := range s.entries {
		if !seen[id] {
			heap.Remove(&s.queue, e.index)
			delete(s.entries, id)
		}
	}
	s.settled = true
}

// checkAtOnce plans e's check for now (the next tick) unless FirstCheckDelay holds every
// first check or the scheduler is told planned times (Phase: an agent's executor). A
// service of several locations goes back to its location's planned times after it.
func (s *Scheduler) checkAtOnce(e *schedEntry, now time.Time) {
	if s.FirstCheckDelay > 0 || s.Phase != nil {
		if latest := now.Add(e.interval); e.next.After(latest) {
			e.next = latest
			heap.Fix(&s.queue, e.index)
		}
		return
	}
	e.next, e.rejoin = now, e.svc.MultiLocation()
	heap.Fix(&s.queue, e.index)
}

// phase is svc's Phase, or 0 without one.
func (s *Scheduler) phase(svc *store.Service, interval time.Duration) time.Duration {
	if s.Phase == nil {
		return 0
	}
	return s.Phase(svc, interval)
}

// firstDelay is how long after now a newly seen service is first checked: Jitter for a
// service of this location alone; for one of several locations the next of this
// location's planned times (LocationOffset), so the locations keep spread over the
// interval.
func (s *Scheduler) firstDelay(svc *store.Service, local string, interval time.Duration, now time.Time) time.Duration {
	if s.FirstCheckDelay > 0 {
		return s.FirstCheckDelay
	}
	if !svc.MultiLocation() {
		return s.Jitter(svc.ID, interval, now)
	}
	return NextPlanned(now, interval, LocationOffset(svc, local, interval)).Sub(now)
}

// hashJitter places a service's first check at a stable point of its
// interval (FNV hash of the ID), so the spread survives restarts.
func hashJitter(serviceID string, interval time.Duration, _ time.Time) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(serviceID))
	return time.Duration(h.Sum64() % uint64(interval))
}

// schedHeap orders entries by their next planned start.
type schedHeap []*schedEntry

func (h schedHeap) Len() int           { return len(h) }
func (h schedHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h schedHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *schedHeap) Push(x any) {
	e := x.(*schedEntry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *schedHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// nextAfter plans the check after one planned at planned: planned plus as many whole
// intervals as it takes to be after now. Counting from the planned time, not from now,
// keeps small delays from accumulating; after a stall longer than the interval it skips
// the missed checks (no burst of catch-up checks) and keeps the service's phase, so
// services the stall made overdue together do not stay clustered ever after.
func nextAfter(planned time.Time, interval time.Duration, now time.Time) time.Time {
	next := planned.Add(interval)
	if next.After(now) {
		return next
	}
	missed := now.Sub(next)/interval + 1
	return next.Add(missed * interval)
}

// dueCount counts the entries planned at or before now, walking only the part of the
// heap that holds them (an entry's children are planned no earlier than it).
func (h schedHeap) dueCount(now time.Time) int {
	n := 0
	var walk func(i int)
	walk = func(i int) {
		if i >= len(h) || h[i].next.After(now) {
			return
		}
		n++
		walk(2*i + 1)
		walk(2*i + 2)
	}
	walk(0)
	return n
}

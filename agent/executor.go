package agent

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// Executor checks a set of assignments with the appliance's own engine parts — monitor's
// Scheduler (planned times, the concurrency cap, one check per service at a time) and
// Checker (targets, credentials, the probe under its timeout) — and hands every result to
// Record. Assignments change while it runs (Replace, Apply); the scheduler hears of each
// change at once. It knows nothing of the channel, so any process that checks on a
// server's behalf can run one (the agent, a cluster follower).
type Executor struct {
	Env         *monitor.Env
	Concurrency int
	Logger      *slog.Logger
	// Record receives every result, in the order checks finish; it must not block for long
	// (the agent's buffer).
	Record func(Result)

	once     sync.Once
	mu       sync.Mutex
	assigned map[string]*assigned // by service ID
	vault    *vault
	sched    *monitor.Scheduler
	changed  chan struct{} // wakes the stop timer
}

// assigned is one assignment as the executor keeps it.
type assigned struct {
	a      Assignment
	svc    *store.Service // what the scheduler and checker see
	stopAt time.Time      // when a hand-over takes it away; zero: kept
}

// withheldType is the check type of an assignment whose credentials were withheld: its
// "probe" reports why instead of checking without them.
const withheldType = "AGENT-WITHHELD"

func (e *Executor) init() {
	e.once.Do(func() {
		e.assigned = make(map[string]*assigned)
		e.vault = newVault()
		e.changed = make(chan struct{}, 1)
		if e.Logger == nil {
			e.Logger = slog.New(slog.DiscardHandler)
		}
		rec := monitor.NewRecorder(e.commit, 0)
		chk := &monitor.Checker{Env: e.Env, Opener: e.vault, Recorder: rec, Logger: e.Logger, Probes: e.probeFor}
		e.sched = &monitor.Scheduler{Checker: chk, Services: e.services, Poll: 10 * time.Second,
			Concurrency: e.Concurrency, Logger: e.Logger, Jitter: e.firstCheck, Phase: e.phase}
	})
}

// Run checks until ctx ends, then waits for the checks in flight (each bounded by its
// timeout) and returns once their results went to Record.
func (e *Executor) Run(ctx context.Context) error {
	e.init()
	rec := e.sched.Checker.Recorder
	recorded := make(chan error, 1)
	go func() { recorded <- rec.Run() }()
	timerDone := make(chan struct{})
	go func() { defer close(timerDone); e.stopTimer(ctx) }()
	err := e.sched.Run(ctx)
	<-timerDone
	rec.Close()
	if rerr := <-recorded; err == nil {
		err = rerr
	}
	return err
}

// commit is the recorder's commit: results go to Record (one "group" per recorder drain).
func (e *Executor) commit(batch []monitor.Recorded) error {
	for i := range batch {
		e.Record(resultOf(batch[i].ServiceID, &batch[i].Result))
	}
	return nil
}

// Replace makes list the whole set of assignments (a full set from the server).
func (e *Executor) Replace(list []Assignment) {
	e.init()
	keep := make(map[string]bool, len(list))
	for _, a := range list {
		keep[a.ServiceID] = true
	}
	e.mu.Lock()
	for id := range e.assigned {
		if !keep[id] {
			e.dropLocked(id, "removed")
		}
	}
	for i := range list {
		e.upsertLocked(&list[i])
	}
	e.mu.Unlock()
	e.wake()
}

// Apply adds or changes the upserts and removes (at once, or at their StopAt) the removals.
func (e *Executor) Apply(upsert []Assignment, remove []Removal) {
	e.init()
	now := time.Now()
	e.mu.Lock()
	for i := range upsert {
		e.upsertLocked(&upsert[i])
	}
	for _, r := range remove {
		x, ok := e.assigned[r.ServiceID]
		switch {
		case !ok:
		case r.StopAt != nil && r.StopAt.After(now):
			x.stopAt = *r.StopAt
			e.Logger.Debug("assignment handed over", "service_id", r.ServiceID, "stop_at", r.StopAt.UTC())
		default:
			e.dropLocked(r.ServiceID, "removed")
		}
	}
	e.mu.Unlock()
	e.wake()
}

// upsertLocked stores a, turning it into the service the scheduler sees and its
// credentials into vault entries.
func (e *Executor) upsertLocked(a *Assignment) {
	old, existed := e.assigned[a.ServiceID]
	if existed && sameAssignment(&old.a, a) && old.stopAt.IsZero() {
		return
	}
	e.vault.forget(a.OrgID, a.ServiceID)
	svc := &store.Service{ID: a.ServiceID, OrgID: a.OrgID, CheckType: a.Type, Endpoint: a.Endpoint,
		Options: a.Options, CheckIntervalSeconds: a.IntervalSeconds, TimeoutSeconds: a.TimeoutSeconds,
		DegradedThresholdMS: a.DegradedThresholdMS, ResponseTimeWarningMS: a.ResponseTimeWarningMS,
		ResponseTimeCriticalMS: a.ResponseTimeCriticalMS}
	switch {
	case a.Withheld != "":
		svc.CheckType = withheldType
	case a.Credentials != nil:
		svc.Auth, svc.SealedHeaders = e.vault.keep(a.OrgID, a.ServiceID, a.Credentials)
	}
	stored := *a
	stored.Credentials = nil // plaintext lives in the vault only
	e.assigned[a.ServiceID] = &assigned{a: stored, svc: svc}
	action := "assignment added"
	if existed {
		action = "assignment changed"
	}
	e.Logger.Debug(action, "service_id", a.ServiceID, "type", a.Type, "interval_s", a.IntervalSeconds,
		"offset_ms", a.OffsetMS, "start_at", a.StartAt, "credentials", a.Credentials != nil)
}

// sameAssignment reports whether b changes nothing of a (credentials compared by their
// presence and content, never logged).
func sameAssignment(a, b *Assignment) bool {
	return a.Type == b.Type && a.Endpoint == b.Endpoint && slices.Equal(a.Options, b.Options) &&
		a.IntervalSeconds == b.IntervalSeconds && a.TimeoutSeconds == b.TimeoutSeconds &&
		a.DegradedThresholdMS == b.DegradedThresholdMS && a.OffsetMS == b.OffsetMS &&
		a.ResponseTimeWarningMS == b.ResponseTimeWarningMS && a.ResponseTimeCriticalMS == b.ResponseTimeCriticalMS &&
		a.Withheld == b.Withheld && b.Credentials == nil && a.OrgID == b.OrgID
}

// dropLocked forgets service id and its credentials.
func (e *Executor) dropLocked(id, why string) {
	x := e.assigned[id]
	delete(e.assigned, id)
	e.vault.forget(x.a.OrgID, id)
	e.Logger.Debug("assignment "+why, "service_id", id)
}

// wake tells the scheduler (reload now) and the stop timer (earliest stop) of a change.
func (e *Executor) wake() {
	e.sched.Notify()
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

// Assigned returns the IDs of the services the executor checks now, sorted.
func (e *Executor) Assigned() []string {
	e.init()
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, len(e.assigned))
	for id := range e.assigned {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// services is the scheduler's view: every assignment not yet handed over.
func (e *Executor) services(fn func(*store.Service) error) error {
	now := time.Now()
	e.mu.Lock()
	list := make([]*store.Service, 0, len(e.assigned))
	for _, x := range e.assigned {
		if x.stopAt.IsZero() || now.Before(x.stopAt) {
			list = append(list, x.svc)
		}
	}
	e.mu.Unlock()
	for _, s := range list {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// firstCheck is the scheduler's Jitter: how long until a newly scheduled service's first
// check after now (the scheduler's time) — its StartAt after a hand-over, else its next
// planned time. Measured from the scheduler's now, not a later clock read, so the first
// check never falls before StartAt (it did by the gap between the two reads).
func (e *Executor) firstCheck(serviceID string, interval time.Duration, now time.Time) time.Duration {
	e.mu.Lock()
	x, ok := e.assigned[serviceID]
	var a Assignment
	if ok {
		a = x.a
	}
	e.mu.Unlock()
	if ok && a.StartAt != nil && a.StartAt.After(now) {
		return a.StartAt.Sub(now)
	}
	return nextPlanned(now, interval, time.Duration(a.OffsetMS)*time.Millisecond).Sub(now)
}

// phase is the scheduler's Phase: the offset the server planned for the assignment. A
// change of it (the service's locations changed) moves the checks to the new planned
// times at once, through firstCheck.
func (e *Executor) phase(svc *store.Service, _ time.Duration) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.assigned[svc.ID]; ok {
		return time.Duration(x.a.OffsetMS) * time.Millisecond
	}
	return 0
}

// stopTimer drops handed-over services at their StopAt until ctx ends.
func (e *Executor) stopTimer(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		next := time.Time{}
		e.mu.Lock()
		expired := false
		for id, x := range e.assigned {
			switch {
			case x.stopAt.IsZero():
			case !now.Before(x.stopAt):
				e.dropLocked(id, "handed over")
				expired = true
			case next.IsZero() || x.stopAt.Before(next):
				next = x.stopAt
			}
		}
		e.mu.Unlock()
		if expired {
			e.sched.Notify()
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = next.Sub(now)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-e.changed:
		case <-timer.C:
		}
	}
}

// probeFor is the checker's probe lookup: the monitor's probes, and for an assignment
// whose credentials were withheld, a result that says why.
func (e *Executor) probeFor(checkType string) monitor.Probe {
	if checkType != withheldType {
		return monitor.ProbeFor(checkType)
	}
	return func(_ context.Context, env *monitor.Env, t *monitor.Target) monitor.Result {
		e.mu.Lock()
		why := "credentials withheld"
		if x, ok := e.assigned[t.ServiceID]; ok {
			why = x.a.Withheld
		}
		e.mu.Unlock()
		now := env.Now()
		return monitor.Result{CheckedAt: now, Status: monitor.StatusRed, Error: why, Internal: true}
	}
}

package alerting

import (
	"context"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Alerter drives the alert state machine over the open store: Run handles escalations
// and reminders from their persisted due times and resolves alerts of deleted subjects,
// and the actions (alerter_actions.go) let responders acknowledge, resolve and annotate
// alerts. The decisions themselves are its StateMachine's, which the store also runs
// inside its own transactions (store.Options.Alerts).
type Alerter struct {
	*StateMachine
	db *store.DB
}

// NewAlerter builds the Alerter of db, which must have been opened with sm's StoreHooks;
// run its Run in a worker.
func NewAlerter(db *store.DB, sm *StateMachine) *Alerter {
	return &Alerter{StateMachine: sm, db: db}
}

// Run drives escalations and reminders until ctx ends: it wakes every Tick and at the
// earliest persisted due time, and handles each due alert in one write transaction (so a
// restart neither loses nor repeats a step: the step's notifications and the next due time
// commit together). Every few minutes it also resolves alerts of deleted services.
func (a *Alerter) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if now := time.Now(); now.Sub(swept) >= orphanSweepEvery {
			swept = now
			if n, err := a.ResolveOrphans(); err != nil {
				a.log.Error("resolving alerts of deleted services", "error", err)
			} else if n > 0 {
				a.log.Info("resolved alerts of deleted services", "count", n)
			}
		}
		full, err := a.RunDue()
		if err != nil {
			a.log.Error("escalations and reminders", "error", err)
		}
		timer.Reset(a.nextWait(full, err))
	}
}

// nextWait is how long Run sleeps: no time after a full batch, else until the earliest due
// time but at most Tick — and at least a second after an error, so a failing alert cannot
// spin the loop.
func (a *Alerter) nextWait(full bool, failed error) time.Duration {
	if full && failed == nil {
		return 0
	}
	wait := a.cfg.Tick
	if next, ok, err := a.db.NextAlertDue(); err == nil && ok {
		wait = min(wait, max(next.Sub(a.now()), 0))
	}
	if failed != nil {
		wait = max(wait, time.Second)
	}
	return wait
}

// RunDue handles every escalation and reminder due now (one batch); full reports that the
// batch was full, so more may be due. Run calls it; tests call it directly.
func (a *Alerter) RunDue() (full bool, err error) {
	now := a.now()
	due, err := a.db.DueAlerts(now, dueBatchSize)
	if err != nil {
		return false, err
	}
	var firstErr error
	for _, d := range due {
		if _, err := a.db.UpdateAlert(d.OrgID, d.AlertID, func(tx *store.AlertTx, al *store.Alert) error {
			return a.advance(tx, al, now)
		}, nil); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return len(due) == dueBatchSize, firstErr
}

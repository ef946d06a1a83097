package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// defaultSchedulerInterval is how often the Scheduler looks for due reports: a report
// goes out within a minute of 08:00.
const defaultSchedulerInterval = time.Minute

// Scheduler is the worker that sends scheduled reports (SPEC §11). It runs on the
// cluster's leader only. Each pass renders every due report and, in one store write,
// queues its e-mails in the durable outbox and moves it on to its next run
// (store.DB.CompleteScheduledReportRun): a crash before that write sends nothing and the
// report is still due at restart; a crash after it has the e-mails safely queued and the
// report advanced, so a run is never sent twice nor skipped.
//
// After downtime that spanned several run times, one report is sent — for the latest
// run time passed, reporting the period that run would have — not a backlog of every
// missed one: the recipients want the current report, and older periods can be had on
// demand (GET /reports/sla).
type Scheduler struct {
	Store    *store.DB
	Now      func() time.Time // default time.Now
	Interval time.Duration    // between passes; default a minute
	Logger   *slog.Logger     // nil discards
	Wake     func()           // wakes the outbox sender after e-mails were queued; may be nil
}

// Run makes a pass every Interval until ctx is done. A failed pass is logged and retried
// at the next tick; Run returns nil on cancellation.
func (s *Scheduler) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = defaultSchedulerInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := s.RunDue(ctx); err != nil {
			s.logger().Error("scheduled reports pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// RunDue sends every report due now and returns how many runs it completed (sent or
// failed for good). A report whose run could not complete (a store failure) stays due
// for the next pass.
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.Store.DueScheduledReports(now)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for i := range due {
		if ctx.Err() != nil {
			break
		}
		switch err := s.runOne(&due[i], now); {
		case errors.Is(err, store.ErrReportMoved), errors.Is(err, store.ErrNotFound):
			// Edited, deleted or run elsewhere since it was read: nothing to do.
		case err != nil:
			errs = append(errs, fmt.Errorf("scheduled report %s: %w", due[i].ID, err))
		default:
			done++
		}
	}
	if done > 0 && s.Wake != nil {
		s.Wake()
	}
	return done, errors.Join(errs...)
}

// runOne renders report r for the latest run time at or before now and completes the run.
func (s *Scheduler) runOne(r *store.ScheduledReport, now time.Time) error {
	loc, ok := LoadZone(r.Timezone)
	if !ok {
		loc = time.UTC // validated on write; a zone gone from tzdata still gets its report
	}
	runAt := r.NextRunAt
	for n := NextRun(r.Frequency, loc, runAt); !n.After(now); n = NextRun(r.Frequency, loc, n) {
		runAt = n // missed runs collapse into the latest
	}
	run := store.ScheduledRun{Due: r.NextRunAt, RanAt: now, Next: NextRun(r.Frequency, loc, now)}
	mail, err := s.render(r, loc, runAt, now)
	var failed *runFailure
	switch {
	case errors.As(err, &failed):
		run.Error = failed.reason
		s.logger().Warn("scheduled report not sent", "org_id", r.OrgID, "report_id", r.ID, "reason", failed.reason)
	case err != nil:
		return err // a store failure: stays due, retried at the next pass
	default:
		if run.Entries, err = mail.entries(r.Recipients); err != nil {
			return err
		}
	}
	return s.Store.CompleteScheduledReportRun(r.OrgID, r.ID, run)
}

// runFailure is a run that can never succeed as configured (every service deleted, a
// report too large to mail): recorded as the report's last_error, and the report moves on.
type runFailure struct{ reason string }

func (f *runFailure) Error() string { return f.reason }

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

package store

import (
	"errors"
	"fmt"
	"time"
)

// ErrReportMoved is CompleteScheduledReportRun's answer when the report is gone, was
// edited, or another run already completed it since it was read as due: the caller's
// rendering is stale and nothing was written.
var ErrReportMoved = errReportMoved

// DueScheduledReports returns every scheduled report of every organization whose
// NextRunAt is at or before now. Reports are few (a handful per organization) and this
// runs once a minute, so a scan of the small per-organization buckets is cheaper to keep
// right than a global due index.
func (db *DB) DueScheduledReports(now time.Time) ([]ScheduledReport, error) {
	out := make([]ScheduledReport, 0)
	err := db.view(func(tx txn) error {
		return tx.Bucket([]byte(bucketOrgs)).ForEachBucket(func(id []byte) error {
			ob, err := orgBucket(tx, string(id))
			if errors.Is(err, ErrNotFound) {
				return nil // being deleted
			} else if err != nil {
				return err
			}
			b := ob.Bucket([]byte(subScheduledReports))
			if !b.exists() {
				return nil
			}
			all, err := listJSON[ScheduledReport](b)
			if err != nil {
				return err
			}
			for _, r := range all {
				if !r.NextRunAt.After(now) {
					out = append(out, r)
				}
			}
			return nil
		})
	})
	return out, err
}

// ScheduledRun is the outcome of one run of a scheduled report.
type ScheduledRun struct {
	// Due is the NextRunAt the run was rendered for; the run completes only if the report
	// still has it (so an edit or a second runner in between makes it ErrReportMoved).
	Due time.Time
	// Entries are the e-mails to queue (none when the run failed).
	Entries []*OutboxEntry
	// RanAt becomes LastRunAt; Next becomes NextRunAt; Error becomes LastError.
	RanAt, Next time.Time
	Error       string
}

// CompleteScheduledReportRun queues run's e-mails and moves report id of orgID on to
// run.Next in one write transaction: a crash before the commit leaves the report due
// (it runs again, nothing was sent), a crash after leaves it advanced with its e-mails
// durably in the outbox (they are sent, once). ErrReportMoved when the report no longer
// has NextRunAt run.Due.
func (db *DB) CompleteScheduledReportRun(orgID, id string, run ScheduledRun) error {
	return db.update(orgID, nil, func(tx txn) error {
		var r ScheduledReport
		err := getScheduledReport(tx, orgID, id, &r)
		if errors.Is(err, ErrNotFound) {
			return errReportMoved
		} else if err != nil {
			return err
		}
		if !r.NextRunAt.Equal(run.Due) {
			return errReportMoved
		}
		for _, e := range run.Entries {
			if e.OrgID == "" {
				e.OrgID = orgID
			} else if e.OrgID != orgID {
				return fmt.Errorf("store: outbox entry of organization %q queued under %q", e.OrgID, orgID)
			}
			if err := db.enqueueOutbox(tx, e); err != nil {
				return err
			}
		}
		ran := run.RanAt.UTC()
		r.LastRunAt, r.NextRunAt, r.LastError = &ran, run.Next.UTC(), run.Error
		b, err := orgSub(tx, orgID, subScheduledReports)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &r)
	})
}

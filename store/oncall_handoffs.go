package store

import "time"

// RecordHandoffNotices queues entries (the handoff notices of schedule scheduleID found
// over [from, until)) and moves the schedule's NoticesUntil to until, in one transaction,
// so each notice is queued exactly once across passes and restarts. When NoticesUntil is
// no longer from (another pass got there first) nothing is written and ok is false.
func (db *DB) RecordHandoffNotices(orgID, scheduleID string, from, until time.Time, entries []*OutboxEntry) (ok bool, err error) {
	err = db.update(orgID, nil, func(tx txn) error {
		var s OnCallSchedule
		if err := getOnCallSchedule(tx, orgID, scheduleID, &s); err != nil {
			return err
		}
		if !s.NoticesUntil.Equal(from) {
			return nil
		}
		for _, e := range entries {
			e.OrgID = orgID
			if err := db.enqueueOutbox(tx, e); err != nil {
				return err
			}
		}
		s.NoticesUntil = until.UTC()
		b, err := orgSub(tx, orgID, subOnCallSchedules)
		if err != nil {
			return err
		}
		ok = true
		return putJSON(b, []byte(scheduleID), &s)
	})
	return ok, err
}

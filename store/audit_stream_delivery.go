package store

import (
	"time"
)

// maxStreamErrorLen bounds the LastError kept on a stream.
const maxStreamErrorLen = 500

// AdvanceAuditStream records that the receiver of stream id accepted the entries after
// from up to and including to: the cursor moves from from to to, the failure count is
// cleared and LastSuccessAt is at. It is a compare-and-set: a cursor that is no longer
// from (another sender advanced it, the stream was replaced) is ErrConflict and nothing
// changes, so the cursor never moves backwards nor skips what it has not seen accepted.
func (db *DB) AdvanceAuditStream(orgID, id string, from, to uint64, delivered int, at time.Time, status int) error {
	return db.changeStreamState(orgID, id, from, func(st *AuditStreamState) {
		at := at.UTC()
		st.Cursor, st.Delivered = to, st.Delivered+uint64(delivered)
		st.LastSuccessAt, st.LastAttemptAt = &at, &at
		st.LastError, st.LastStatus, st.Failures, st.NextAttemptAt = "", status, 0, time.Time{}
	})
}

// FailAuditStream records a failed attempt of stream id to deliver what follows from: the
// cursor stays, Failures+1, the error and status are kept, and the next attempt is due at
// next. A cursor that is no longer from is ErrConflict.
func (db *DB) FailAuditStream(orgID, id string, from uint64, at, next time.Time, lastErr string, status int) error {
	return db.changeStreamState(orgID, id, from, func(st *AuditStreamState) {
		at := at.UTC()
		st.LastAttemptAt, st.Failures, st.NextAttemptAt = &at, st.Failures+1, next.UTC()
		st.LastError, st.LastStatus = clampText(lastErr, maxStreamErrorLen), status
	})
}

// changeStreamState applies fn to stream id's state if its cursor is still from.
func (db *DB) changeStreamState(orgID, id string, from uint64, fn func(*AuditStreamState)) error {
	return db.update(orgID, nil, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		var s AuditStream
		if err := getJSON(b, []byte(id), &s, entityAuditStream); err != nil {
			return err
		}
		if s.State.Cursor != from {
			return conflictf(entityAuditStream, "Audit stream %s is at %d, not %d.", id, s.State.Cursor, from)
		}
		fn(&s.State)
		return putJSON(b, []byte(id), &s)
	})
}

// DueAuditStreams returns every enabled stream, of every organization, that has entries
// to deliver and whose next attempt is due at now.
func (db *DB) DueAuditStreams(now time.Time) ([]AuditStream, error) {
	var out []AuditStream
	err := db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		if !orgs.exists() {
			return nil
		}
		return orgs.ForEachBucket(func(id []byte) error {
			ob := orgs.Bucket(id)
			b := ob.Bucket([]byte(subAuditStreams))
			if !b.exists() || ob.Get([]byte(orgInfoKey)) == nil {
				return nil // no streams, or the organization is being deleted
			}
			streams, err := listJSON[AuditStream](b)
			if err != nil {
				return err
			}
			head, err := auditHead(tx, string(id))
			if err != nil {
				return err
			}
			for _, s := range streams {
				if s.Enabled && head > s.State.Cursor && !s.State.NextAttemptAt.After(now) {
					out = append(out, s)
				}
			}
			return nil
		})
	})
	return out, err
}

package store

import (
	"crypto/subtle"
	"time"
)

// HeartbeatTransition is a heartbeat's status change, handed to the heartbeat hooks inside
// the write transaction that makes it, so an alert opened or resolved for it commits with
// the change or not at all. Reason is "ping" (a ping made it healthy), "fail" (an explicit
// /fail), "missed" (the deadline or the grace period passed: Status late or down),
// "pause", "resume" or "update" (an edit of the schedule cleared late).
type HeartbeatTransition struct {
	OrgID      string
	Heartbeat  *Heartbeat // the heartbeat as the change left it (a copy the hook may keep)
	PrevStatus string
	Status     string
	At         time.Time
	Reason     string
}

// heartbeatTransition runs the heartbeat evaluator (Options.Alerts.Heartbeat) for hb's
// change from prev, with the alert view of tx.
func (db *DB) heartbeatTransition(tx txn, hb *Heartbeat, prev string, at time.Time, reason string) error {
	snap := *hb
	ev := &HeartbeatTransition{OrgID: hb.OrgID, Heartbeat: &snap, PrevStatus: prev, Status: hb.Status,
		At: at, Reason: reason}
	return db.alerts.Heartbeat(db.newAlertTx(tx), ev)
}

// heartbeatDue returns when hb next needs the watcher: its deadline while healthy, the end
// of the grace period while late, never (ok false) while down or paused — only a ping or
// a resume changes those.
func heartbeatDue(hb *Heartbeat) (due time.Time, ok bool) {
	if hb.NextExpectedAt == nil {
		return time.Time{}, false
	}
	switch hb.Status {
	case HeartbeatHealthy, HeartbeatNew:
		return *hb.NextExpectedAt, true
	case HeartbeatLate:
		return hb.NextExpectedAt.Add(hb.Grace()), true
	}
	return time.Time{}, false
}

// dueKey is the idx_heartbeat_due key of hb, or nil when it is not due.
func dueKey(hb *Heartbeat) []byte {
	due, ok := heartbeatDue(hb)
	prefix, okID := seriesPrefix(hb.ID)
	if !ok || !okID {
		return nil
	}
	return append(be64(unixNanos(due)), prefix...)
}

// putHeartbeat writes hb and moves its due index entry from old's (nil for a new one).
func putHeartbeat(tx txn, b bucket, hb, old *Heartbeat) error {
	newKey := dueKey(hb)
	var oldKey []byte
	if old != nil {
		oldKey = dueKey(old)
	}
	if string(newKey) != string(oldKey) {
		idx, err := tx.CreateBucketIfNotExists([]byte(bucketIdxHeartbeatDue))
		if err != nil {
			return err
		}
		if oldKey != nil {
			if err := idx.Delete(oldKey); err != nil {
				return err
			}
		}
		if newKey != nil {
			if err := idx.Put(newKey, compositeKey(hb.OrgID, hb.ID)); err != nil {
				return err
			}
		}
	}
	return putJSON(b, []byte(hb.ID), hb)
}

// unindexDue removes hb's due index entry, if any.
func unindexDue(tx txn, hb *Heartbeat) error {
	idx := tx.Bucket([]byte(bucketIdxHeartbeatDue))
	if k := dueKey(hb); idx.exists() && k != nil {
		return idx.Delete(k)
	}
	return nil
}

// heartbeatByDigest resolves idx_heartbeat_key and confirms the digest in constant time.
func heartbeatByDigest(tx txn, digest []byte, hb *Heartbeat) error {
	idx := tx.Bucket([]byte(bucketIdxHeartbeatKey))
	if !idx.exists() || len(digest) == 0 {
		return notFoundf(entityHeartbeat, "heartbeat key")
	}
	ref := idx.Get(digest)
	orgID, id, ok := splitComposite(ref)
	if !ok {
		return notFoundf(entityHeartbeat, "heartbeat key")
	}
	if err := getHeartbeat(tx, orgID, id, hb); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(hb.KeyDigest, digest) != 1 {
		return notFoundf(entityHeartbeat, "heartbeat key")
	}
	return nil
}

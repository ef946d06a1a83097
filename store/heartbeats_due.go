package store

import (
	"bytes"
	"encoding/binary"
	"time"
)

// HeartbeatRef names a heartbeat that is due: its organization, ID, and the due index key
// it was found under (so MarkHeartbeatsMissed can drop an entry that no longer matches).
type HeartbeatRef struct {
	OrgID string
	ID    string
	Due   time.Time
	key   []byte
}

// DueHeartbeats returns up to limit heartbeats whose due time (deadline while healthy, end
// of grace while late) is before now, earliest first. It reads only the due index.
func (db *DB) DueHeartbeats(now time.Time, limit int) ([]HeartbeatRef, error) {
	var out []HeartbeatRef
	end := unixNanos(now)
	err := db.view(func(tx txn) error {
		idx := tx.Bucket([]byte(bucketIdxHeartbeatDue))
		if !idx.exists() {
			return nil
		}
		c := idx.Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) < 8 || binary.BigEndian.Uint64(k) >= end {
				break
			}
			orgID, id, _ := splitComposite(v)
			due := time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC()
			out = append(out, HeartbeatRef{OrgID: orgID, ID: id, Due: due, key: bytes.Clone(k)})
		}
		return nil
	})
	return out, err
}

// NextHeartbeatDue returns the earliest due time of any heartbeat; ok is false when none is
// due at all (every heartbeat down, paused, or none exists). The watcher sleeps until then.
func (db *DB) NextHeartbeatDue() (due time.Time, ok bool, err error) {
	err = db.view(func(tx txn) error {
		idx := tx.Bucket([]byte(bucketIdxHeartbeatDue))
		if !idx.exists() {
			return nil
		}
		if k, _ := idx.Cursor().First(); len(k) >= 8 {
			due, ok = time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC(), true
		}
		return nil
	})
	return due, ok, err
}

// missedStatus is the status a heartbeat should have at now by its deadline alone: late
// after NextExpectedAt, down after NextExpectedAt + grace. Down, paused and new-without-
// deadline heartbeats keep theirs; a heartbeat whose deadline has not passed keeps its own
// (a ping that raced the watcher wins).
func missedStatus(hb *Heartbeat, now time.Time) string {
	if hb.NextExpectedAt == nil || (hb.Status != HeartbeatHealthy && hb.Status != HeartbeatNew && hb.Status != HeartbeatLate) {
		return hb.Status
	}
	switch {
	case now.After(hb.NextExpectedAt.Add(hb.Grace())):
		return HeartbeatDown
	case now.After(*hb.NextExpectedAt):
		return HeartbeatLate
	}
	return hb.Status
}

// MarkHeartbeatsMissed re-checks each referenced heartbeat inside one write transaction and
// moves it to late or down when its deadline (or grace) has passed at now, running the
// heartbeat hooks with Reason "missed" for each change. A heartbeat pinged, paused, edited
// or deleted since DueHeartbeats read the index is left as it is now; an index entry that
// no longer matches its heartbeat is dropped. It returns the transitions made.
func (db *DB) MarkHeartbeatsMissed(now time.Time, refs []HeartbeatRef) ([]HeartbeatTransition, error) {
	var out []HeartbeatTransition
	err := db.update("", nil, func(tx txn) error {
		out = out[:0]
		idx := tx.Bucket([]byte(bucketIdxHeartbeatDue))
		if !idx.exists() {
			return nil
		}
		for _, ref := range refs {
			var hb Heartbeat
			if err := getHeartbeat(tx, ref.OrgID, ref.ID, &hb); err != nil {
				// Gone (or its organization is): the entry is stale.
				if err := idx.Delete(ref.key); err != nil {
					return err
				}
				continue
			}
			old := hb
			if status := missedStatus(&hb, now); status != hb.Status {
				hb.Status, hb.UpdatedAt = status, now.UTC()
				b, err := orgSub(tx, ref.OrgID, subHeartbeats)
				if err != nil {
					return err
				}
				if err := putHeartbeat(tx, b, &hb, &old); err != nil {
					return err
				}
				if err := db.heartbeatTransition(tx, &hb, old.Status, now.UTC(), "missed"); err != nil {
					return err
				}
				snap := hb
				out = append(out, HeartbeatTransition{OrgID: hb.OrgID, Heartbeat: &snap,
					PrevStatus: old.Status, Status: hb.Status, At: now.UTC(), Reason: "missed"})
			}
			if ref.key != nil && !bytes.Equal(ref.key, dueKey(&hb)) {
				if err := idx.Delete(ref.key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

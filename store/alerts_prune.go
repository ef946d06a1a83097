package store

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// AlertRetention is how long a resolved alert is kept: as long as the daily rollups, so an
// SLA report (MTTA, MTTR, incident count) can cover any window the uptime figures cover.
const AlertRetention = 2 * 365 * 24 * time.Hour

// PruneAlerts deletes the organization's resolved alerts that were resolved before
// `before`, in transactions of at most maxDeleteChunk keys, and returns how many it
// deleted. Open alerts are never deleted, however old. Alert IDs are UUIDv7, so the bucket
// is in firing order and the walk stops at the first alert fired at or after `before`
// (it cannot have been resolved earlier).
func (db *DB) PruneAlerts(orgID string, before time.Time) (int, error) {
	total := 0
	var from []byte
	for {
		n, next, err := db.pruneAlertChunk(orgID, before, from)
		total += n
		if err != nil || next == nil {
			return total, err
		}
		from = next
	}
}

// pruneAlertChunk deletes up to maxDeleteChunk prunable alerts from key `from` on and
// returns where the next chunk starts (nil: done). Keys are collected first and deleted
// after the walk (never a cursor delete inside the walk).
func (db *DB) pruneAlertChunk(orgID string, before time.Time, from []byte) (int, []byte, error) {
	var doomed [][]byte
	var next []byte
	err := db.update(orgID, nil, func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		b := ob.Bucket([]byte(subAlerts))
		if !b.exists() {
			return nil
		}
		c := b.Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
		}
		scanned := 0
		for ; k != nil; k, v = c.Next() {
			if id, err := uuid.ParseBytes(k); err == nil && id.Version() == 7 {
				sec, nsec := id.Time().UnixTime()
				if !time.Unix(sec, nsec).Before(before) {
					return nil // fired at or after the cutoff: nothing further can be prunable
				}
			}
			if scanned++; scanned > 10*maxDeleteChunk || len(doomed) == maxDeleteChunk {
				next = bytes.Clone(k)
				break
			}
			var a struct {
				Status     string     `json:"status"`
				ResolvedAt *time.Time `json:"resolved_at"`
			}
			if json.Unmarshal(v, &a) == nil && a.Status == AlertResolved && a.ResolvedAt != nil && a.ResolvedAt.Before(before) {
				doomed = append(doomed, bytes.Clone(k))
			}
		}
		for _, key := range doomed {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return len(doomed), next, nil
}

package store

import (
	"bytes"
	"errors"
	"time"
)

// Heartbeat buckets. The two global indexes are created on first write (a missing one reads
// as empty), so no schema migration is needed; both hold orgID + "/" + heartbeatID values
// and are listed in orgScopedIndexes, so deleting an organization clears them.
const (
	bucketIdxHeartbeatKey = "idx_heartbeat_key" // sha256(unique_key) → orgID/heartbeatID
	bucketIdxHeartbeatDue = "idx_heartbeat_due" // be64(due nanos) + heartbeatUUID(16) → orgID/heartbeatID
	subHeartbeats         = "heartbeats"        // heartbeatID → Heartbeat JSON
	subHeartbeatPings     = "heartbeat_pings"   // heartbeatUUID(16) + be64(nanos) + be64(seq) → Ping JSON
)

// Heartbeat statuses (SPEC §3.14). A heartbeat is late once its NextExpectedAt has passed
// without a ping, and down once NextExpectedAt + GracePeriodSeconds has passed too (the
// grace period is the alert threshold); an explicit /fail ping makes it down at once. A
// paused heartbeat is never late or down; the next ping after late/down makes it healthy.
const (
	HeartbeatNew     = "new"
	HeartbeatHealthy = "healthy"
	HeartbeatLate    = "late"
	HeartbeatDown    = "down"
	HeartbeatPaused  = "paused"
)

// Heartbeat is a passive monitor: an external job pings its unique key on a schedule.
// Schedule is stored in canonical form and is interpreted by package alerting (the store
// cannot evaluate cron expressions), which is why callers pass a DeadlineFunc.
type Heartbeat struct {
	ID                 string `json:"id"`
	OrgID              string `json:"org_id"`
	Name               string `json:"name"`
	Schedule           string `json:"schedule"`
	Timezone           string `json:"timezone"`
	GracePeriodSeconds int    `json:"grace_period_seconds"`
	UniqueKey          string `json:"unique_key"`
	// KeyDigest is sha256(UniqueKey), the idx_heartbeat_key key; the ping path compares it
	// in constant time after the index hit.
	KeyDigest []byte `json:"key_digest"`
	Status    string `json:"status"`
	// NextExpectedAt is the deadline: the schedule's next due time after the last ping (or
	// creation / resume). Nil while paused.
	NextExpectedAt *time.Time `json:"next_expected_at"`
	LastPingAt     *time.Time `json:"last_ping_at"`
	LastDurationMS *int64     `json:"last_duration_ms"`
	// StartedAt is a pending /start; the next ping or fail measures LastDurationMS from it.
	StartedAt *time.Time `json:"started_at"`
	// PingsKept counts the rows in heartbeat_pings, so trimming to MaxHeartbeatPings needs
	// no count scan.
	PingsKept int       `json:"pings_kept"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Grace returns the grace period as a duration.
func (hb *Heartbeat) Grace() time.Duration {
	return time.Duration(hb.GracePeriodSeconds) * time.Second
}

// DeadlineFunc returns the schedule's next due time strictly after after for hb (package
// alerting implements it from hb.Schedule and hb.Timezone).
type DeadlineFunc func(hb *Heartbeat, after time.Time) (time.Time, error)

// CreateHeartbeat stores hb and indexes its key digest. Empty ID, Status (healthy) and
// times are filled; hb.OrgID is set. ErrConflict when the digest is already indexed (the
// caller draws a new key), ErrNotFound when the organization does not exist.
func (db *DB) CreateHeartbeat(orgID string, hb *Heartbeat, change *Change) error {
	if len(hb.KeyDigest) == 0 {
		return errors.New("store: heartbeat key digest is empty")
	}
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subHeartbeats)
		if err != nil {
			return err
		}
		idx, err := tx.CreateBucketIfNotExists([]byte(bucketIdxHeartbeatKey))
		if err != nil {
			return err
		}
		if idx.Get(hb.KeyDigest) != nil {
			return conflictf(entityHeartbeat, "A heartbeat with that key already exists.")
		}
		if hb.ID == "" {
			hb.ID = NewID()
		}
		if _, ok := seriesPrefix(hb.ID); !ok {
			return errors.New("store: heartbeat ID must be a canonical UUID")
		}
		if b.Get([]byte(hb.ID)) != nil {
			return conflictf(entityHeartbeat, "A heartbeat with ID %s already exists.", hb.ID)
		}
		if hb.CreatedAt.IsZero() {
			hb.CreatedAt = db.stamp()
		}
		if hb.Status == "" {
			hb.Status = HeartbeatHealthy
		}
		hb.OrgID, hb.UpdatedAt, hb.PingsKept = orgID, hb.CreatedAt, 0
		if err := idx.Put(bytes.Clone(hb.KeyDigest), compositeKey(orgID, hb.ID)); err != nil {
			return err
		}
		return putHeartbeat(tx, b, hb, nil)
	})
}

// Heartbeat returns one heartbeat of the organization, or ErrNotFound (also for another
// organization's heartbeat).
func (db *DB) Heartbeat(orgID, id string) (*Heartbeat, error) {
	var hb Heartbeat
	err := db.view(func(tx txn) error {
		return getHeartbeat(tx, orgID, id, &hb)
	})
	if err != nil {
		return nil, err
	}
	return &hb, nil
}

// Heartbeats lists the organization's heartbeats, oldest first.
func (db *DB) Heartbeats(orgID string) ([]Heartbeat, error) {
	var out []Heartbeat
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subHeartbeats)
		if err != nil {
			return err
		}
		out, err = listJSON[Heartbeat](b)
		return err
	})
	return out, err
}

// HeartbeatByKey finds a heartbeat by sha256(unique_key) (the public ping path). The index
// hit is confirmed by a constant-time compare with the stored digest.
func (db *DB) HeartbeatByKey(digest []byte) (*Heartbeat, error) {
	var hb Heartbeat
	err := db.view(func(tx txn) error {
		return heartbeatByDigest(tx, digest, &hb)
	})
	if err != nil {
		return nil, err
	}
	return &hb, nil
}

// UpdateHeartbeat loads the heartbeat, lets fn change it and stores it. fn runs inside the
// write transaction; its error aborts the update. ID, OrgID, the key, CreatedAt and the
// ping bookkeeping cannot change. When the status changes (pause, resume, an edit that
// clears late) the heartbeat hooks run in the same transaction with Reason "pause",
// "resume" or "update".
func (db *DB) UpdateHeartbeat(orgID, id string, fn func(*Heartbeat) error, change *Change) (*Heartbeat, error) {
	var hb Heartbeat
	err := db.update(orgID, change, func(tx txn) error {
		if err := getHeartbeat(tx, orgID, id, &hb); err != nil {
			return err
		}
		old := hb
		if err := fn(&hb); err != nil {
			return err
		}
		hb.ID, hb.OrgID, hb.UniqueKey, hb.KeyDigest = old.ID, old.OrgID, old.UniqueKey, old.KeyDigest
		hb.CreatedAt, hb.PingsKept, hb.UpdatedAt = old.CreatedAt, old.PingsKept, db.stamp()
		b, err := orgSub(tx, orgID, subHeartbeats)
		if err != nil {
			return err
		}
		if err := putHeartbeat(tx, b, &hb, &old); err != nil {
			return err
		}
		if hb.Status == old.Status {
			return nil
		}
		reason := "update"
		switch {
		case hb.Status == HeartbeatPaused:
			reason = "pause"
		case old.Status == HeartbeatPaused:
			reason = "resume"
		}
		return db.heartbeatTransition(tx, &hb, old.Status, hb.UpdatedAt, reason)
	})
	if err != nil {
		return nil, err
	}
	return &hb, nil
}

// DeleteHeartbeat removes a heartbeat, its key and due index entries and its pings (at most
// MaxHeartbeatPings plus a batch's overshoot, well under maxDeleteChunk) in one transaction.
func (db *DB) DeleteHeartbeat(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var hb Heartbeat
		if err := getHeartbeat(tx, orgID, id, &hb); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subHeartbeats)
		if err != nil {
			return err
		}
		if err := unindexDue(tx, &hb); err != nil {
			return err
		}
		if idx := tx.Bucket([]byte(bucketIdxHeartbeatKey)); idx.exists() {
			if string(idx.Get(hb.KeyDigest)) == orgID+keySeparator+id {
				if err := idx.Delete(hb.KeyDigest); err != nil {
					return err
				}
			}
		}
		if err := deletePings(tx, &hb, maxDeleteChunk); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// getHeartbeat reads one heartbeat of the organization into hb.
func getHeartbeat(tx txn, orgID, id string, hb *Heartbeat) error {
	b, err := orgSub(tx, orgID, subHeartbeats)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), hb, entityHeartbeat)
}

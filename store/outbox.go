package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// OutboxEntry is one notification waiting to be delivered to one destination (SPEC §3.11
// "Delivery", §3.15). It is written in the same transaction that changes the alert and
// removed only after a successful send, so a restart loses nothing.
type OutboxEntry struct {
	ID       string `json:"id"` // UUID; empty is filled with a UUIDv7 on enqueue
	OrgID    string `json:"org_id"`
	Kind     string `json:"kind"`      // OutboxKindChannel, OutboxKindWebhook, OutboxKindEmail or OutboxKindSubscriber
	TargetID string `json:"target_id"` // channel or webhook id, an e-mail address, or SubscriberTarget
	Event    string `json:"event"`     // "alert.fired", "monitor.down", ...
	// AlertID is the alert the notification is about, if any: its delivery logs carry it,
	// so an alert's page can show whom it reached (its timeline).
	AlertID string `json:"alert_id,omitempty"`
	// Notification is the encoded notify.Notification; the store does not look inside.
	// Its ID should be the entry's ID: receivers use it to drop duplicates.
	Notification  json.RawMessage `json:"notification"`
	Attempts      int             `json:"attempts"`        // attempts made and failed (or lost in a crash)
	NextAttemptAt time.Time       `json:"next_attempt_at"` // the entry's due time (its key)
	// LeaseUntil is set while a sender holds the entry (ClaimOutbox): an attempt may be in
	// flight, and the entry is due again only when the lease runs out.
	LeaseUntil time.Time `json:"lease_until,omitzero"`
	// LeaseTerm is the Raft term of the cluster leader that holds the lease (0: a single
	// node). A leader of a later term may take the entry at once (ReleaseOutboxLeases):
	// the leader that claimed it was deposed and, fenced, sends it no more.
	LeaseTerm  uint64    `json:"lease_term,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	LastError  string    `json:"last_error,omitempty"`
	LastStatus int       `json:"last_status,omitempty"`
}

// Kinds of outbox destinations.
const (
	OutboxKindChannel = "channel" // a notification channel (SPEC §3.11)
	OutboxKindWebhook = "webhook" // an outbound event subscription (SPEC §3.15)
	OutboxKindEmail   = "email"   // an e-mail address (escalation to a user)
	// OutboxKindSubscriber is a status-page subscriber (SPEC §3.16), e-mail or webhook as
	// the subscriber is, looked up at send time; its target is SubscriberTarget.
	OutboxKindSubscriber = "subscriber"
)

// SubscriberTarget is the outbox target of subscriber subscriberID of page pageID.
func SubscriberTarget(pageID, subscriberID string) string { return pageID + "/" + subscriberID }

const (
	outboxKeyLen      = 24 // be64(due nanos) + 16-byte UUID
	defaultDueLimit   = 100
	maxOutboxErrorLen = 1000 // bytes of LastError / DeliveryLog.Error kept
)

// outboxKey is an entry's key in the outbox bucket: due time first, so the sender scans
// only the due prefix, then the entry's UUID, so keys are unique.
func outboxKey(due time.Time, id uuid.UUID) []byte {
	return append(be64(unixNanos(due)), id[:]...)
}

// outboxDue returns the due time (unix nanos) of an outbox key.
func outboxDue(k []byte) uint64 {
	return binary.BigEndian.Uint64(k[:8])
}

// Enqueue adds entries to the organization's outbox in one transaction (API-triggered
// sends; alerting enqueues inside the recorder's transaction with enqueueOutbox). Empty
// IDs, CreatedAt and NextAttemptAt are filled (due now); an entry naming another
// organization is refused.
func (db *DB) Enqueue(orgID string, entries ...*OutboxEntry) error {
	return db.update(orgID, nil, func(tx txn) error {
		for _, e := range entries {
			if e.OrgID == "" {
				e.OrgID = orgID
			} else if e.OrgID != orgID {
				return fmt.Errorf("store: outbox entry of organization %q enqueued under %q", e.OrgID, orgID)
			}
			if err := db.enqueueOutbox(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// enqueueOutbox writes e into e.OrgID's outbox inside the caller's write transaction, so
// an alert change and its notifications commit together. It validates and fills e like
// Enqueue and answers ErrConflict for an ID already queued or dead-lettered.
func (db *DB) enqueueOutbox(tx txn, e *OutboxEntry) error {
	switch {
	case e.Kind != OutboxKindChannel && e.Kind != OutboxKindWebhook && e.Kind != OutboxKindEmail && e.Kind != OutboxKindSubscriber && e.Kind != OutboxKindContact:
		return fmt.Errorf("store: outbox entry kind %q is not channel, webhook, email, subscriber or contact", e.Kind)
	case !validOutboxTarget(e.TargetID):
		return fmt.Errorf("store: outbox entry target %q is empty or contains NUL", e.TargetID)
	case !json.Valid(e.Notification):
		return fmt.Errorf("store: outbox entry notification is not valid JSON")
	}
	if e.ID == "" {
		e.ID = NewID()
	} else if _, err := uuid.Parse(e.ID); err != nil {
		return fmt.Errorf("store: outbox entry id %q is not a UUID", e.ID)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = db.stamp()
	}
	if e.NextAttemptAt.IsZero() {
		e.NextAttemptAt = e.CreatedAt
	}
	e.CreatedAt, e.NextAttemptAt = e.CreatedAt.UTC(), e.NextAttemptAt.UTC()
	ob, err := openOutbox(tx, e.OrgID)
	if err != nil {
		return err
	}
	dead, err := orgSub(tx, e.OrgID, subDeadLetters)
	if err != nil {
		return err
	}
	if ob.index.Get([]byte(e.ID)) != nil || dead.Get([]byte(e.ID)) != nil {
		return conflictf(entityOutboxEntry, "Outbox entry %s is already queued or dead-lettered.", e.ID)
	}
	return ob.put(e)
}

// DueOutbox returns up to limit (default 100) entries of every organization that may be
// sent at now. Per destination (organization + kind + target) that is the run of due
// entries from its oldest pending one in creation order, ending before the first entry
// that is not due: an entry never goes while an older one for its destination is still
// queued, leased or waiting for a retry (dead letters no longer count). Runs come back
// ordered heads first (longest due first, up to limit), then the entries behind them
// while the limit allows, destination after destination in the heads' order: every
// destination with something due gets its turn before any backlog, so neither a busy
// organization nor a busy destination starves the others. Cost: one seek per
// destination, not per queued entry, however long a blocked backlog is.
func (db *DB) DueOutbox(now time.Time, limit int) ([]OutboxEntry, error) {
	out, unindexed, err := db.dueOutbox(now, limit)
	if err == nil && len(unindexed) > 0 {
		if err = db.indexLegacyOutboxes(unindexed); err == nil {
			out, _, err = db.dueOutbox(now, limit)
		}
	}
	return out, err
}

// dueOutbox is DueOutbox for outboxes with a destination index; it also returns the
// organizations whose queue has entries but no index yet.
func (db *DB) dueOutbox(now time.Time, limit int) (out []OutboxEntry, unindexed []string, err error) {
	if limit <= 0 {
		limit = defaultDueLimit
	}
	bound := unixNanos(now)
	out = make([]OutboxEntry, 0)
	err = db.view(func(tx txn) error {
		var heads []dueRef
		orgs := tx.Bucket([]byte(bucketOrgs))
		err := orgs.ForEachBucket(func(id []byte) error {
			ob := orgs.Bucket(id)
			q := ob.Bucket([]byte(subOutbox))
			if !q.exists() || ob.Get([]byte(orgInfoKey)) == nil {
				return nil // no outbox yet, or the organization is being deleted
			}
			dest := ob.Bucket([]byte(subOutboxDest))
			if !dest.exists() {
				if k, _ := q.Cursor().First(); k != nil {
					unindexed = append(unindexed, string(id))
				}
				return nil
			}
			heads = dueHeads(heads, q, dest, bound)
			return nil
		})
		if err != nil {
			return err
		}
		slices.SortFunc(heads, func(a, b dueRef) int { return bytes.Compare(a.key, b.key) })
		refs := slices.Clone(heads[:min(limit, len(heads))]) // runs append to refs, not heads
		for _, h := range heads[:len(refs)] {
			if len(refs) >= limit {
				break
			}
			refs = runAfter(refs, h, bound, limit-len(refs))
		}
		for _, r := range refs {
			var e OutboxEntry
			if err := getJSON(r.queue, r.key, &e, entityOutboxEntry); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, unindexed, err
}

// OutboxDepth returns how many entries wait in the outboxes of all organizations
// (in flight and scheduled for a retry included; dead letters excluded).
func (db *DB) OutboxDepth() (int, error) {
	total := 0
	err := db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		return orgs.ForEachBucket(func(id []byte) error {
			ob := orgs.Bucket(id)
			if q := ob.Bucket([]byte(subOutbox)); q.exists() && ob.Get([]byte(orgInfoKey)) != nil {
				total += q.Stats().KeyN
			}
			return nil
		})
	})
	return total, err
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// errLostAttempt is the LastError of an entry whose lease ran out without an outcome.
const errLostAttempt = "outcome unknown: the sender stopped during the attempt (lease expired)"

// outboxBuckets are an organization's outbox, its id index and its destination index
// (outbox_dest.go) within one transaction.
type outboxBuckets struct{ queue, index, dest bucket }

// openOutbox returns orgID's outbox buckets, created in a write transaction; in a read
// transaction a missing one stays missing. A destination index created here is filled from the
// entries already queued (an outbox from before the index existed).
func openOutbox(tx txn, orgID string) (outboxBuckets, error) {
	q, err := orgSub(tx, orgID, subOutbox)
	if err != nil {
		return outboxBuckets{}, err
	}
	idx, err := orgSub(tx, orgID, subOutboxIndex)
	if err != nil {
		return outboxBuckets{}, err
	}
	ob := outboxBuckets{queue: q, index: idx}
	org, err := orgBucket(tx, orgID)
	if err != nil {
		return outboxBuckets{}, err
	}
	if ob.dest = org.Bucket([]byte(subOutboxDest)); ob.dest.exists() || !tx.Writable() {
		return ob, nil
	}
	if ob.dest, err = org.CreateBucket([]byte(subOutboxDest)); err != nil {
		return outboxBuckets{}, err
	}
	return ob, fillOutboxDest(q, ob.dest)
}

// load returns the key and the decoded entry id; ErrNotFound when it is not queued.
func (ob outboxBuckets) load(id string) ([]byte, *OutboxEntry, error) {
	var key []byte
	if ob.index.exists() {
		key = bytes.Clone(ob.index.Get([]byte(id)))
	}
	if len(key) != outboxKeyLen {
		return nil, nil, notFoundf(entityOutboxEntry, "outbox entry %q", id)
	}
	e := new(OutboxEntry)
	if err := getJSON(ob.queue, key, e, entityOutboxEntry); errors.Is(err, ErrNotFound) {
		return nil, nil, fmt.Errorf("store: outbox index of %s points at a missing entry: %w", id, err)
	} else if err != nil {
		return nil, nil, err
	}
	return key, e, nil
}

// put stores e under its due time (NextAttemptAt) and indexes it by id and by
// destination (whose value follows the due key as it moves).
func (ob outboxBuckets) put(e *OutboxEntry) error {
	id, err := uuid.Parse(e.ID)
	if err != nil {
		return fmt.Errorf("store: outbox entry id %q is not a UUID", e.ID)
	}
	dk, err := outboxDestKey(e)
	if err != nil {
		return err
	}
	key := outboxKey(e.NextAttemptAt, id)
	if err := putJSON(ob.queue, key, e); err != nil {
		return err
	}
	if err := ob.dest.Put(dk, key); err != nil {
		return err
	}
	return ob.index.Put([]byte(e.ID), key)
}

// remove deletes e (found at key) from the outbox and both its indexes.
func (ob outboxBuckets) remove(key []byte, e *OutboxEntry) error {
	dk, err := outboxDestKey(e)
	if err != nil {
		return err
	}
	if err := ob.queue.Delete(key); err != nil {
		return err
	}
	if err := ob.dest.Delete(dk); err != nil {
		return err
	}
	return ob.index.Delete([]byte(e.ID))
}

// takeOutbox removes entry id from orgID's outbox and hands it to fn in the same write
// transaction; fn decides where it goes (back in, dead letters, nowhere). An error from
// fn rolls everything back.
func (db *DB) takeOutbox(orgID, id string, fn func(tx txn, ob outboxBuckets, key []byte, e *OutboxEntry) error) error {
	return db.update(orgID, nil, func(tx txn) error {
		ob, err := openOutbox(tx, orgID)
		if err != nil {
			return err
		}
		key, e, err := ob.load(id)
		if err != nil {
			return err
		}
		if err := ob.remove(key, e); err != nil {
			return err
		}
		return fn(tx, ob, key, e)
	})
}

// ClaimOutbox leases a due entry to the caller before it sends: the entry moves to the
// due time until (and LeaseUntil records it), so if the process dies during the send the
// entry is tried again once the lease runs out, never lost. An entry found with an
// expired lease had an attempt of unknown outcome: it is counted (Attempts+1) and logged
// as a retry. ErrConflict means the entry is not due at now (another sender holds it or
// it was rescheduled) or that an older entry for the same destination is still pending
// (queued, leased or rescheduled: per-destination order, outbox_dest.go); ErrNotFound
// that it is gone.
func (db *DB) ClaimOutbox(orgID, id string, now, until time.Time) (*OutboxEntry, error) {
	return db.ClaimOutboxInTerm(orgID, id, now, until, 0)
}

// ClaimOutboxInTerm is ClaimOutbox for a cluster's leader: the lease records term, the
// Raft term the leader claims in, so the leader of a later term can take the entry back
// at once (ReleaseOutboxLeases) instead of waiting for the lease to run out.
func (db *DB) ClaimOutboxInTerm(orgID, id string, now, until time.Time, term uint64) (*OutboxEntry, error) {
	var claimed *OutboxEntry
	err := db.takeOutbox(orgID, id, func(tx txn, ob outboxBuckets, key []byte, e *OutboxEntry) error {
		if outboxDue(key) > unixNanos(now) {
			return conflictf(entityOutboxEntry, "Outbox entry %s is not due (leased or rescheduled).", id)
		}
		// Checked here, not only by DueOutbox, so the order holds whatever list the
		// caller claims from (a stale pass, a replayed older dead letter).
		if older, err := ob.olderPending(e); err != nil {
			return err
		} else if older {
			return conflictf(entityOutboxEntry, "Outbox entry %s waits for an older entry to %s %s.", id, e.Kind, e.TargetID)
		}
		if !e.LeaseUntil.IsZero() {
			e.Attempts++
			e.LastError, e.LastStatus = errLostAttempt, 0
			lost := DeliveryLog{Attempt: e.Attempts, At: now, Error: errLostAttempt, Outcome: DeliveryRetry}
			if err := db.appendDelivery(tx, e, lost); err != nil {
				return err
			}
		}
		e.NextAttemptAt, e.LeaseUntil, e.LeaseTerm = until.UTC(), until.UTC(), term
		claimed = e
		return ob.put(e)
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// CompleteOutbox records a successful delivery: the entry and its index go, and log is
// appended to the delivery log with Outcome "delivered", in one transaction.
func (db *DB) CompleteOutbox(orgID, id string, log DeliveryLog) error {
	return db.takeOutbox(orgID, id, func(tx txn, _ outboxBuckets, _ []byte, e *OutboxEntry) error {
		log.Outcome = DeliveryDelivered
		if log.Attempt == 0 {
			log.Attempt = e.Attempts + 1
		}
		return db.appendDelivery(tx, e, log)
	})
}

// RescheduleOutbox records a failed attempt to be retried: Attempts+1, LastError and
// LastStatus set, the lease cleared, the entry moved to due time next, and log appended
// with Outcome "retry", in one transaction.
func (db *DB) RescheduleOutbox(orgID, id string, next time.Time, log DeliveryLog, lastErr string, status int) error {
	return db.takeOutbox(orgID, id, func(tx txn, ob outboxBuckets, _ []byte, e *OutboxEntry) error {
		e.Attempts++
		e.NextAttemptAt, e.LeaseUntil, e.LeaseTerm = next.UTC(), time.Time{}, 0
		e.LastError, e.LastStatus = clampText(lastErr, maxOutboxErrorLen), status
		log.Outcome = DeliveryRetry
		if log.Attempt == 0 {
			log.Attempt = e.Attempts
		}
		if err := db.appendDelivery(tx, e, log); err != nil {
			return err
		}
		return ob.put(e)
	})
}

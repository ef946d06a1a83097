package store

import (
	"fmt"
	"time"
)

// DeadLetter gives up on an entry after a failed attempt: Attempts+1, LastError set,
// LastStatus taken from log.StatusCode, the entry moved from the outbox to dead_letters
// (where DeadLetters shows it and ReplayDeadLetter brings it back) and log appended, in
// one transaction. log.Outcome is DeliveryPermanent (the destination refused it) or
// DeliveryDead (attempts exhausted, the default when empty).
func (db *DB) DeadLetter(orgID, id string, log DeliveryLog, lastErr string) error {
	switch log.Outcome {
	case "":
		log.Outcome = DeliveryDead
	case DeliveryDead, DeliveryPermanent:
	default:
		return fmt.Errorf("store: dead-letter outcome %q is not dead or permanent", log.Outcome)
	}
	return db.takeOutbox(orgID, id, func(tx txn, _ outboxBuckets, _ []byte, e *OutboxEntry) error {
		e.Attempts++
		e.LeaseUntil, e.LeaseTerm = time.Time{}, 0
		e.LastError, e.LastStatus = clampText(lastErr, maxOutboxErrorLen), log.StatusCode
		if log.Attempt == 0 {
			log.Attempt = e.Attempts
		}
		dead, err := orgSub(tx, orgID, subDeadLetters)
		if err != nil {
			return err
		}
		if err := putJSON(dead, []byte(e.ID), e); err != nil {
			return err
		}
		return db.appendDelivery(tx, e, log)
	})
}

// DeadLetters returns the organization's dead-lettered entries, oldest first (UUIDv7 IDs
// sort by creation time).
func (db *DB) DeadLetters(orgID string) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subDeadLetters)
		if err != nil {
			return err
		}
		out, err = listJSON[OutboxEntry](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReplayDeadLetter moves a dead-lettered entry back into the outbox, due at now, with
// Attempts reset to 0 (POST /deliveries/{id}/retry). LastError and LastStatus are kept
// until the next attempt replaces them. The Notification, and so its idempotency key, is
// unchanged. ErrNotFound when the organization has no such dead letter.
func (db *DB) ReplayDeadLetter(orgID, id string, now time.Time, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		dead, err := orgSub(tx, orgID, subDeadLetters)
		if err != nil {
			return err
		}
		var e OutboxEntry
		if err := getJSON(dead, []byte(id), &e, entityDeadLetter); err != nil {
			return err
		}
		if err := dead.Delete([]byte(id)); err != nil {
			return err
		}
		e.Attempts, e.NextAttemptAt, e.LeaseUntil, e.LeaseTerm = 0, now.UTC(), time.Time{}, 0
		ob, err := openOutbox(tx, orgID)
		if err != nil {
			return err
		}
		return ob.put(&e)
	})
}

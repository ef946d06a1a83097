package store

import (
	"errors"
	"time"
)

// ReleaseOutboxLeases makes due at now every outbox entry leased by the leader of a Raft
// term below term, and returns how many it released. A new cluster leader calls it once
// in its term (SPEC §9): the entries a killed or deposed leader had claimed go again at
// once — within seconds of the failover, not after their lease — with the same ID, the
// receivers' idempotency key. The old leader sends them no more: it checks, with a quorum,
// that it still leads the term it claimed in right before each send (notify.Fence), which
// stops being true once this term began. Each release keeps LeaseUntil, so the claim that
// follows counts the attempt whose outcome is unknown, as it does after a lease ran out.
// A lease of term 0 (taken by a single node, before the cluster) is released too.
func (db *DB) ReleaseOutboxLeases(term uint64, now time.Time) (int, error) {
	type leased struct{ orgID, id string }
	var found []leased
	err := db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		return orgs.ForEachBucket(func(org []byte) error {
			ob := orgs.Bucket(org)
			q := ob.Bucket([]byte(subOutbox))
			if !q.exists() || ob.Get([]byte(orgInfoKey)) == nil {
				return nil // no outbox, or the organization is being deleted
			}
			// A leased entry waits under its lease's end, after now.
			c := q.Cursor()
			for k, v := c.Seek(be64(unixNanos(now))); k != nil; k, v = c.Next() {
				var e OutboxEntry
				if err := decodeJSON(k, v, &e); err != nil {
					return err
				}
				if leasedBefore(&e, term) {
					found = append(found, leased{string(org), e.ID})
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	released := 0
	for _, l := range found {
		err := db.takeOutbox(l.orgID, l.id, func(_ txn, ob outboxBuckets, _ []byte, e *OutboxEntry) error {
			if !leasedBefore(e, term) {
				return errNoChange // completed, rescheduled or claimed again meanwhile
			}
			e.NextAttemptAt = now.UTC()
			return ob.put(e)
		})
		switch {
		case err == nil:
			released++
		case errors.Is(err, errNoChange), errors.Is(err, ErrNotFound):
		default:
			return released, err
		}
	}
	return released, nil
}

// leasedBefore reports whether e is leased by the leader of a term below term.
func leasedBefore(e *OutboxEntry, term uint64) bool {
	return !e.LeaseUntil.IsZero() && e.LeaseTerm < term
}

package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// subOutboxDest is orgs/<org>/outbox_dest, the per-destination order of the outbox:
// kind + "/" + target + "\x00" + be64(created nanos) + entryUUID(16) → outbox key (24 bytes).
// The outbox itself is ordered by due time, which a failed attempt moves into the future;
// this index keeps creation order, so for every destination the first key is the oldest
// pending entry (its head). Only the head may be claimed (ClaimOutbox): an
// alert.resolved must not reach PagerDuty before the alert.fired that is still waiting
// for a retry. Declared here rather than in keys.go because only the outbox files use it.
const subOutboxDest = "outbox_dest"

// outboxDestSuffixLen is the creation time and entry UUID after a destination prefix.
const outboxDestSuffixLen = 8 + 16

// outboxDestPrefix is the key prefix of destination kind/target. The NUL ends it, and
// targets may not contain NUL (enqueueOutbox), so no destination's prefix is a prefix of
// another's.
func outboxDestPrefix(kind, target string) []byte {
	return []byte(kind + "/" + target + "\x00")
}

// outboxDestKey is e's key in the destination index: its destination, then creation
// time, then ID, so equal timestamps (entries of one transaction) still sort by UUIDv7.
func outboxDestKey(e *OutboxEntry) ([]byte, error) {
	id, err := uuid.Parse(e.ID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox entry id %q is not a UUID", e.ID)
	}
	k := append(outboxDestPrefix(e.Kind, e.TargetID), be64(unixNanos(e.CreatedAt))...)
	return append(k, id[:]...), nil
}

// validOutboxTarget reports whether target can be a destination index prefix.
func validOutboxTarget(target string) bool {
	return target != "" && !strings.ContainsRune(target, 0)
}

// olderPending reports whether an entry created before e for e's destination is still in
// the outbox (queued, leased or waiting for a retry). Dead letters have left it, so they
// no longer hold their destination back.
func (ob outboxBuckets) olderPending(e *OutboxEntry) (bool, error) {
	key, err := outboxDestKey(e)
	if err != nil {
		return false, err
	}
	prefix := outboxDestPrefix(e.Kind, e.TargetID)
	k, _ := ob.dest.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, key) < 0, nil
}

// dueRef is a due entry found through the destination index: its outbox and key, and
// its destination index and key there (all valid for the transaction).
type dueRef struct {
	queue, dest  bucket
	key, destKey []byte
}

// dueHeads appends the head (oldest pending entry) of every destination of one
// organization whose head is due at bound. A head that is not due (leased or waiting for
// a retry) holds its whole destination back. Cost: one seek per destination, however
// long a blocked backlog behind a head is.
func dueHeads(refs []dueRef, queue, dest bucket, bound uint64) []dueRef {
	c := dest.Cursor()
	for k, v := c.First(); k != nil; {
		if len(k) <= outboxDestSuffixLen {
			k, v = c.Next() // not a destination key; skip it rather than stall
			continue
		}
		if len(v) == outboxKeyLen && outboxDue(v) <= bound {
			refs = append(refs, dueRef{queue: queue, dest: dest, key: v, destKey: k})
		}
		// Skip the rest of this destination: its prefix ends in NUL, so the same bytes
		// ending in 0x01 sort after all of its keys.
		next := bytes.Clone(k[:len(k)-outboxDestSuffixLen])
		next[len(next)-1] = 1
		k, v = c.Seek(next)
	}
	return refs
}

// runAfter appends up to budget entries that follow head in its destination, in
// creation order, while each is due at bound: the first one that is not due ends the
// run, since everything after it must wait for it.
func runAfter(refs []dueRef, head dueRef, bound uint64, budget int) []dueRef {
	prefix := head.destKey[:len(head.destKey)-outboxDestSuffixLen]
	c := head.dest.Cursor()
	c.Seek(head.destKey)
	for k, v := c.Next(); k != nil && budget > 0 && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) != outboxKeyLen || outboxDue(v) > bound {
			break
		}
		refs = append(refs, dueRef{queue: head.queue, dest: head.dest, key: v, destKey: k})
		budget--
	}
	return refs
}

// fillOutboxDest indexes every entry of queue into the (new, empty) dest bucket. It
// brings an outbox written before the destination index existed up to date; it runs once
// per organization, when openOutbox first creates the bucket in a write transaction.
func fillOutboxDest(queue, dest bucket) error {
	return queue.ForEach(func(k, v []byte) error {
		var e OutboxEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("store: outbox entry at %x: %w", k, err)
		}
		dk, err := outboxDestKey(&e)
		if err != nil {
			return err
		}
		return dest.Put(dk, bytes.Clone(k))
	})
}

// indexLegacyOutboxes runs openOutbox (which fills a missing destination index) for the
// organizations DueOutbox found with entries but no index.
func (db *DB) indexLegacyOutboxes(orgIDs []string) error {
	return db.update("", nil, func(tx txn) error {
		for _, id := range orgIDs {
			if _, err := openOutbox(tx, id); err != nil && !errors.Is(err, ErrNotFound) {
				return err // (an organization deleted meanwhile has nothing left to send)
			}
		}
		return nil
	})
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
)

// ErrWriteSetMismatch is the error of ApplyWriteSet given a set that does not fit the
// database: a mutation in a bucket that does not exist, a bucket created that exists, a
// mutation bbolt refuses. Nothing of the set is applied. Between nodes that applied the
// same sets in the same order it means they diverged.
var ErrWriteSetMismatch = errors.New("store: the write set does not fit the database")

// ApplyWriteSet replays ws in one write transaction: its mutations in order and nothing
// else — no logic runs again, no Change is recorded, Options.Capture does not see it (it
// saw the set where it was recorded). It goes through the write path's lower half (write,
// change.go), so a full disk is ErrDiskFull as for any write. A mutation that does not fit
// (ErrWriteSetMismatch) rolls back the whole set: it applies completely or not at all.
//
// The cluster's state machine (SPEC §9) applies every committed Raft entry through here,
// on every node, the leader included; that step also writes the entry's Raft index to
// meta inside this same transaction, so a restarted node knows exactly which entry it
// applied last.
func (db *DB) ApplyWriteSet(ws *WriteSet) error {
	return db.write(nil, func(tx txn) error { return db.replayWriteSet(tx, ws) })
}

// replayWriteSet replays ws's mutations in order inside tx.
func (db *DB) replayWriteSet(tx txn, ws *WriteSet) error {
	r := replay{ws: ws, tx: tx, open: make([]bucket, len(ws.paths)+1)}
	for i, op := range ws.ops {
		if err := r.apply(op); err != nil {
			return fmt.Errorf("%w: mutation %d of %d (%s in %s): %w", ErrWriteSetMismatch,
				i+1, len(ws.ops), op.kind, ws.pathString(op.path), err)
		}
		// Rules are cached across transactions (alert_tx_rules.go); a rule writer
		// drops its organization's, so a replay of its writes must too.
		if orgID, ok := ws.rulesChanged(op); ok {
			db.invalidateRules(orgID)
		}
	}
	return nil
}

// replay is one ApplyWriteSet: the buckets its paths resolved to so far.
type replay struct {
	ws   *WriteSet
	tx   txn
	open []bucket // by path; a bucket not yet looked up does not exist
}

// errNoBucket is a mutation in a bucket that does not exist.
var errNoBucket = errors.New("bucket does not exist")

// apply replays one mutation.
func (r *replay) apply(op setOp) error {
	key := r.ws.bytes(op.key)
	if op.path == rootPath {
		switch op.kind {
		case MutationCreateBucket:
			_, err := r.tx.CreateBucket(key)
			return err
		case MutationDeleteBucket:
			clear(r.open) // the deleted bucket's handles, and its children's, are dead
			return r.tx.DeleteBucket(key)
		}
		return errors.New("the root holds only buckets")
	}
	b, err := r.bucket(op.path)
	if err != nil {
		return err
	}
	switch op.kind {
	case MutationPut:
		return b.Put(key, r.ws.bytes(op.value))
	case MutationDelete:
		return b.Delete(key)
	case MutationCreateBucket:
		_, err := b.CreateBucket(key)
		return err
	case MutationDeleteBucket:
		clear(r.open)
		return b.DeleteBucket(key)
	case MutationSetSequence:
		return b.SetSequence(op.num)
	case MutationFillPercent:
		b.SetFillPercent(math.Float64frombits(op.num))
		return nil
	}
	return fmt.Errorf("unknown %s", op.kind)
}

// bucket returns the bucket at path id (not the root), looking it and its parents up once.
func (r *replay) bucket(id uint32) (bucket, error) {
	if b := r.open[id]; b.exists() {
		return b, nil
	}
	p := r.ws.paths[id-1]
	var b bucket
	if p.parent == rootPath {
		b = r.tx.Bucket(r.ws.bytes(p.name))
	} else {
		parent, err := r.bucket(p.parent)
		if err != nil {
			return bucket{}, err
		}
		b = parent.Bucket(r.ws.bytes(p.name))
	}
	if !b.exists() {
		return bucket{}, fmt.Errorf("%w: %s", errNoBucket, r.ws.pathString(id))
	}
	r.open[id] = b
	return b, nil
}

// rulesChanged reports the organization whose alert rules op changes: a mutation in
// orgs/<orgID>/alert_rules, that bucket created or deleted, or the organization's bucket
// created or deleted.
func (ws *WriteSet) rulesChanged(op setOp) (string, bool) {
	name := func(id uint32) []byte { return ws.bytes(ws.paths[id-1].name) }
	parent := func(id uint32) uint32 { return ws.paths[id-1].parent }
	isOrgs := func(id uint32) bool {
		return id != rootPath && parent(id) == rootPath && string(name(id)) == bucketOrgs
	}
	bucketOp := op.kind == MutationCreateBucket || op.kind == MutationDeleteBucket
	switch p := op.path; {
	case p == rootPath:
		return "", false
	case bucketOp && isOrgs(p): // orgs/<orgID> itself
		return string(ws.bytes(op.key)), true
	case bucketOp && isOrgs(parent(p)) && bytes.Equal(ws.bytes(op.key), []byte(subAlertRules)):
		return string(name(p)), true
	case string(name(p)) == subAlertRules && parent(p) != rootPath && isOrgs(parent(parent(p))):
		return string(name(parent(p))), true
	}
	return "", false
}

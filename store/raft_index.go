package store

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// metaRaftIndex is the meta key of the Raft index of the last cluster entry this file
// applied (SPEC §9): be64, absent on a single node and on a clustered node that applied
// no entry yet.
const metaRaftIndex = "raft_index"

// ApplyEntry applies the write set ws of the cluster's Raft entry at index, in one write
// transaction that also stores index in meta, so a restarted node knows exactly which
// entry it applied last. An entry at or below the index already applied is skipped: the
// Raft log is replayed from a snapshot's index on every start, and this file may already
// hold those entries. The cluster's state machine is the only caller and applies entries
// one at a time, in log order.
//
// A set that does not fit the file (ErrWriteSetMismatch: this copy has diverged from the
// leader's) is not applied, but its index is still stored, so a replay never meets it
// again; the caller must report the divergence. Any other error (ErrDiskFull, a damaged
// file) leaves nothing applied and the index where it was: the entry must be applied
// again.
func (db *DB) ApplyEntry(index uint64, ws *WriteSet) error {
	if index <= db.appliedIndex.Load() {
		return nil
	}
	if err := db.checkEntrySchema(index, ws); err != nil {
		return err // not applied, ever, by this binary (schema_gate.go)
	}
	db.applyingIndex.Store(index)
	err := db.write(nil, func(tx txn) error {
		if err := db.replayWriteSet(tx, ws); err != nil {
			return err
		}
		return putRaftIndex(tx, index)
	})
	if errors.Is(err, ErrWriteSetMismatch) {
		if ierr := db.write(nil, func(tx txn) error { return putRaftIndex(tx, index) }); ierr != nil {
			return errors.Join(err, ierr)
		}
		db.setApplied(index)
		return err
	}
	if err != nil {
		return err
	}
	db.setApplied(index)
	return nil
}

// AppliedIndex is the Raft index of the last cluster entry this node applied (0: none,
// and always 0 on a single node). A write acknowledged on this node is at or below it.
func (db *DB) AppliedIndex() uint64 { return db.appliedIndex.Load() }

// putRaftIndex stores index as the last applied one.
func putRaftIndex(tx txn, index uint64) error {
	meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
	if err != nil {
		return err
	}
	return meta.Put([]byte(metaRaftIndex), be64(index))
}

// loadAppliedIndex reads the stored Raft index into appliedIndex.
func (db *DB) loadAppliedIndex() error {
	return db.view(func(tx txn) error {
		index, err := raftIndex(tx)
		db.setApplied(index)
		return err
	})
}

// raftIndex reads the stored Raft index (0 when none is stored).
func raftIndex(tx txn) (uint64, error) {
	meta := tx.Bucket([]byte(bucketMeta))
	if !meta.exists() {
		return 0, nil
	}
	v := meta.Get([]byte(metaRaftIndex))
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return binary.BigEndian.Uint64(v), nil
	}
	return 0, fmt.Errorf("store: meta %s has %d bytes, want 8", metaRaftIndex, len(v))
}

package store

import (
	"errors"
	"fmt"
)

// Replicator commits write sets through a cluster (SPEC §9); cluster.Node is one. A store
// opened with Options.Replicator sends every write through it instead of committing
// locally: see updateReplicated.
type Replicator interface {
	// Writable returns nil while this node may write (it leads the cluster), else a
	// *NotLeaderError. update asks before it runs a write's logic.
	Writable() error
	// Replicate commits ws through the cluster and returns the Raft index it got, once a
	// quorum has committed it and this node has applied it (ApplyEntry). Its errors are
	// a *NotLeaderError when ws was certainly not committed, ErrCommitUnknown when it
	// may have been, or the error ApplyEntry returned for it.
	Replicate(ws *WriteSet) (uint64, error)
}

var (
	// ErrNotLeader reports a write refused because this node does not lead the cluster;
	// nothing of it was written. *NotLeaderError says which node leads, when one does.
	ErrNotLeader = errors.New("this node is not the cluster's leader")

	// ErrCommitUnknown reports a write whose Raft entry was sent but whose commit could
	// not be confirmed (leadership was lost while waiting): it may or may not take
	// effect. A client retries only what is safe to repeat.
	ErrCommitUnknown = errors.New("the cluster lost its leader before the write was confirmed")
)

// NotLeaderError is ErrNotLeader with what a follower knows of the leader, so a caller can
// send the write there. errors.Is(err, ErrNotLeader) holds for it.
type NotLeaderError struct {
	LeaderID   string // empty: no leader is known (an election is under way)
	LeaderAddr string // the leader's cluster (Raft) address
}

// Error names the leader when one is known.
func (e *NotLeaderError) Error() string {
	if e.LeaderID == "" {
		return ErrNotLeader.Error() + " (no leader is elected at the moment)"
	}
	return fmt.Sprintf("%s (the leader is %s at %s)", ErrNotLeader, e.LeaderID, e.LeaderAddr)
}

// Unwrap makes errors.Is(err, ErrNotLeader) true.
func (e *NotLeaderError) Unwrap() error { return ErrNotLeader }

// errReplicated ends a write's logic transaction on a clustered node: the transaction is
// rolled back, its write set goes to the cluster instead.
var errReplicated = errors.New("store: write set handed to the cluster")

// updateReplicated is update on a clustered node (SPEC §9). Under the store-wide write
// lock it runs the logic (fn and ch) in a bbolt transaction that records its write set,
// rolls that transaction back, and hands the set to the Replicator, which returns once a
// quorum committed it and this node's state machine applied it (ApplyEntry, leader
// included: one apply path for every node). Only then does it run what the logic
// registered with OnCommit and release the lock, so the next write's logic sees this one.
// The state machine never takes writeMu (it applies while this waits), only bbolt's own
// writer lock. A transaction that wrote nothing sends nothing.
func (db *DB) updateReplicated(orgID string, ch *Change, fn func(tx txn) error) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	if err := db.replicator.Writable(); err != nil {
		return err
	}
	rec := newRecorder()
	rec.deferCommits = true
	err := db.write(rec, func(tx txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := db.record(tx, orgID, ch); err != nil {
			return err
		}
		if rec.err != nil {
			return rec.err
		}
		if db.capture != nil {
			if err := db.capture(&rec.set); err != nil {
				return err
			}
		}
		return errReplicated
	})
	if !errors.Is(err, errReplicated) {
		return err
	}
	if rec.set.Len() > 0 {
		if _, err := db.replicator.Replicate(&rec.set); err != nil {
			// The logic may have cached rules it read after writing them; the entry
			// that carried those writes did not apply here.
			db.ruleCache.Clear()
			return err
		}
	}
	for _, f := range rec.onCommit {
		f()
	}
	return nil
}

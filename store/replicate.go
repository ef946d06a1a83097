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

// updateReplicated is update on a clustered node (SPEC §9). A write queues its logic (fn
// and ch); one writer at a time holds the baton — the store-wide write lock — and commits
// what is queued as groups (commitGroup): their logic runs in one bbolt transaction that
// records the group's write set, the transaction is rolled back, and the set goes to the
// Replicator as one Raft entry, which returns once a quorum committed it and this node's
// state machine applied it (ApplyEntry, leader included: one apply path for every node).
// Only then does it run what the logic registered with OnCommit, answer the group's
// writes and, when its own write is answered, hand the baton on, so the next group's
// logic sees this one. Writes that queue while a group waits on Raft form the next group:
// throughput comes from batching (SPEC §6), every write still answered only after its
// entry applied. The state machine never takes the baton (it applies while a group
// waits), only bbolt's own writer lock. A group that wrote nothing sends nothing.
func (db *DB) updateReplicated(orgID string, ch *Change, fn func(tx txn) error) error {
	w := &groupWrite{orgID: orgID, ch: ch, fn: fn, done: make(chan struct{})}
	db.groupMu.Lock()
	db.group.queued = append(db.group.queued, w)
	db.groupMu.Unlock()
	for {
		select {
		case <-w.done:
			return w.result()
		case db.group.baton <- struct{}{}:
		}
		db.holdingBaton(w)
	}
}

// holdingBaton runs with the baton taken and hands it on, even if a group panics: w is
// answered already (a group took it and finished before handing the baton on) or still
// queued, and then the next group takes it.
func (db *DB) holdingBaton(w *groupWrite) {
	defer func() { <-db.group.baton }()
	select {
	case <-w.done:
	default:
		db.commitGroups()
	}
}

// result is the write's answer to its own caller; logic that panicked panics again here.
func (w *groupWrite) result() error {
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

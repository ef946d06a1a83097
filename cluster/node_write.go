package cluster

import (
	"errors"
	"fmt"

	"github.com/hashicorp/raft"

	"github.com/alertifypro/alertifypro/store"
)

// Writable returns nil while this node leads and has applied everything committed before
// its term; otherwise a *store.NotLeaderError naming the leader it knows. The store asks
// before running a write's logic, which must read the latest state.
func (n *Node) Writable() error {
	if n.raft == nil || n.raft.State() != raft.Leader || !n.leadership.Leading() {
		return n.notLeader()
	}
	return nil
}

// notLeader is the error of a write on a node that does not lead.
func (n *Node) notLeader() error {
	e := &store.NotLeaderError{}
	if n.raft != nil {
		addr, id := n.raft.LeaderWithID()
		e.LeaderID, e.LeaderAddr = string(id), string(addr)
	}
	return e
}

// Replicate commits ws through Raft as one entry and returns its index once a quorum has
// committed it and this node's state machine has applied it: Raft resolves the leader's
// future only after its own fsm.Apply, whose result (the store's error, if any) it
// carries. The store calls it holding its write lock (store.Replicator).
func (n *Node) Replicate(ws *store.WriteSet) (uint64, error) {
	if n.raft == nil {
		return 0, n.notLeader()
	}
	payload, err := ws.MarshalBinary()
	if err != nil {
		return 0, err
	}
	entry := make([]byte, 1+len(payload))
	entry[0] = entryWriteSet
	copy(entry[1:], payload)
	f := n.raft.Apply(entry, applyEnqueueTimeout)
	if err := f.Error(); err != nil {
		return 0, n.applyError(err)
	}
	if err, ok := f.Response().(error); ok && err != nil {
		return f.Index(), err
	}
	return f.Index(), nil
}

// applyError maps Raft's error for an entry to the store's: ErrNotLeader when the entry
// was certainly not appended, ErrCommitUnknown when it was and may yet commit.
func (n *Node) applyError(err error) error {
	switch {
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress),
		errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("%w (%v)", n.notLeader(), err)
	case errors.Is(err, raft.ErrLeadershipLost):
		return store.ErrCommitUnknown
	}
	return fmt.Errorf("cluster: %w", err)
}

// Close leaves the cluster: a leader first hands leadership to another node (so the
// cluster does not wait for an election timeout), then Raft stops, the transport closes
// and Raft's log is closed. The store stays open; close it after.
func (n *Node) Close() error {
	if n.raft == nil {
		return nil
	}
	var err error
	n.closeOnce.Do(func() { err = n.close() })
	return err
}

// close is Close, once.
func (n *Node) close() error {
	if n.raft.State() == raft.Leader {
		if err := n.raft.LeadershipTransfer().Error(); err != nil {
			n.log.Warn("cluster: could not hand leadership over before stopping", "error", err)
		}
	}
	close(n.fsm.closing)
	close(n.stop)
	err := n.raft.Shutdown().Error()
	<-n.watching
	return errors.Join(err, n.transport.Close(), n.logs.Close())
}

// LeaderTerm returns the current term while this node leads and has applied every entry
// of earlier terms (notify.Fence).
func (n *Node) LeaderTerm() (uint64, bool) {
	if n.Writable() != nil {
		return 0, false
	}
	return n.raft.CurrentTerm(), true
}

// StillLeading returns nil when a quorum confirms that this node leads, and in term: no
// other node can have been leader since this node's term began (notify.Fence).
func (n *Node) StillLeading(term uint64) error {
	if n.raft == nil {
		return n.notLeader()
	}
	if err := n.raft.VerifyLeader().Error(); err != nil {
		return fmt.Errorf("%w (%v)", n.notLeader(), err)
	}
	if now := n.raft.CurrentTerm(); now != term {
		return fmt.Errorf("%w (term %d, not %d)", n.notLeader(), now, term)
	}
	return nil
}

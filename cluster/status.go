package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// Status is what GET /api/v1/admin/cluster shows of the cluster, as this node sees it.
type Status struct {
	NodeID string `json:"node_id"`
	// State is this node's Raft state: leader, follower, candidate or shutdown.
	State    string `json:"state"`
	LeaderID string `json:"leader_id"` // empty while no leader is known
	// LeaderAddr is the leader's cluster (Raft) address.
	LeaderAddr string `json:"leader_address"`
	Term       uint64 `json:"term"`
	// CommitIndex is the last entry this node knows committed; AppliedIndex the last one
	// its state machine applied (Raft's count, with entries that carry no write);
	// StoreIndex the last write set applied, as the store keeps it.
	CommitIndex  uint64 `json:"commit_index"`
	AppliedIndex uint64 `json:"applied_index"`
	StoreIndex   uint64 `json:"store_index"`
	// LastContact is when this node last heard from the leader (nil on the leader itself,
	// and before any contact).
	LastContact *time.Time `json:"last_contact"`
	// SchemaVersion is the store schema this node's binary knows; StoreSchemaVersion its
	// file's (lower during a rolling upgrade, until the leader migrates it).
	SchemaVersion      uint64   `json:"schema_version"`
	StoreSchemaVersion uint64   `json:"store_schema_version"`
	Ready              bool     `json:"ready"`
	NotReady           string   `json:"not_ready,omitempty"` // why not, when not ready
	Nodes              []Member `json:"nodes"`
}

// Member is one node of the cluster's configuration.
type Member struct {
	ID       string `json:"id"`
	Address  string `json:"address"`
	Suffrage string `json:"suffrage"` // voter, nonvoter or staging
	Leader   bool   `json:"leader"`
}

// Ready returns nil while this node can serve as one of the cluster (SPEC §9, /ready): a
// leader is known, this node has applied every entry it knows committed, and its copy has
// not diverged; a new leader is ready once it applied everything of earlier terms.
func (n *Node) Ready() error {
	if n.raft == nil {
		return errors.New("the cluster node is not started")
	}
	if err := n.fsm.db.SchemaHeld(); err != nil {
		return fmt.Errorf("this node's binary is older than the cluster's schema (upgrade it): %w", err)
	}
	if err := n.fsm.divergence(); err != nil {
		return fmt.Errorf("this node's copy diverged from the cluster's: %w", err)
	}
	_, leader := n.raft.LeaderWithID()
	if leader == "" {
		return errors.New("no leader is known (an election is under way, or too few nodes are reachable)")
	}
	if n.raft.State() == raft.Leader && !n.leadership.Leading() {
		return errors.New("this node was just elected and is applying the entries of earlier terms")
	}
	if applied, commit := n.raft.AppliedIndex(), n.raft.CommitIndex(); applied < commit {
		return fmt.Errorf("catching up: applied %d of %d committed entries", applied, commit)
	}
	return nil
}

// Status reports the cluster as this node sees it. The configuration comes from Raft's
// own (every node has it).
func (n *Node) Status() (*Status, error) {
	if n.raft == nil {
		return nil, errors.New("the cluster node is not started")
	}
	addr, id := n.raft.LeaderWithID()
	s := &Status{NodeID: n.cfg.NodeID, State: stateName(n.raft.State()), LeaderID: string(id),
		LeaderAddr: string(addr), Term: n.raft.CurrentTerm(), CommitIndex: n.raft.CommitIndex(),
		AppliedIndex: n.raft.AppliedIndex(), StoreIndex: n.fsm.db.AppliedIndex(), Nodes: []Member{}}
	if s.State != "leader" {
		if t := n.raft.LastContact(); !t.IsZero() {
			t = t.UTC()
			s.LastContact = &t
		}
	}
	s.SchemaVersion = n.SchemaVersion()
	if v, err := n.fsm.db.FileSchema(); err == nil {
		s.StoreSchemaVersion = v
	}
	if err := n.Ready(); err != nil {
		s.NotReady = err.Error()
	} else {
		s.Ready = true
	}
	f := n.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, err
	}
	for _, srv := range f.Configuration().Servers {
		s.Nodes = append(s.Nodes, Member{ID: string(srv.ID), Address: string(srv.Address),
			Suffrage: suffrageName(srv.Suffrage), Leader: srv.ID == id})
	}
	return s, nil
}

// stateName is Raft's state in lower case.
func stateName(s raft.RaftState) string {
	switch s {
	case raft.Leader:
		return "leader"
	case raft.Follower:
		return "follower"
	case raft.Candidate:
		return "candidate"
	}
	return "shutdown"
}

// suffrageName is a server's suffrage in lower case.
func suffrageName(s raft.ServerSuffrage) string {
	switch s {
	case raft.Voter:
		return "voter"
	case raft.Nonvoter:
		return "nonvoter"
	}
	return "staging"
}

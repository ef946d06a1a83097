package store_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// loopReplicator is a cluster in one process, as the store sees one (store.Replicator):
// every write set, encoded and decoded as a Raft entry carries it, gets the next index and
// is applied by every node in order, the leader (nodes[0]) included, before Replicate
// returns. refuse, when set, is the error of Writable; lose, of Replicate (an entry whose
// commit was not confirmed).
type loopReplicator struct {
	mu     sync.Mutex
	nodes  []*store.DB
	index  uint64
	refuse error
	lose   error
}

func (r *loopReplicator) Writable() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refuse
}

func (r *loopReplicator) Replicate(ws *store.WriteSet) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lose != nil {
		return 0, r.lose
	}
	raw, err := ws.MarshalBinary()
	if err != nil {
		return 0, err
	}
	var entry store.WriteSet
	if err := entry.UnmarshalBinary(raw); err != nil {
		return 0, err
	}
	r.index++
	for _, n := range r.nodes {
		if err := n.ApplyEntry(r.index, &entry); err != nil {
			return 0, err
		}
	}
	return r.index, nil
}

// The whole appliance's workload (workload_test.go) runs on a clustered store: every
// write's logic runs on the leader, is rolled back and committed only as a Raft entry
// that every node applies — and the workload behaves as on a single node (its own
// assertions: alerts, deliveries, retries, retention, chunked deletion), the follower
// that only ever applied entries ends up holding exactly what the leader holds, and both
// know the index of the last entry.
func TestClusteredStoreRunsTheWholeApplianceThroughEntries(t *testing.T) {
	w := newWorkloadWith(t, true)
	s := w.tenancy()
	w.mark("tenancy and configuration")
	w.monitoring(s)
	w.mark("results, alerts and deliveries")
	w.lifecycle(s)
	w.mark("deletions and retention")

	leader, follower := w.repl.nodes[0], w.repl.nodes[1]
	want, err := store.LogicalDumpForTest(leader)
	w.must(err)
	got, err := store.LogicalDumpForTest(follower)
	w.must(err)
	if diff := store.DumpDiffForTest(want, got); diff != nil {
		t.Fatalf("the follower differs from the leader: %v", diff)
	}
	if leader.AppliedIndex() != w.repl.index || follower.AppliedIndex() != w.repl.index || w.repl.index < 100 {
		t.Errorf("applied index: leader %d, follower %d, entries %d", leader.AppliedIndex(), follower.AppliedIndex(), w.repl.index)
	}

	// A node that is not the leader runs no logic and writes nothing.
	w.repl.refuse = &store.NotLeaderError{LeaderID: "n2", LeaderAddr: "127.0.0.1:7002"}
	before, err := store.LogicalDumpForTest(leader)
	w.must(err)
	err = leader.CreateTeam(s.org.ID, &store.Team{Name: "refused"}, nil)
	var nl *store.NotLeaderError
	if !errors.Is(err, store.ErrNotLeader) || !errors.As(err, &nl) || nl.LeaderID != "n2" {
		t.Fatalf("write on a follower: %v, want a NotLeaderError naming n2", err)
	}
	// A write whose entry was not confirmed is not committed locally either: the logic's
	// transaction was rolled back, only the entry could have carried it.
	w.repl.refuse, w.repl.lose = nil, store.ErrCommitUnknown
	if err := leader.CreateTeam(s.org.ID, &store.Team{Name: "lost"}, nil); !errors.Is(err, store.ErrCommitUnknown) {
		t.Fatalf("write whose commit is unknown: %v", err)
	}
	after, err := store.LogicalDumpForTest(leader)
	w.must(err)
	if diff := store.DumpDiffForTest(before, after); diff != nil {
		t.Errorf("a refused or unconfirmed write changed the store: %v", diff)
	}
}

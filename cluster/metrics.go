package cluster

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/alertifypro/alertifypro/store"
)

// CommitBuckets are the upper bounds, in seconds, of the commit latency histogram's
// buckets: from a fast loopback commit (about a millisecond) to a slow disk's.
var CommitBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// commitHistogram counts the leader's commits by latency.
type commitHistogram struct {
	mu     sync.Mutex
	counts []uint64 // per bucket of CommitBuckets, not cumulative; one more for +Inf
	sum    float64
	n      uint64
}

func (h *commitHistogram) observe(d time.Duration) {
	s := d.Seconds()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.counts == nil {
		h.counts = make([]uint64, len(CommitBuckets)+1)
	}
	i := 0
	for i < len(CommitBuckets) && s > CommitBuckets[i] {
		i++
	}
	h.counts[i]++
	h.sum += s
	h.n++
}

// Histogram is a latency histogram as Prometheus exposes one: Cumulative[i] counts the
// observations ≤ Bounds[i]; Count all of them (the +Inf bucket).
type Histogram struct {
	Bounds     []float64
	Cumulative []uint64
	Sum        float64
	Count      uint64
}

func (h *commitHistogram) snapshot() Histogram {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := Histogram{Bounds: CommitBuckets, Cumulative: make([]uint64, len(CommitBuckets)), Sum: h.sum, Count: h.n}
	var run uint64
	for i := range CommitBuckets {
		if h.counts != nil {
			run += h.counts[i]
		}
		out.Cumulative[i] = run
	}
	return out
}

// MeteredReplicator is the node as its store's Replicator, timing every write the leader
// commits (Metrics.CommitLatency): from the write set handed to Raft to its commit by a
// quorum and its apply here.
func (n *Node) MeteredReplicator() store.Replicator { return meteredReplicator{n} }

type meteredReplicator struct{ *Node }

func (m meteredReplicator) Replicate(ws *store.WriteSet) (uint64, error) {
	start := time.Now()
	index, err := m.Node.Replicate(ws)
	if err == nil {
		m.commits.observe(time.Since(start))
	}
	return index, err
}

// Metrics is what the node exposes on /metrics (SPEC §9).
type Metrics struct {
	NodeID   string
	LeaderID string // "" while no leader is known
	Leader   bool
	Term     uint64
	// CommitIndex and AppliedIndex are Raft's, as in Status.
	CommitIndex  uint64
	AppliedIndex uint64
	// LastContact is how long ago a follower last heard from the leader; 0 on the
	// leader, -1 before any contact.
	LastContact time.Duration
	// CommitLatency is this node's commits while it led (since it started).
	CommitLatency Histogram
	// SchemaVersion is the store schema this node's binary knows.
	SchemaVersion uint64
	// Followers is each follower's progress, on the leader only.
	Followers []FollowerState
}

// Metrics reports the node's metrics; on the leader it asks its followers for their
// progress (at most a second).
func (n *Node) Metrics(ctx context.Context) Metrics {
	_, id := n.raft.LeaderWithID()
	m := Metrics{NodeID: n.cfg.NodeID, LeaderID: string(id), Leader: n.raft.State() == raft.Leader,
		Term: n.raft.CurrentTerm(), CommitIndex: n.raft.CommitIndex(), AppliedIndex: n.raft.AppliedIndex(),
		CommitLatency: n.commits.snapshot(), SchemaVersion: n.SchemaVersion(), LastContact: -1}
	if m.Leader {
		m.LastContact = 0
		m.Followers = n.Followers(ctx)
	} else if t := n.raft.LastContact(); !t.IsZero() {
		m.LastContact = time.Since(t)
	}
	return m
}

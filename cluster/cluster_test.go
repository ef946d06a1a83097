package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testNode is one node of an in-process cluster: its store and its Node.
type testNode struct {
	id   string
	dir  string
	cfg  Config
	db   *store.DB
	node *Node
	logs *syncBuffer
}

// freeAddr returns a loopback address nothing listens on (a moment ago).
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// storeOptions are a store's options with hooks that decide nothing.
func storeOptions(r store.Replicator, log *slog.Logger) store.Options {
	return store.Options{Logger: log, Replicator: r,
		Alerts: store.AlertHooks{
			Result:    func(*store.AlertTx, *store.ResultEvent) error { return nil },
			Heartbeat: func(*store.AlertTx, *store.HeartbeatTransition) error { return nil },
			Closed:    func(*store.AlertTx, *store.Alert) error { return nil },
		},
		Maintenance: func(*store.MaintenanceWindow, time.Time) bool { return false },
		Subscribers: func(*store.SubscriberNotice, *store.Subscriber) (*store.OutboxEntry, error) { return nil, nil },
	}
}

// configs are the Configs of n nodes of one cluster, in dirs under t.TempDir().
func configs(t testing.TB, n int, key string) []Config {
	t.Helper()
	var peers []Peer
	for i := range n {
		peers = append(peers, Peer{ID: fmt.Sprintf("n%d", i+1), Addr: freeAddr(t)})
	}
	var out []Config
	for _, p := range peers {
		out = append(out, Config{NodeID: p.ID, BindAddr: p.Addr, Advertise: p.Addr, Peers: peers,
			Key: []byte(key), Dir: filepath.Join(t.TempDir(), "raft"), SnapshotInterval: time.Hour,
			SnapshotThreshold: 1 << 20, TrailingLogs: 1 << 20})
	}
	return out
}

// start opens a store in dir and starts a Node over it.
func start(t testing.TB, cfg Config, dir string) *testNode {
	t.Helper()
	return startWith(t, cfg, dir, false)
}

// startWith is start; noSync opens the store without fsync (the NoSync measurement).
func startWith(t testing.TB, cfg Config, dir string, noSync bool) *testNode {
	t.Helper()
	tn := &testNode{id: cfg.NodeID, dir: dir, cfg: cfg, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(tn.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg.Logger = log
	var err error
	if tn.node, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	opts := storeOptions(tn.node, log)
	opts.NoSync = noSync
	if tn.db, err = store.Open(filepath.Join(dir, "alertifypro.db"), opts); err != nil {
		t.Fatal(err)
	}
	if err := tn.node.Start(tn.db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tn.stop(t) })
	return tn
}

// stop closes the node, then its store (harmless twice).
func (tn *testNode) stop(t testing.TB) {
	if err := tn.node.Close(); err != nil {
		t.Errorf("close %s: %v", tn.id, err)
	}
	_ = tn.db.Close()
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// leaderOf waits for one of nodes to lead and returns it.
func leaderOf(t testing.TB, nodes []*testNode) *testNode {
	t.Helper()
	var leader *testNode
	waitFor(t, 10*time.Second, "a leader", func() bool {
		for _, n := range nodes {
			if n.node.Leadership().Leading() {
				leader = n
				return true
			}
		}
		return false
	})
	return leader
}

// register writes a user and an organization through db.
func register(db *store.DB, name string) (*store.Organization, error) {
	u := &store.User{Email: name + "@example.com", FullName: name, PasswordHash: "$2a$10$hash"}
	org := &store.Organization{Name: name + "'s Organization"}
	return org, db.Register(u, org, &store.Membership{Role: "owner"}, nil)
}

// Three nodes form a cluster over mutual TLS: a write through the leader's store is on
// every node's store; a follower refuses writes, naming the leader; a node with another
// CLUSTER_KEY is refused by every node (and they log it) and never sees a write.
func TestNodesReplicateAndRefuseAnotherKey(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	cfgs := configs(t, 3, key)
	var nodes []*testNode
	for _, c := range cfgs {
		nodes = append(nodes, start(t, c, t.TempDir()))
	}
	// The intruder knows the addresses but not the key.
	bad := configs(t, 1, "another key, another cluster.....")[0]
	bad.Peers = append(append([]Peer(nil), cfgs[0].Peers...), Peer{ID: bad.NodeID + "x", Addr: bad.Advertise})
	bad.NodeID = bad.NodeID + "x"
	intruder := start(t, bad, t.TempDir())

	leader := leaderOf(t, nodes)
	org, err := register(leader.db, "ada")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		waitFor(t, 5*time.Second, n.id+" to apply the write", func() bool {
			_, err := n.db.Organization(org.ID)
			return err == nil
		})
		waitFor(t, 5*time.Second, n.id+" to be ready", func() bool { return n.node.Ready() == nil })
	}
	for _, n := range nodes {
		if n == leader {
			continue
		}
		_, err := register(n.db, "bob")
		var nl *store.NotLeaderError
		if !errors.As(err, &nl) || nl.LeaderID != leader.id || nl.LeaderAddr != leader.cfg.Advertise {
			t.Errorf("write on follower %s: %v, want a NotLeaderError naming %s", n.id, err, leader.id)
		}
	}
	if _, err := intruder.db.Organization(org.ID); err == nil {
		t.Error("the node with another key has the cluster's data")
	}
	if intruder.node.Ready() == nil {
		t.Error("the node with another key says it is ready")
	}
	waitFor(t, 5*time.Second, "a node to log the refused intruder", func() bool {
		for _, n := range nodes {
			if strings.Contains(n.logs.String(), "refused a connection that did not authenticate") {
				return true
			}
		}
		return false
	})
}

// A node whose data directory was emptied starts again with the same peers: it does not
// form a cluster of its own but installs the leader's snapshot (the log it would need was
// trimmed) and then follows the log; its store reports the snapshot's index. A restarted
// node with its data keeps its index and skips the entries it already holds.
func TestEmptiedNodeInstallsTheLeadersSnapshot(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	cfgs := configs(t, 3, key)
	for i := range cfgs {
		cfgs[i].TrailingLogs = 2 // a snapshot trims the log to its last 2 entries
	}
	var nodes []*testNode
	for _, c := range cfgs {
		nodes = append(nodes, start(t, c, t.TempDir()))
	}
	leader := leaderOf(t, nodes)
	var orgs []*store.Organization
	for i := range 5 {
		org, err := register(leader.db, fmt.Sprintf("user%d", i))
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, org)
	}
	var follower *testNode
	for _, n := range nodes {
		if n != leader {
			follower = n
		}
	}
	waitFor(t, 5*time.Second, "the follower to apply", func() bool { return follower.db.AppliedIndex() == leader.db.AppliedIndex() })
	follower.stop(t)
	if err := leader.node.raft.Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	if first, _ := leader.node.logs.FirstIndex(); first <= 2 {
		t.Fatalf("the leader's log still starts at %d after the snapshot", first)
	}
	late, err := register(leader.db, "late")
	if err != nil {
		t.Fatal(err)
	}

	// Same ID and address, new directories.
	cfg := follower.cfg
	cfg.Dir = filepath.Join(t.TempDir(), "raft")
	fresh := start(t, cfg, t.TempDir())
	for _, org := range append(orgs, late) {
		waitFor(t, 10*time.Second, "the emptied node to catch up", func() bool {
			_, err := fresh.db.Organization(org.ID)
			return err == nil
		})
	}
	if !strings.Contains(fresh.logs.String(), "database restored from a cluster snapshot") {
		t.Errorf("the emptied node caught up without installing a snapshot:\n%s", fresh.logs.String())
	}
	waitFor(t, 5*time.Second, "the emptied node to be ready", func() bool { return fresh.node.Ready() == nil })
	if fresh.node.Leadership().Leading() {
		t.Error("the emptied node leads")
	}

	// Restarted with its data, it knows where it stands: no snapshot, only what it missed.
	// The index is read once the node has applied all the leader has: read earlier, an
	// entry still arriving (the snapshot's trailing log) moves it before the stop.
	waitFor(t, 5*time.Second, "the emptied node to apply the leader's log", func() bool {
		return fresh.db.AppliedIndex() == leader.db.AppliedIndex()
	})
	index := fresh.db.AppliedIndex()
	fresh.stop(t)
	missed, err := register(leader.db, "missed")
	if err != nil {
		t.Fatal(err)
	}
	again := start(t, fresh.cfg, fresh.dir)
	if got := again.db.AppliedIndex(); got != index {
		t.Errorf("restarted at index %d, want %d", got, index)
	}
	waitFor(t, 10*time.Second, "the restarted node to catch up", func() bool {
		_, err := again.db.Organization(missed.ID)
		return err == nil
	})
	if strings.Contains(again.logs.String(), "restored from a cluster snapshot") {
		t.Errorf("the restarted node installed a snapshot instead of replaying the log")
	}
}

// The outbox's fence (notify.Fence): only the leader has a term to send in; it still leads
// that term only while a quorum confirms it, and never in another term.
func TestStillLeadingNeedsAQuorumInTheSameTerm(t *testing.T) {
	cfgs := configs(t, 3, "0123456789abcdef0123456789abcdef")
	var nodes []*testNode
	for _, c := range cfgs {
		nodes = append(nodes, start(t, c, t.TempDir()))
	}
	leader := leaderOf(t, nodes)
	term, ok := leader.node.LeaderTerm()
	if !ok || term == 0 {
		t.Fatalf("the leader has no term (%d, %v)", term, ok)
	}
	if err := leader.node.StillLeading(term); err != nil {
		t.Fatalf("the leader with a quorum: %v", err)
	}
	if err := leader.node.StillLeading(term - 1); err == nil {
		t.Error("the leader still leads an earlier term")
	}
	for _, n := range nodes {
		if n == leader {
			continue
		}
		if _, ok := n.node.LeaderTerm(); ok {
			t.Errorf("follower %s has a term to send in", n.id)
		}
		n.stop(t)
	}
	// A heartbeat answered just before the followers stopped may still confirm it for a
	// moment (leadership is confirmed as of the last round trip); within its lease it no
	// longer is.
	waitFor(t, 5*time.Second, "the leader without a quorum to stop leading", func() bool {
		return leader.node.StillLeading(term) != nil
	})
}

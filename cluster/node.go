// Package cluster makes several appliances one (SPEC §9) with hashicorp/raft: this node's
// store is the replicated state machine (fsm.go), whose entries are the write sets of the
// store's one write path; nodes talk over Raft's network transport with mutual TLS derived
// from CLUSTER_KEY (tls.go, stream.go); Raft's log and stable store are raft-boltdb in
// DATA_DIR/raft, beside its snapshots. A Node is the store's Replicator on the leader and
// refuses writes elsewhere; Leadership runs the leader's workers (leadership.go).
package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httputil"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"

	"github.com/alertifypro/alertifypro/store"
)

// Peer is one initial voter: its node ID and the address of its Raft transport.
type Peer struct {
	ID   string
	Addr string
}

// Config is what a Node needs; the appliance fills it from CLUSTER_* (config.Config).
type Config struct {
	NodeID    string
	BindAddr  string // where the transport listens
	Advertise string // where the other nodes reach it
	Peers     []Peer // the initial voters, the same list on every node
	Key       []byte // CLUSTER_KEY
	Dir       string // Raft's files: DATA_DIR/raft
	// Raft's snapshot policy: how often to consider one, after how many entries, and how
	// many entries to keep after it.
	SnapshotInterval  time.Duration
	SnapshotThreshold uint64
	TrailingLogs      uint64
	Logger            *slog.Logger
}

// Timeouts of the leader's write path.
const (
	// applyEnqueueTimeout bounds the wait for room in Raft's queue, not the commit.
	applyEnqueueTimeout = 10 * time.Second
	// transportTimeout bounds one RPC between nodes (snapshots are streamed without it).
	transportTimeout = 10 * time.Second
	// snapshotsKept is how many snapshots stay in DATA_DIR/raft (each a full copy).
	snapshotsKept = 2
)

// Node is this appliance's membership of the cluster. New prepares it (and refuses an
// unusable configuration before the store opens), Start joins it with the store as state
// machine, Close leaves.
type Node struct {
	cfg        Config
	log        *slog.Logger
	tls        *peerTLS
	leadership *Leadership
	commits    commitHistogram // the leader's commit latencies (metrics.go)

	// Set by Start, before anything else uses the node.
	raft      *raft.Raft
	fsm       *fsm
	logs      *raftboltdb.BoltStore
	transport *raft.NetworkTransport
	stream    *tlsStream
	forwarder *httputil.ReverseProxy // to the leader (forward.go)
	stop      chan struct{}          // closed by Close: watchLeadership returns
	watching  chan struct{}          // closed when watchLeadership has returned
	closeOnce sync.Once
}

// New checks cfg and derives the nodes' TLS from its key. Nothing listens yet.
func New(cfg Config) (*Node, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NodeID == "" || cfg.Advertise == "" || len(cfg.Peers) == 0 || len(cfg.Key) == 0 || cfg.Dir == "" {
		return nil, errors.New("cluster: node ID, advertise address, peers, key and directory are required")
	}
	pt, err := newPeerTLS(cfg.Key, cfg.NodeID)
	if err != nil {
		return nil, err
	}
	return &Node{cfg: cfg, log: cfg.Logger, tls: pt, leadership: newLeadership()}, nil
}

// NodeID is this node's ID.
func (n *Node) NodeID() string { return n.cfg.NodeID }

// Leadership follows whether this node leads.
func (n *Node) Leadership() *Leadership { return n.leadership }

// Start joins the cluster with db as this node's state machine: it opens Raft's log in
// cfg.Dir, listens for the other nodes and starts Raft. A node that cfg.Peers does not
// list waits to be added by the leader (Node.AddVoter). A listed node without any Raft
// state yet bootstraps the cluster with cfg.Peers: every node of a new cluster does so with the same
// list, which is safe (the same first entry everywhere), and a node whose DATA_DIR was
// emptied does so again and then takes what the leader sends — entries, or a snapshot once
// the log was trimmed — instead of starting a cluster of its own: it cannot win an election
// against nodes whose logs are longer.
func (n *Node) Start(db *store.DB) (err error) {
	if err := os.MkdirAll(n.cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	hlog := newRaftLogger(n.log)
	// No lock timeout needed: the store's file, opened first, is locked already, so no
	// second process gets this far on the same DATA_DIR.
	n.logs, err = raftboltdb.NewBoltStore(filepath.Join(n.cfg.Dir, "raft.db"))
	if err != nil {
		return fmt.Errorf("cluster: open the Raft log: %w", err)
	}
	defer func() {
		if err != nil {
			_ = n.logs.Close()
		}
	}()
	cache, err := raft.NewLogCache(512, n.logs)
	if err != nil {
		return err
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(n.cfg.Dir, snapshotsKept, hlog)
	if err != nil {
		return fmt.Errorf("cluster: snapshot store: %w", err)
	}
	advertise, err := net.ResolveTCPAddr("tcp", n.cfg.Advertise)
	if err != nil {
		return fmt.Errorf("cluster: advertise address %s: %w", n.cfg.Advertise, err)
	}
	if n.stream, err = listenTLS(n.cfg.BindAddr, advertise, n.tls, n.log); err != nil {
		return fmt.Errorf("cluster: listen on %s: %w", n.cfg.BindAddr, err)
	}
	n.forwarder = n.newForwarder()
	n.transport = raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream: n.stream, MaxPool: 3, Timeout: transportTimeout, Logger: hlog.Named("net")})
	defer func() {
		if err != nil {
			_ = n.transport.Close()
		}
	}()

	rc, err := n.raftConfig(db, snaps, hlog)
	if err != nil {
		return err
	}
	notify := make(chan bool, 1)
	rc.NotifyCh = notify
	n.fsm = &fsm{db: db, log: n.log, closing: make(chan struct{})}
	existing, err := raft.HasExistingState(cache, n.logs, snaps)
	if err != nil {
		return fmt.Errorf("cluster: read the Raft state: %w", err)
	}
	if n.raft, err = raft.NewRaft(rc, n.fsm, cache, n.logs, snaps, n.transport); err != nil {
		return fmt.Errorf("cluster: start Raft: %w", err)
	}
	if !existing && !n.listed() {
		n.log.Info("cluster: this node is not in CLUSTER_PEERS: it waits to be added to the cluster "+
			"(alertifypro cluster add-voter on a member)", "node_id", n.cfg.NodeID, "advertise", n.cfg.Advertise)
	}
	if !existing && n.listed() {
		servers := make([]raft.Server, 0, len(n.cfg.Peers))
		for _, p := range n.cfg.Peers {
			servers = append(servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr)})
		}
		if err := n.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
			_ = n.raft.Shutdown().Error()
			return fmt.Errorf("cluster: bootstrap: %w", err)
		}
		n.log.Info("cluster: bootstrapped with the configured peers", "peers", len(servers))
	}
	n.stop, n.watching = make(chan struct{}), make(chan struct{})
	go n.watchLeadership(notify)
	n.log.Info("cluster: node started", "node_id", n.cfg.NodeID, "bind", n.cfg.BindAddr,
		"advertise", n.cfg.Advertise, "applied_index", db.AppliedIndex())
	return nil
}

// listed reports whether CLUSTER_PEERS names this node: only the initial voters bootstrap.
func (n *Node) listed() bool {
	for _, p := range n.cfg.Peers {
		if p.ID == n.cfg.NodeID {
			return true
		}
	}
	return false
}

// raftConfig is Raft's configuration for this node. The store keeps its own applied index
// (store.DB.ApplyEntry), so on start Raft restores its newest snapshot into the store only
// when the store is behind that snapshot (an emptied data directory); otherwise it replays
// the log after the snapshot and the store skips what it already holds.
func (n *Node) raftConfig(db *store.DB, snaps raft.SnapshotStore, hlog hclog.Logger) (*raft.Config, error) {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(n.cfg.NodeID)
	rc.Logger = hlog
	if n.cfg.SnapshotInterval > 0 {
		rc.SnapshotInterval = n.cfg.SnapshotInterval
	}
	if n.cfg.SnapshotThreshold > 0 {
		rc.SnapshotThreshold = n.cfg.SnapshotThreshold
	}
	rc.TrailingLogs = n.cfg.TrailingLogs
	list, err := snaps.List()
	if err != nil {
		return nil, fmt.Errorf("cluster: list snapshots: %w", err)
	}
	rc.NoSnapshotRestoreOnStart = len(list) == 0 || db.AppliedIndex() >= list[0].Index
	if err := raft.ValidateConfig(rc); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return rc, nil
}

// watchLeadership turns Raft's leadership notices into Leadership. A new leader first
// waits until it has applied every entry committed before its term (a barrier): its
// workers, and every write's logic, must read the latest state.
func (n *Node) watchLeadership(notify <-chan bool) {
	defer close(n.watching)
	for {
		var leading bool
		select {
		case leading = <-notify:
		case <-n.stop:
			// Close may have handed leadership over just now, its notice not yet read:
			// say so here, as the notice would have.
			if n.leadership.Leading() {
				n.log.Info("cluster: this node no longer leads", "node_id", n.cfg.NodeID)
			}
			n.leadership.set(false)
			return
		}
		if !leading {
			n.leadership.set(false)
			n.log.Info("cluster: this node no longer leads", "node_id", n.cfg.NodeID)
			continue
		}
		if err := n.raft.Barrier(0).Error(); err != nil {
			n.log.Warn("cluster: elected, but lost leadership before catching up", "error", err)
			continue
		}
		n.leadership.set(true)
		n.log.Info("cluster: this node leads", "node_id", n.cfg.NodeID, "term", n.raft.CurrentTerm())
	}
}

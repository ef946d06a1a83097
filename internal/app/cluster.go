package app

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"time"

	"github.com/alertifypro/alertifypro/agent"

	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/egress"
)

// RaftDirName is the directory in DATA_DIR of a clustered node's Raft log and snapshots.
const RaftDirName = "raft"

// newClusterNode prepares this node's membership of the cluster of cfg (SPEC §9); the
// caller opens the store with it as Replicator, then starts it.
func newClusterNode(cfg *config.Config, opts Options) (*cluster.Node, error) {
	var peers []cluster.Peer
	for _, p := range cfg.ClusterPeerList() {
		peers = append(peers, cluster.Peer{ID: p.ID, Addr: p.Addr})
	}
	return cluster.New(cluster.Config{
		NodeID: cfg.ClusterNodeID, BindAddr: cfg.ClusterBindAddr, Advertise: cfg.ClusterAdvertise(),
		Peers: peers, Key: []byte(cfg.ClusterKey), Dir: filepath.Join(cfg.DataDir, RaftDirName),
		SnapshotInterval: cfg.ClusterSnapshotInterval, SnapshotThreshold: cfg.ClusterSnapshotThreshold,
		TrailingLogs: cfg.ClusterTrailingLogs, Logger: opts.Logger,
	})
}

// Cluster is this node's cluster membership; nil on a single node.
func (a *App) Cluster() *cluster.Node { return a.cluster }

// runEngineClustered is the engine on a clustered node: its recorder runs for the whole
// life of the process (check-now requests, forwarded to the leader, record through the
// leader's), and its scheduler not at all: the built-in location's checks are shared by
// every node's agent (newNodeAgent), the leader's included, and recorded by the leader's
// agent hub. Like Engine.Run, the recorder is flushed and closed at the end.
func (a *App) runEngineClustered(ctx context.Context) error {
	recorded := make(chan error, 1)
	go func() { recorded <- a.engine.Recorder.Run() }()
	<-ctx.Done()
	a.engine.Recorder.Close()
	return <-recorded
}

// nodeAgentFlush is how long a stopping node's agent keeps delivering its last results.
const nodeAgentFlush = 2 * time.Second

// nodeAgentBuffer is how many results a node's agent keeps while no leader takes them (as
// AGENT_BUFFER's default).
const nodeAgentBuffer = 100_000

// nodeAgentMaxBackoff caps a node's agent's wait between attempts: the leader it waits for
// comes within seconds of an election.
const nodeAgentMaxBackoff = 5 * time.Second

// newNodeAgent is this node's own agent of the built-in location (SPEC §9, see
// cluster/node_agent.go): the agent's client and executor in-process, with the node's
// probes (its egress guard, PROBE_SOURCE_ADDR), connected to the leader's hub over the
// cluster's mutual TLS under the node's ID as agent name.
func newNodeAgent(cfg *config.Config, opts Options, node *cluster.Node, guard *egress.Guard, userAgent string) *agent.Client {
	exec := &agent.Executor{Env: probeEnv(opts, guard, userAgent), Concurrency: cfg.CheckConcurrency, Logger: opts.Logger}
	return &agent.Client{ServerURL: cluster.NodeAgentURL, Secure: true, Name: node.NodeID(), Version: opts.Version,
		Buffer: nodeAgentBuffer, Executor: exec, Logger: opts.Logger, FlushTimeout: nodeAgentFlush,
		MaxBackoff: nodeAgentMaxBackoff, HTTPClient: &http.Client{Transport: node.NodeAgentTransport()}}
}

// serveForwarded serves the requests other nodes forward to this one while it leads
// (cluster.Node.ServeForwarded: over the cluster transport's port and mutual TLS, with the
// client's address as the forwarding node saw it) with the same router as the public
// server, until ctx ends; then it drains them like the public server.
func (a *App) serveForwarded(ctx context.Context) error {
	srv := api.NewServer("", a.cluster.ServeForwarded(a.handler), a.log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(a.cluster.ForwardListener()) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

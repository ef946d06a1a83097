package app

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"

	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/config"
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
// life of the process (check-now requests record through it; on a follower their commits
// are refused as not the leader's), its scheduler only while this node leads — it stops
// scheduling when leadership is lost, waits for its checks in flight, and starts again
// from the store's state on the node's next term. Like Engine.Run, the recorder is
// flushed and closed after the scheduler's last run.
func (a *App) runEngineClustered(ctx context.Context) error {
	recorded := make(chan error, 1)
	go func() { recorded <- a.engine.Recorder.Run() }()
	err := a.cluster.Leadership().WhileLeading(ctx, a.engine.Scheduler.Run)
	a.engine.Recorder.Close()
	if rerr := <-recorded; err == nil {
		err = rerr
	}
	return err
}

// serveForwarded serves the requests other nodes forward to this one while it leads
// (cluster.ServeForwarded: over the cluster transport's port and mutual TLS, with the
// client's address as the forwarding node saw it) with the same router as the public
// server, until ctx ends; then it drains them like the public server.
func (a *App) serveForwarded(ctx context.Context) error {
	srv := api.NewServer("", cluster.ServeForwarded(a.handler), a.log)
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

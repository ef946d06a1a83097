package app

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Without CLUSTER_PEERS nothing of the cluster exists: no node, no Raft directory, no
// port, no extra worker (SPEC §9: a single node exactly as before).
func TestSingleNodeBuildsNoCluster(t *testing.T) {
	dir := t.TempDir()
	a, err := New(testConfig(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Cluster() != nil {
		t.Error("a single node has a cluster node")
	}
	if _, err := os.Stat(filepath.Join(dir, RaftDirName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a single node made %s (stat: %v)", RaftDirName, err)
	}
	if slices.Contains(a.Workers(), "cluster forwarding") {
		t.Error("a single node runs the cluster's forwarding server")
	}
}

// A clustered node wires the cluster: its store commits through the node, its Raft files
// are in DATA_DIR/raft, and it serves forwarded writes; a one-node cluster elects itself.
// Closing it closes the node, then the store (the files can be opened again at once).
func TestClusteredNodeWiresTheCluster(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := testConfig(dir)
	cfg.ClusterNodeID, cfg.ClusterBindAddr, cfg.ClusterKey = "solo", addr, "0123456789abcdef0123456789abcdef"
	cfg.ClusterPeers = []string{"solo=" + addr}
	cfg.ClusterSnapshotInterval, cfg.ClusterSnapshotThreshold, cfg.ClusterTrailingLogs = time.Minute, 8192, 10240
	for range 2 {
		a, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if a.Cluster() == nil || !slices.Contains(a.Workers(), "cluster forwarding") {
			t.Fatalf("clustered node: cluster %v, workers %q", a.Cluster(), a.Workers())
		}
		deadline := time.Now().Add(10 * time.Second)
		for a.Cluster().Writable() != nil {
			if time.Now().After(deadline) {
				t.Fatal("a one-node cluster did not elect itself")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := os.Stat(filepath.Join(dir, RaftDirName, "raft.db")); err != nil {
			t.Errorf("Raft's log: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

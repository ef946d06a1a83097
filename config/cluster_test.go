package config

import (
	"strings"
	"testing"
)

const testClusterKey = "0123456789abcdef0123456789abcdef"

func TestClusterUnsetIsSingleNode(t *testing.T) {
	validEnv(t)
	t.Setenv("CLUSTER_KEY", "") // not needed, and not asked for, without peers
	c := mustLoad(t)
	if c.Clustered() {
		t.Fatalf("Clustered() = true without CLUSTER_PEERS")
	}
	if c.ClusterBindAddr != ":3002" {
		t.Errorf("CLUSTER_BIND_ADDR default = %q, want :3002", c.ClusterBindAddr)
	}
}

func TestClusterSettings(t *testing.T) {
	validEnv(t)
	t.Setenv("CLUSTER_PEERS", " n1=127.0.0.1:7001, n2=127.0.0.1:7002 ,n3=localhost:7003,")
	t.Setenv("CLUSTER_NODE_ID", "n2")
	t.Setenv("CLUSTER_KEY", testClusterKey)
	c := mustLoad(t)
	if !c.Clustered() {
		t.Fatal("Clustered() = false with CLUSTER_PEERS set")
	}
	peers := c.ClusterPeerList()
	if len(peers) != 3 || peers[0] != (ClusterPeer{"n1", "127.0.0.1:7001"}) || peers[2] != (ClusterPeer{"n3", "localhost:7003"}) {
		t.Errorf("peers = %+v", peers)
	}
	if got := c.ClusterAdvertise(); got != "127.0.0.1:7002" {
		t.Errorf("advertise address = %q, want this node's entry 127.0.0.1:7002", got)
	}
	t.Setenv("CLUSTER_ADVERTISE_ADDR", "10.0.0.2:7002")
	if got := mustLoad(t).ClusterAdvertise(); got != "10.0.0.2:7002" {
		t.Errorf("advertise address = %q, want CLUSTER_ADVERTISE_ADDR", got)
	}
	// A node the list does not name joins an existing cluster at its advertised address.
	t.Setenv("CLUSTER_NODE_ID", "n4")
	t.Setenv("CLUSTER_ADVERTISE_ADDR", "10.0.0.4:7004")
	if got := mustLoad(t).ClusterAdvertise(); got != "10.0.0.4:7004" {
		t.Errorf("a joining node's advertise address = %q", got)
	}
}

func TestClusterRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, env, value, want string
	}{
		{"no key", "CLUSTER_KEY", "", "CLUSTER_KEY is required when CLUSTER_PEERS is set"},
		{"short key", "CLUSTER_KEY", "short", "CLUSTER_KEY is required"},
		{"not listed", "CLUSTER_NODE_ID", "n9", `CLUSTER_PEERS must list this node (CLUSTER_NODE_ID="n9")`},
		{"bad entry", "CLUSTER_PEERS", "n1=127.0.0.1:7001,n2", `CLUSTER_PEERS entry "n2" is not id=host:port`},
		{"duplicate id", "CLUSTER_PEERS", "n1=127.0.0.1:7001,n1=127.0.0.1:7002", `CLUSTER_PEERS names node "n1" twice`},
		{"unspecified host", "CLUSTER_PEERS", "n1=0.0.0.0:7001", "CLUSTER_PEERS entry"},
		{"bad port", "CLUSTER_PEERS", "n1=127.0.0.1:0", "CLUSTER_PEERS entry"},
		{"bad bind", "CLUSTER_BIND_ADDR", "3002", "CLUSTER_BIND_ADDR must be host:port"},
		{"bad advertise", "CLUSTER_ADVERTISE_ADDR", ":7001", "CLUSTER_ADVERTISE_ADDR needs a host"},
		{"zero threshold", "CLUSTER_SNAPSHOT_THRESHOLD", "0", "CLUSTER_SNAPSHOT_THRESHOLD must be at least 1"},
		{"fast snapshots", "CLUSTER_SNAPSHOT_INTERVAL", "10ms", "CLUSTER_SNAPSHOT_INTERVAL must be at least 1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			validEnv(t)
			t.Setenv("CLUSTER_PEERS", "n1=127.0.0.1:7001")
			t.Setenv("CLUSTER_NODE_ID", "n1")
			t.Setenv("CLUSTER_KEY", testClusterKey)
			t.Setenv(tc.env, tc.value)
			lines := problemLines(t)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) {
				t.Errorf("problems = %q, want one starting %q", lines, tc.want)
			}
		})
	}
}

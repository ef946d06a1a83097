package config

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// minClusterKey is the shortest CLUSTER_KEY accepted: the nodes' certificate authority is
// derived from it (SPEC §9), so it must be as hard to guess as the JWT secret.
const minClusterKey = 32

// ClusterPeer is one initial voter of CLUSTER_PEERS: its node ID and the host:port of its
// Raft transport.
type ClusterPeer struct {
	ID   string
	Addr string
}

// Clustered reports whether this node is one of a cluster (CLUSTER_PEERS set). Unset, the
// appliance is a single node exactly as before: no Raft state is created at all.
func (c *Config) Clustered() bool { return len(c.ClusterPeers) > 0 }

// ClusterPeerList parses CLUSTER_PEERS ("id=host:port,..."); Validate has refused a list it
// cannot parse, so entries that do not parse are skipped here.
func (c *Config) ClusterPeerList() []ClusterPeer {
	var peers []ClusterPeer
	for _, s := range c.ClusterPeers {
		if p, err := parsePeer(s); err == nil {
			peers = append(peers, p)
		}
	}
	return peers
}

// ClusterAdvertise is the address other nodes reach this node's Raft transport at:
// CLUSTER_ADVERTISE_ADDR, or this node's own entry in CLUSTER_PEERS.
func (c *Config) ClusterAdvertise() string {
	if c.ClusterAdvertiseAddr != "" {
		return c.ClusterAdvertiseAddr
	}
	for _, p := range c.ClusterPeerList() {
		if p.ID == c.ClusterNodeID {
			return p.Addr
		}
	}
	return ""
}

// parsePeer parses one "id=host:port".
func parsePeer(s string) (ClusterPeer, error) {
	id, addr, ok := strings.Cut(s, "=")
	id, addr = strings.TrimSpace(id), strings.TrimSpace(addr)
	if !ok || id == "" {
		return ClusterPeer{}, fmt.Errorf("entry %q is not id=host:port", s)
	}
	if err := checkHostPort(addr); err != nil {
		return ClusterPeer{}, fmt.Errorf("entry %q: %v", s, err)
	}
	return ClusterPeer{ID: id, Addr: addr}, nil
}

// checkHostPort accepts host:port with a host (the address others dial) and a valid port.
func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port (got %q)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port must be between 1 and 65535 (got %q)", addr)
	}
	if host == "" {
		return fmt.Errorf("needs a host other nodes can reach (got %q)", addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("needs a host other nodes can reach, not %s", host)
	}
	return nil
}

// normalizeCluster trims the cluster settings and defaults CLUSTER_NODE_ID to the host name.
func (c *Config) normalizeCluster() {
	c.ClusterNodeID = strings.TrimSpace(c.ClusterNodeID)
	if c.ClusterNodeID == "" {
		c.ClusterNodeID, _ = os.Hostname()
	}
	c.ClusterBindAddr = strings.TrimSpace(c.ClusterBindAddr)
	c.ClusterAdvertiseAddr = strings.TrimSpace(c.ClusterAdvertiseAddr)
	var peers []string
	for _, s := range c.ClusterPeers {
		if s = strings.TrimSpace(s); s != "" {
			peers = append(peers, s)
		}
	}
	c.ClusterPeers = peers
}

// clusterProblems checks the cluster settings; with CLUSTER_PEERS unset there is nothing
// to check, since none of them is read.
func (c *Config) clusterProblems(add addFunc) {
	if !c.Clustered() {
		return
	}
	if c.ClusterNodeID == "" {
		add("CLUSTER_NODE_ID", "is required when CLUSTER_PEERS is set (the host name is unknown)")
	}
	ids, addrs := map[string]bool{}, map[string]bool{}
	self, unparsed := false, false
	for _, s := range c.ClusterPeers {
		p, err := parsePeer(s)
		switch {
		case err != nil:
			add("CLUSTER_PEERS", "%v", err)
			unparsed = true
			continue
		case ids[p.ID]:
			add("CLUSTER_PEERS", "names node %q twice", p.ID)
		case addrs[p.Addr]:
			add("CLUSTER_PEERS", "gives address %s to two nodes", p.Addr)
		}
		ids[p.ID], addrs[p.Addr] = true, true
		self = self || p.ID == c.ClusterNodeID
	}
	// A node that CLUSTER_PEERS does not list joins a cluster that exists (it waits to be
	// added with `alertifypro cluster add-voter`): the others must know where to reach it.
	if !self && !unparsed && c.ClusterNodeID != "" && c.ClusterAdvertiseAddr == "" {
		add("CLUSTER_PEERS", "must list this node (CLUSTER_NODE_ID=%q); every node of a new cluster gets the same "+
			"list — or set CLUSTER_ADVERTISE_ADDR for a node that joins an existing one (cluster add-voter)", c.ClusterNodeID)
	}
	if len(c.ClusterKey) < minClusterKey {
		add("CLUSTER_KEY", "is required when CLUSTER_PEERS is set and must be at least %d bytes (got %d); "+
			"give every node the same value, e.g. one line of `openssl rand -hex 32`", minClusterKey, len(c.ClusterKey))
	}
	if _, _, err := net.SplitHostPort(c.ClusterBindAddr); err != nil {
		add("CLUSTER_BIND_ADDR", "must be host:port or :port (got %q)", c.ClusterBindAddr)
	}
	if c.ClusterAdvertiseAddr != "" {
		if err := checkHostPort(c.ClusterAdvertiseAddr); err != nil {
			add("CLUSTER_ADVERTISE_ADDR", "%v", err)
		}
	}
	if c.ClusterSnapshotInterval < time.Second {
		add("CLUSTER_SNAPSHOT_INTERVAL", "must be at least 1s (got %s)", c.ClusterSnapshotInterval)
	}
	if c.ClusterSnapshotThreshold < 1 {
		add("CLUSTER_SNAPSHOT_THRESHOLD", "must be at least 1 (got %d)", c.ClusterSnapshotThreshold)
	}
}

package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// clusterCLI runs `alertifypro cluster args...` against node n, the way an operator on its
// host would (PORT and LISTEN_ADDR of the node, ALERTIFYPRO_TOKEN), and returns its exit
// status and output.
func (c *testCluster) clusterCLI(n *clusterNode, args ...string) (int, string) {
	c.t.Helper()
	host, port, _ := net.SplitHostPort(n.httpAddr)
	c.t.Setenv("LISTEN_ADDR", host)
	c.t.Setenv("PORT", port)
	c.t.Setenv("ALERTIFYPRO_TOKEN", c.token)
	var out bytes.Buffer
	code := run(context.Background(), append([]string{"cluster"}, args...), &out, &out)
	return code, out.String()
}

// `alertifypro cluster`: status through a follower and through the leader (which shows
// every follower's lag); a fourth node, not in CLUSTER_PEERS, waits until add-voter (sent
// to a follower, forwarded to the leader) makes it a voter, then has every write; remove
// takes it out again; a token that is not an instance admin's is refused.
func TestClusterCommandAddsAndRemovesANode(t *testing.T) {
	c := newTestCluster(t, 4)
	joiner := c.nodes[3]
	var peers []string
	for _, n := range c.nodes[:3] {
		peers = append(peers, n.id+"="+n.raftAddr)
	}
	// The first three form the cluster; the fourth is in no node's CLUSTER_PEERS (the
	// later entry of the environment wins).
	for _, n := range c.nodes {
		n.env = append(n.env, "CLUSTER_PEERS="+strings.Join(peers, ","))
	}
	joiner.env = append(joiner.env, "CLUSTER_ADVERTISE_ADDR="+joiner.raftAddr)
	joiner.outsider = true // not a member until added
	for _, n := range c.nodes[:3] {
		n.start()
	}
	leader := c.register()
	follower := c.others(leader, joiner)[0]
	id, _, _ := c.createTeam(5*time.Second, "before the fourth")

	code, out := c.clusterCLI(follower, "status")
	if code != 0 || !strings.Contains(out, "node "+follower.id+": follower") || !strings.Contains(out, leader.id) {
		t.Errorf("cluster status on a follower: %d\n%s", code, out)
	}
	joiner.start()
	if status, _, _ := joiner.call(http.MethodGet, "/api/v1/ready", "", nil); status != http.StatusServiceUnavailable {
		t.Errorf("a node waiting to be added says it is ready (%d)", status)
	}
	code, out = c.clusterCLI(follower, "add-voter", joiner.id, joiner.raftAddr)
	if code != 0 || !strings.Contains(out, joiner.id) {
		t.Fatalf("cluster add-voter through a follower: %d\n%s", code, out)
	}
	joiner.outsider = false
	c.waitTeams(joiner, []string{id}, 10*time.Second)
	later, _, _ := c.createTeam(5*time.Second, "after the fourth")
	c.waitTeams(joiner, []string{later}, 5*time.Second)

	waitForCond(t, 10*time.Second, "the leader to show four voters, none lagging", func() bool {
		code, out = c.clusterCLI(leader, "status")
		return code == 0 && strings.Count(out, "voter") == 4 && strings.Count(out, "  0\n") == 4
	})
	t.Logf("cluster status on the leader:\n%s", out)
	// A follower that does not answer shows as unreachable.
	follower.pause()
	code, out = c.clusterCLI(leader, "status")
	follower.resume()
	pausedLine := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, follower.id+" ") {
			pausedLine = line
		}
	}
	// Only the paused one is sure to be unreachable: on a busy machine another may be
	// slower than the second the leader waits.
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(pausedLine), "unreachable") {
		t.Errorf("status with %s paused: %d\n%s", follower.id, code, out)
	}

	code, out = c.clusterCLI(leader, "remove", joiner.id)
	if code != 0 || strings.Contains(out, joiner.id+" ") {
		t.Errorf("cluster remove: %d\n%s", code, out)
	}
	if v := c.status(leader); len(v.Nodes) != 3 {
		t.Errorf("after remove the cluster has %d nodes", len(v.Nodes))
	}
	code, out = c.clusterCLI(leader, "remove", "n9")
	if code != 1 || !strings.Contains(out, "404") {
		t.Errorf("remove of a node that is not a member: %d %s", code, out)
	}
	c.token = c.key // an API key, not an instance admin's session
	code, out = c.clusterCLI(leader, "status")
	if code != 1 || !strings.Contains(out, "not an instance admin's session token") {
		t.Errorf("status with an API key: %d %s", code, out)
	}
}

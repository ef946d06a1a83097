package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// A 3-node cluster of real processes forms; writes through the leader's API are on every
// node (read back through each node's API) and answer with their node and Raft index; a
// write sent to a follower is answered by the leader; kill -9 of the leader while four clients write: a new leader
// takes writes within 5 s, every write acknowledged (before the kill or after) is on both
// survivors, and the killed node, restarted, catches up with what it missed.
func TestClusterReplicatesAndSurvivesTheLeadersDeath(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()

	var acked []string
	for i := range 10 {
		id, by, index := c.createTeam(5*time.Second, fmt.Sprintf("team %d", i))
		if by != leader {
			t.Fatalf("team %d was taken by %s, not the leader %s", i, by.id, leader.id)
		}
		if index == 0 {
			t.Fatal("no index")
		}
		acked = append(acked, id)
	}
	for _, n := range c.nodes {
		c.waitTeams(n, acked, 5*time.Second)
		waitForCond(t, 5*time.Second, n.id+" ready", func() bool {
			status, header, _ := n.call(http.MethodGet, "/api/v1/ready", "", nil)
			return status == http.StatusOK && header.Get("X-AlertifyPro-Node") == n.id
		})
		v := c.status(n)
		if !v.Clustered || v.NodeID != n.id || v.LeaderID != leader.id || len(v.Nodes) != 3 || !v.Ready {
			t.Errorf("admin/cluster on %s: %+v", n.id, v)
		}
		if (n == leader) != (v.State == "leader") {
			t.Errorf("%s says it is %s; the leader is %s", n.id, v.State, leader.id)
		}
		if n == leader {
			continue
		}
		status, header, raw := n.call(http.MethodPost, "/api/v1/teams", c.key, map[string]string{"name": "via " + n.id})
		if status != http.StatusCreated || header.Get("X-AlertifyPro-Node") != leader.id {
			t.Errorf("write through follower %s: %d %s (answered by %q), want it forwarded to %s",
				n.id, status, raw, header.Get("X-AlertifyPro-Node"), leader.id)
		}
	}
	oldTerm := c.status(leader).Term

	// kill -9 of the leader while four clients write.
	w := c.startWriters(4)
	time.Sleep(500 * time.Millisecond)
	killedAt := time.Now()
	leader.kill()
	waitForCond(t, 10*time.Second, "a write after the kill", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		_, ok := firstBy(w.acks, leader, killedAt)
		return ok
	})
	time.Sleep(500 * time.Millisecond)
	acks := w.halt()
	first, _ := firstBy(acks, leader, killedAt)
	failover := first.at.Sub(killedAt)
	before := 0
	for _, a := range acks {
		if a.by == leader {
			before++
		}
		acked = append(acked, a.id)
	}
	t.Logf("%d writes acknowledged (%d by the old leader); a new leader (%s) took a write %s after the kill",
		len(acks), before, first.by.id, failover.Round(time.Millisecond))
	if before == 0 {
		t.Error("the leader acknowledged no write under load before the kill")
	}
	if failover > 5*time.Second {
		t.Errorf("failover took %s, want at most 5s", failover)
	}
	next := first.by
	if v := c.status(next); v.State != "leader" || v.Term <= oldTerm {
		t.Errorf("new leader's view: %+v (old term %d)", v, oldTerm)
	}
	for _, n := range c.nodes {
		if n.running() {
			c.waitTeams(n, acked, 5*time.Second)
		}
	}

	leader.start()
	c.waitTeams(leader, acked, 10*time.Second)
	if v := c.status(leader); v.State != "follower" || v.LeaderID != next.id {
		t.Errorf("the restarted node's view: %+v", v)
	}
}

// A node started with another CLUSTER_KEY cannot join: the two nodes with the right key
// form the cluster without it, refuse its connections and log why; it never receives a
// write and never says it is ready.
func TestClusterRefusesANodeWithAnotherKey(t *testing.T) {
	c := newTestCluster(t, 3)
	intruder := c.nodes[2]
	intruder.env = append(intruder.env, "CLUSTER_KEY=another-key-another-cluster-0123456789")
	intruder.outsider = true
	c.startAll()
	c.register()
	id, by, _ := c.createTeam(5*time.Second, "members only")
	if by == intruder {
		t.Fatal("the node with another key took a write")
	}
	for _, n := range c.nodes[:2] {
		c.waitTeams(n, []string{id}, 5*time.Second)
	}
	waitForCond(t, 10*time.Second, "a node to log the refusal", func() bool {
		for _, n := range c.nodes[:2] {
			if len(n.logs.entries("cluster: refused a connection that did not authenticate as a node of this cluster "+
				"(another CLUSTER_KEY, or not an AlertifyPro node)")) > 0 {
				return true
			}
		}
		return false
	})
	if status, _, _ := intruder.call(http.MethodGet, "/api/v1/ready", "", nil); status != http.StatusServiceUnavailable {
		t.Errorf("the node with another key answers /ready with %d", status)
	}
	if c.hasTeam(intruder, id) {
		t.Error("the node with another key has the cluster's data")
	}
	// Without a leader it has nowhere to forward a write to, and cannot take it itself.
	status, _, raw := intruder.call(http.MethodPost, "/api/v1/auth/register", "",
		map[string]string{"email": "intruder@example.com", "password": "correct horse battery", "full_name": "Eve"})
	if status != http.StatusServiceUnavailable || !strings.Contains(string(raw), `"not_leader"`) {
		t.Errorf("a write on the node with another key: %d %s, want 503 not_leader", status, raw)
	}
}

// A node whose DATA_DIR was emptied, restarted with the same peers, does not start a
// cluster of its own: it installs the leader's snapshot (the log it would need is
// trimmed) and follows the leader with everything the cluster holds. Then the leader is
// stopped gracefully: it exits 0 and another node takes the next write.
func TestClusterEmptiedNodeInstallsASnapshot(t *testing.T) {
	c := newTestCluster(t, 3, "CLUSTER_SNAPSHOT_INTERVAL=1s", "CLUSTER_SNAPSHOT_THRESHOLD=5", "CLUSTER_TRAILING_LOGS=2")
	c.startAll()
	leader := c.register()
	var ids []string
	for i := range 12 {
		id, _, _ := c.createTeam(5*time.Second, fmt.Sprintf("team %d", i))
		ids = append(ids, id)
	}
	waitForCond(t, 10*time.Second, "the leader to snapshot", func() bool {
		return len(leader.logs.entries("snapshot complete up to")) > 0
	})
	var victim *clusterNode
	for _, n := range c.nodes {
		if n != leader {
			victim = n
		}
	}
	victim.kill()
	if err := os.RemoveAll(victim.dataDir); err != nil {
		t.Fatal(err)
	}
	last, _, _ := c.createTeam(5*time.Second, "while it was away")
	ids = append(ids, last)

	victim.start()
	c.waitTeams(victim, ids, 15*time.Second)
	if len(victim.logs.entries("database restored from a cluster snapshot")) == 0 {
		t.Error("the emptied node caught up without installing a snapshot")
	}
	if v := c.status(victim); v.State != "follower" || v.LeaderID != leader.id {
		t.Errorf("the emptied node's view: %+v", v)
	}

	// A leader stopped with SIGTERM stops its workers, hands leadership over and exits 0.
	stoppedAt := time.Now()
	if err := leader.terminate(15 * time.Second); err != nil {
		t.Fatalf("SIGTERM of the leader: %v", err)
	}
	_, next, _ := c.createTeam(10*time.Second, "after a graceful stop")
	t.Logf("the leader stopped and %s took a write %s after SIGTERM", next.id, time.Since(stoppedAt).Round(time.Millisecond))
	if len(leader.logs.entries("cluster: this node no longer leads")) == 0 {
		t.Error("the stopped leader never said it stopped leading")
	}
}

// A follower forwards a write to the leader over the nodes' mutual TLS: the client gets
// the leader's answer (its node and index), the write is on every node, and the audit log
// records the client's own address — which only nodes can set: a client that sends the
// header itself, to the leader or through a follower, is recorded with its real address.
func TestClusterFollowersForwardWrites(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	var followers []*clusterNode
	for _, n := range c.nodes {
		if n != leader {
			followers = append(followers, n)
		}
	}
	spoof := http.Header{"X-Alertifypro-Client-Ip": {"10.9.9.9"}}
	for _, tc := range []struct {
		name   string
		via    *clusterNode
		from   string
		header http.Header
	}{
		{"through a follower", followers[0], "127.0.0.2", nil},
		{"through the other follower, claiming another address", followers[1], "127.0.0.3", spoof},
		{"to the leader, claiming another address", leader, "127.0.0.4", spoof},
	} {
		status, header, raw := tc.via.callFrom(tc.from, http.MethodPost, "/api/v1/teams", c.key,
			map[string]string{"name": tc.name}, tc.header)
		if status != http.StatusCreated {
			t.Fatalf("%s: %d %s", tc.name, status, raw)
		}
		if got := header.Get("X-AlertifyPro-Node"); got != leader.id {
			t.Errorf("%s: answered by node %q, want the leader %s", tc.name, got, leader.id)
		}
		if header.Get("X-AlertifyPro-Index") == "" || len(header.Values("X-AlertifyPro-Node")) != 1 ||
			len(header.Values("X-Request-Id")) != 1 || len(header.Values("Vary")) != 1 {
			t.Errorf("%s: headers %v", tc.name, header)
		}
		var team struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &team); err != nil {
			t.Fatal(err)
		}
		for _, n := range c.nodes {
			c.waitTeams(n, []string{team.ID}, 5*time.Second)
		}
		status, _, raw = tc.via.call(http.MethodGet, "/api/v1/audit-logs?limit=100", c.token, nil)
		var entries []struct {
			Event string `json:"event"`
			Actor struct {
				IP string `json:"ip"`
			} `json:"actor"`
			Resource struct {
				ID string `json:"id"`
			} `json:"resource"`
		}
		if status != http.StatusOK || json.Unmarshal(raw, &entries) != nil {
			t.Fatalf("audit log: %d %s", status, raw)
		}
		found := false
		for _, e := range entries {
			if e.Event == "team.created" && e.Resource.ID == team.ID {
				found = true
				if e.Actor.IP != tc.from {
					t.Errorf("%s: the audit log records the client as %q, want %s", tc.name, e.Actor.IP, tc.from)
				}
			}
		}
		if !found {
			t.Errorf("%s: no audit entry for the team", tc.name)
		}
	}
	// Followers read with the API key without trying to record its use (a write).
	for _, n := range followers {
		if e := n.logs.entries("api key last_used_at not updated"); len(e) > 0 {
			t.Errorf("follower %s tried to record the key's use: %v", n.id, e[0])
		}
	}
}

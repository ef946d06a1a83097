package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// The cluster's nodes check the built-in location's services as its agents (SPEC §9),
// and an agent may connect to any node. The nodes and agents run as processes on
// loopback, their checks leaving from addresses of their own, so a loopback target tells
// who checked what.

// clusterService creates an HTTP service of interval seconds on endpoint through the
// cluster (extra fields merged in) and returns its ID.
func (c *testCluster) clusterService(name, endpoint string, interval int, extra map[string]any) string {
	c.t.Helper()
	body := map[string]any{"name": name, "endpoint": endpoint, "check_type": "HTTP",
		"check_interval_seconds": interval, "timeout_seconds": 1}
	for k, v := range extra {
		body[k] = v
	}
	_, _, raw := c.write(10*time.Second, http.MethodPost, "/api/v1/services", body, http.StatusCreated)
	var svc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &svc); err != nil || svc.ID == "" {
		c.t.Fatalf("create a service: %v %s", err, raw)
	}
	return svc.ID
}

// recordedSince reports whether the cluster recorded a result of service id (of location,
// when not empty) checked after from, as any running node reads it.
func (c *testCluster) recordedSince(id, location string, from time.Time) bool {
	q := url.Values{"since": {from.UTC().Format(time.RFC3339Nano)}}
	if location != "" {
		q.Set("location", location)
	}
	for _, n := range c.runningNodes() {
		status, _, raw := request(n, 2*time.Second, http.MethodGet, "/api/v1/services/"+id+"/checks?"+q.Encode(), c.key, nil, nil)
		var checks []json.RawMessage
		if status == http.StatusOK && json.Unmarshal(raw, &checks) == nil {
			return len(checks) > 0
		}
	}
	return false
}

// builtinAgents are the agents the leader lists for the built-in location: connected
// node IDs.
func (c *testCluster) builtinAgents(leader *clusterNode) []string {
	status, _, raw := leader.call(http.MethodGet, "/api/v1/locations", c.key, nil)
	var locs []struct {
		Builtin bool `json:"builtin"`
		Agents  []struct {
			Name      string `json:"name"`
			Connected bool   `json:"connected"`
		} `json:"agents"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &locs) != nil {
		return nil
	}
	var out []string
	for _, l := range locs {
		for _, a := range l.Agents {
			if l.Builtin && a.Connected {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

// Every node, the leader included, checks a share of the built-in location's services as
// one of its agents: each service from exactly one node, all three nodes with a share, the
// leader listing the three as the location's agents; kill -9 of the leader hands its share
// to the two others, whose results the new leader records.
func TestClusterNodesCheckAsAgentsOfTheBuiltinLocation(t *testing.T) {
	const interval = 10 * time.Second // the API's shortest
	c := newTestCluster(t, 3)
	source := map[*clusterNode]string{}
	for i, n := range c.nodes {
		source[n] = fmt.Sprintf("127.0.0.%d", i+2)
		n.env = append(n.env, "PROBE_SOURCE_ADDR="+source[n])
	}
	c.startAll()
	leader := c.register()
	tg := newTarget(t)
	var ids, paths []string
	for i := range 24 {
		ids = append(ids, c.clusterService(servicePath(i), tg.srv.URL+servicePath(i), int(interval/time.Second), nil))
		paths = append(paths, servicePath(i))
	}
	waitForCond(t, 20*time.Second, "the three nodes connected as agents of the built-in location", func() bool {
		return len(c.builtinAgents(leader)) == 3
	})

	// Steady state: every service checked, each from one node, every node with a share.
	connected := time.Now()
	waitForCond(t, 2*interval, "every service checked", func() bool {
		return len(hitsBy(tg.all())) == len(paths)
	})
	steady := connected.Add(interval) // after the hand-overs of the nodes' arrivals
	time.Sleep(time.Until(steady.Add(2*interval + 500*time.Millisecond)))
	byPath := hitsBy(since(tg.all(), steady))
	owners := map[string]string{}
	for _, p := range paths {
		froms := sources(byPath[p])
		if len(froms) != 1 {
			t.Fatalf("%s was checked from %v in the steady state, want exactly one node", p, froms)
		}
		owners[p] = froms[0]
	}
	for _, n := range c.nodes {
		if countOf(owners, source[n]) == 0 {
			t.Fatalf("node %s (%s) checks none of the %d services: %v", n.id, source[n], len(paths), owners)
		}
	}
	for _, id := range ids {
		if !c.recordedSince(id, "", steady) {
			t.Fatalf("service %s: no result recorded in the steady state", id)
		}
	}

	// The leader dies: its share goes to the survivors, and the new leader records.
	leader.kill()
	killed := time.Now()
	next := c.waitLeaderAmong(15*time.Second, c.runningNodes())
	waitForCond(t, 40*time.Second, "every service checked again and recorded after the leader's death", func() bool {
		after := hitsBy(since(tg.all(), killed))
		for i, p := range paths {
			if len(after[p]) == 0 || !c.recordedSince(ids[i], "", killed) {
				return false
			}
		}
		return true
	})
	t.Logf("every service checked and recorded %s after the leader's kill", time.Since(killed).Round(100*time.Millisecond))
	for _, h := range since(tg.all(), killed.Add(100*time.Millisecond)) {
		if h.from == source[leader] {
			t.Fatalf("a check from the killed leader's address after its death: %+v", h)
		}
	}
	if got := c.builtinAgents(next); len(got) != 2 {
		t.Fatalf("the new leader lists %v as the built-in location's agents, want the two survivors", got)
	}
}

// An agent given two followers' URLs connects through the first, which forwards its
// channel to the leader; its results are recorded. kill -9 of the leader: it reconnects,
// through a follower, to the new leader, and results continue. The old leader back, kill -9
// of the follower it is connected through: it moves to another URL and results continue.
func TestClusterAgentConnectsThroughAnyNode(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	tg := newTarget(t)
	_, _, raw := c.writeWith(c.token, http.MethodPost, "/api/v1/locations", map[string]any{"name": "remote"}, http.StatusCreated)
	var loc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &loc); err != nil || loc.ID == "" {
		t.Fatalf("create a location: %v %s", err, raw)
	}
	_, _, raw = c.writeWith(c.token, http.MethodPost, "/api/v1/locations/"+loc.ID+"/tokens", map[string]any{"name": "t"}, http.StatusCreated)
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(raw, &tok); err != nil || tok.Token == "" {
		t.Fatalf("create a token: %v %s", err, raw)
	}
	var ids []string
	for i := range 4 {
		ids = append(ids, c.clusterService(servicePath(i), tg.srv.URL+servicePath(i), 10,
			map[string]any{"locations": []string{"remote"}}))
	}
	var followers []*clusterNode
	for _, n := range c.nodes {
		if n != leader {
			followers = append(followers, n)
		}
	}
	a := startAgent(t, "http://"+followers[0].httpAddr+",http://"+followers[1].httpAddr, tok.Token, "probe", "127.0.0.5")
	a.waitLog(15*time.Second, "assignments received", nil)
	recordedAll := func(from time.Time, what string) {
		t.Helper()
		waitForCond(t, 40*time.Second, what, func() bool {
			for _, id := range ids {
				if !c.recordedSince(id, "remote", from) {
					return false
				}
			}
			return true
		})
		t.Logf("%s: %s", what, time.Since(from).Round(100*time.Millisecond))
	}
	recordedAll(time.Now(), "results through a follower recorded")

	leader.kill()
	recordedAll(time.Now(), "results recorded after the leader's kill")

	leader.start()
	c.waitReady(leader, 20*time.Second)
	// The agent may have moved to the second URL while the first follower had no leader
	// (503): kill whichever node it is connected through now.
	conns := a.logs.entries("connected")
	via := followers[0]
	if server, _ := conns[len(conns)-1]["server"].(string); server == "http://"+followers[1].httpAddr {
		via = followers[1]
	}
	via.kill()
	recordedAll(time.Now(), "results recorded after the agent's node's kill")
	if n := len(a.logs.entries("connected")); n < 3 {
		t.Fatalf("the agent connected %d times, want at least 3 (first, after each kill)", n)
	}
}

// writeWith is write with another credential (an admin's session: API keys cannot make
// agent tokens).
func (c *testCluster) writeWith(token, method, path string, body any, want int) (*clusterNode, http.Header, []byte) {
	c.t.Helper()
	key := c.key
	c.key = token
	defer func() { c.key = key }()
	return c.write(10*time.Second, method, path, body, want)
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pause stops the node's process (SIGSTOP): to the others it is as if cut off, and it
// does not know it; resume (SIGCONT) lets it go on where it was.
func (n *clusterNode) pause() {
	n.t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		n.t.Fatal(err)
	}
}

func (n *clusterNode) resume() {
	n.t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		n.t.Fatal(err)
	}
}

// tryStatus reads node n's view of the cluster within a second; false when it does not
// answer (stopped, killed, or busy).
func (c *testCluster) tryStatus(n *clusterNode) (clusterView, bool) {
	var v clusterView
	status, _, raw := request(n, time.Second, http.MethodGet, "/api/v1/admin/cluster", c.token, nil, nil)
	return v, status == http.StatusOK && json.Unmarshal(raw, &v) == nil
}

// probeWrite offers a write to the nodes of via, every 50 ms, until one other than old
// takes it, and returns that node, the team's ID and how long after since it was taken.
func (c *testCluster) probeWrite(since time.Time, old *clusterNode, via []*clusterNode) (*clusterNode, string, time.Duration) {
	c.t.Helper()
	for deadline := since.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, n := range via {
			status, header, raw := request(n, 2*time.Second, http.MethodPost, "/api/v1/teams", c.key,
				map[string]string{"name": fmt.Sprintf("probe %d", time.Now().UnixNano())}, nil)
			var team struct {
				ID string `json:"id"`
			}
			if status == http.StatusCreated && json.Unmarshal(raw, &team) == nil {
				if by := c.answeredBy(header); by != old {
					return by, team.ID, time.Since(since)
				}
			}
		}
	}
	c.t.Fatalf("no node but %s took a write within 15s", old.id)
	return nil, "", 0
}

// others is the cluster's nodes but those of not.
func (c *testCluster) others(not ...*clusterNode) []*clusterNode {
	var out []*clusterNode
	for _, n := range c.nodes {
		skip := false
		for _, m := range not {
			skip = skip || n == m
		}
		if !skip {
			out = append(out, n)
		}
	}
	return out
}

// directWriters keep creating teams on node n itself, with a client timeout of timeout,
// until stop; they keep every team n acknowledged.
type directWriters struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	acks []string
	sent int
}

func (c *testCluster) startDirectWriters(n *clusterNode, count int, timeout time.Duration) *directWriters {
	d := &directWriters{stop: make(chan struct{})}
	for i := range count {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			for j := 0; ; j++ {
				select {
				case <-d.stop:
					return
				default:
				}
				status, _, raw := request(n, timeout, http.MethodPost, "/api/v1/teams", c.key,
					map[string]string{"name": fmt.Sprintf("direct %d-%d", i, j)}, nil)
				var team struct {
					ID string `json:"id"`
				}
				d.mu.Lock()
				d.sent++
				if status == http.StatusCreated && json.Unmarshal(raw, &team) == nil {
					d.acks = append(d.acks, team.ID)
				}
				d.mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	return d
}

func (d *directWriters) halt() []string {
	close(d.stop)
	d.wg.Wait()
	return d.acks
}

// SIGSTOP of the leader for 10 s (a partition it does not notice), then SIGCONT, while
// clients write through every node and straight to the stopped leader (with a timeout
// longer than the pause, so their requests are answered after it): the others elect a
// leader and take writes within 5 s; the old leader steps down once it runs again; every
// write any node acknowledged — the old leader's included — is on every node; and the
// register history through all nodes is linearizable.
func TestClusterPausedLeaderStepsDown(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	oldTerm := c.status(leader).Term
	history := c.startRegisterHistory(4)
	w := c.startWriters(2)
	direct := c.startDirectWriters(leader, 2, 30*time.Second)
	time.Sleep(2 * time.Second)

	pausedAt := time.Now()
	leader.pause()
	next, probeID, failover := c.probeWrite(pausedAt, leader, c.others(leader))
	time.Sleep(time.Until(pausedAt.Add(10 * time.Second)))
	leader.resume()
	resumedAt := time.Now()
	waitForCond(t, 10*time.Second, "the old leader to step down", func() bool {
		v, ok := c.tryStatus(leader)
		return ok && v.State == "follower" && v.Term > oldTerm && v.LeaderID != leader.id
	})
	stepDown := time.Since(resumedAt)
	time.Sleep(3 * time.Second) // writes and reads go on through all three
	directAcks := direct.halt()
	acks := w.halt()
	history.halt()

	t.Logf("%s led; %s took a write %s after the pause; the old leader, resumed after %s, stepped down within %s",
		leader.id, next.id, failover.Round(time.Millisecond), resumedAt.Sub(pausedAt).Round(time.Millisecond),
		stepDown.Round(time.Millisecond))
	if failover > 5*time.Second {
		t.Errorf("failover took %s, want at most 5s", failover)
	}
	direct.mu.Lock()
	t.Logf("%d writes acknowledged through any node; the old leader acknowledged %d of %d sent straight to it",
		len(acks), len(directAcks), direct.sent)
	direct.mu.Unlock()
	ids := append([]string{probeID}, directAcks...)
	for _, a := range acks {
		ids = append(ids, a.id)
	}
	for _, n := range c.nodes {
		c.waitTeams(n, ids, 10*time.Second)
	}
	if len(leader.logs.entries("cluster: this node no longer leads")) == 0 {
		t.Error("the paused leader never said it stopped leading")
	}
}

// A 5-node cluster loses two nodes at once — the leader and a follower, kill -9 — while
// clients write and read through every node: the three left elect a leader that takes
// writes within 5 s, every acknowledged write is on each of them, and the register history
// is linearizable.
func TestClusterFiveNodesLoseTwo(t *testing.T) {
	c := newTestCluster(t, 5)
	c.startAll()
	leader := c.register()
	history := c.startRegisterHistory(4)
	w := c.startWriters(3)
	time.Sleep(2 * time.Second)

	follower := c.others(leader)[0]
	killedAt := time.Now()
	var wg sync.WaitGroup
	for _, n := range []*clusterNode{leader, follower} {
		wg.Add(1)
		go func() { defer wg.Done(); n.kill() }()
	}
	wg.Wait()
	next, probeID, failover := c.probeWrite(killedAt, leader, c.runningNodes())
	time.Sleep(3 * time.Second)
	acks := w.halt()
	history.halt()
	t.Logf("killed %s (leader) and %s; %s took a write %s later; %d writes acknowledged",
		leader.id, follower.id, next.id, failover.Round(time.Millisecond), len(acks))
	if failover > 5*time.Second {
		t.Errorf("failover took %s, want at most 5s", failover)
	}
	ids := []string{probeID}
	for _, a := range acks {
		ids = append(ids, a.id)
	}
	for _, n := range c.runningNodes() {
		c.waitTeams(n, ids, 10*time.Second)
	}
}

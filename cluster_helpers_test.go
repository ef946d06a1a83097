package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The cluster tests run real `alertifypro serve` processes — this test binary re-executed
// as subcommandCmd("serve") — as the nodes of a cluster on 127.0.0.1, each with its own ports
// and DATA_DIR, and drive them through their HTTP APIs only.

// Secrets every node of a test cluster shares (SPEC §9: JWT_SECRET, ENCRYPTION_KEY).
const (
	clusterJWTSecret = "cluster-test-jwt-secret-0123456789abcdef"
	clusterEncKey    = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	clusterKey       = "cluster-test-key-0123456789abcdef0123"
)

// clusterNode is one node process: its ports, data directory, environment and log.
type clusterNode struct {
	t        *testing.T
	id       string
	httpAddr string
	raftAddr string
	dataDir  string
	env      []string // beyond the common ones
	outsider bool     // not a member of the cluster (another key): never waited for
	newer    bool     // runs as a binary that knows a newer schema (newerBinaryCmd)
	cmd      *exec.Cmd
	logs     *logBuffer
	done     chan error
	alive    atomic.Bool // started and not killed (read by writer goroutines)
}

// testCluster is the nodes of one cluster (a node's env may still make it another's).
type testCluster struct {
	t     *testing.T
	nodes []*clusterNode
	token string // the instance admin's session, once registered
	key   string // an API key of the admin's organization (enterprise: no rate limit)
}

// newTestCluster prepares n nodes n1..nN (not started); extra goes to every node's env.
func newTestCluster(t *testing.T, n int, extra ...string) *testCluster {
	t.Helper()
	c := &testCluster{t: t}
	// All ports are held until all are chosen, so no two nodes get the same one.
	var held []net.Listener
	port := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, ln)
		return ln.Addr().String()
	}
	defer func() {
		for _, ln := range held {
			ln.Close()
		}
	}()
	var peers []string
	for i := range n {
		node := &clusterNode{t: t, id: fmt.Sprintf("n%d", i+1), dataDir: filepath.Join(t.TempDir(), "data"),
			httpAddr: port(), raftAddr: port(), env: append([]string(nil), extra...)}
		peers = append(peers, node.id+"="+node.raftAddr)
		c.nodes = append(c.nodes, node)
	}
	for _, node := range c.nodes {
		node.env = append(node.env, "CLUSTER_PEERS="+strings.Join(peers, ","))
	}
	t.Cleanup(func() {
		for _, node := range c.nodes {
			node.kill()
			if t.Failed() {
				t.Logf("node %s log:\n%s", node.id, tail(node.logs.String(), 6000))
			}
		}
	})
	return c
}

// start starts the node's process (again, after a kill) and waits until it serves HTTP.
func (n *clusterNode) start() {
	n.t.Helper()
	cmd := subcommandCmd("serve")
	if n.newer {
		cmd = newerBinaryCmd()
	}
	cmd.Env = n.cmdEnv()
	if n.logs == nil {
		n.logs = &logBuffer{}
	}
	n.cmd, n.done = cmd, make(chan error, 1)
	cmd.Stdout, cmd.Stderr = n.logs, n.logs
	if err := cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	go func() { n.done <- cmd.Wait() }()
	n.alive.Store(true)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if status, _, _ := n.call(http.MethodGet, "/api/v1/health", "", nil); status == http.StatusOK {
			return
		}
		select {
		case err := <-n.done:
			n.done <- err
			n.t.Fatalf("node %s exited at start (%v):\n%s", n.id, err, tail(n.logs.String(), 4000))
		default:
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("node %s does not serve within 15s:\n%s", n.id, tail(n.logs.String(), 4000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdEnv is the node process's environment.
func (n *clusterNode) cmdEnv() []string {
	host, port, _ := net.SplitHostPort(n.httpAddr)
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"LISTEN_ADDR=" + host, "PORT=" + port, "DATA_DIR=" + n.dataDir, "BASE_URL=http://" + n.httpAddr,
		"JWT_SECRET=" + clusterJWTSecret, "ENCRYPTION_KEY=" + clusterEncKey, "BCRYPT_COST=4",
		"LOG_FORMAT=json", "CLUSTER_NODE_ID=" + n.id, "CLUSTER_BIND_ADDR=" + n.raftAddr,
		"CLUSTER_KEY=" + clusterKey}, n.env...)
}

// running reports whether the process was started and has not been killed.
func (n *clusterNode) running() bool { return n.alive.Load() }

// kill ends the process with SIGKILL (kill -9) and waits for it; harmless when not running.
func (n *clusterNode) kill() {
	if !n.running() {
		return
	}
	n.alive.Store(false)
	_ = n.cmd.Process.Kill()
	<-n.done
}

// terminate sends SIGTERM and returns the exit error (nil for status 0) within limit.
func (n *clusterNode) terminate(limit time.Duration) error {
	n.t.Helper()
	n.alive.Store(false)
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.done:
		return err
	case <-time.After(limit):
		_ = n.cmd.Process.Kill()
		<-n.done
		return fmt.Errorf("node %s did not stop within %s of SIGTERM", n.id, limit)
	}
}

// call sends a request with a JSON body (nil: none) and the bearer token (empty: none)
// and returns the status, the headers and the body; a transport error is status 0.
func (n *clusterNode) call(method, path, token string, body any) (int, http.Header, []byte) {
	return n.callFrom("", method, path, token, body, nil)
}

// callFrom is call from the local address from (empty: any) with extra headers.
func (n *clusterNode) callFrom(from, method, path, token string, body any, header http.Header) (int, http.Header, []byte) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			n.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, "http://"+n.httpAddr+path, r)
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Timeout: 10 * time.Second}
	if from != "" {
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		client.Transport = &http.Transport{DialContext: dialer.DialContext}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// waitFor polls cond every 20 ms until it holds, failing the test after timeout.
func waitForCond(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startAll starts every node.
func (c *testCluster) startAll() {
	c.t.Helper()
	for _, n := range c.nodes {
		n.start()
	}
}

// waitReady waits until node n answers /ready with 200: it has a leader and is in step.
func (c *testCluster) waitReady(n *clusterNode, timeout time.Duration) {
	c.t.Helper()
	waitForCond(c.t, timeout, n.id+" to be ready", func() bool {
		status, _, _ := n.call(http.MethodGet, "/api/v1/ready", "", nil)
		return status == http.StatusOK
	})
}

// write sends a write to every running node in turn until one (the leader) takes it, and
// returns that node, the status and body; it retries for up to timeout while no node
// does (an election). want is the status that means taken.
func (c *testCluster) write(timeout time.Duration, method, path string, body any, want int) (*clusterNode, http.Header, []byte) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, n := range c.nodes {
			if !n.running() {
				continue
			}
			status, header, raw := n.call(method, path, c.key, body)
			if status == want {
				return c.answeredBy(header), header, raw
			}
			if status != 0 && status != http.StatusServiceUnavailable {
				c.t.Fatalf("%s %s on %s: %d %s", method, path, n.id, status, raw)
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no node took %s %s within %s", method, path, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// answeredBy is the node an answer names (X-AlertifyPro-Node): with forwarding, the
// leader, whichever node was asked.
func (c *testCluster) answeredBy(header http.Header) *clusterNode {
	c.t.Helper()
	for _, n := range c.nodes {
		if n.id == header.Get("X-AlertifyPro-Node") {
			return n
		}
	}
	c.t.Fatalf("the answer names node %q", header.Get("X-AlertifyPro-Node"))
	return nil
}

// register registers the instance admin through whichever node leads, keeping its token.
// It waits for the first node to be ready (a leader is elected), so registration, which is
// limited per address, is not spent on an election.
func (c *testCluster) register() *clusterNode {
	c.t.Helper()
	c.waitReady(c.nodes[0], 15*time.Second)
	leader, _, raw := c.write(15*time.Second, http.MethodPost, "/api/v1/auth/register",
		map[string]string{"email": "admin@example.com", "password": "correct horse battery", "full_name": "Admin"},
		http.StatusCreated)
	var out struct {
		Token string `json:"token"`
		OrgID string `json:"org_id"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Token == "" {
		c.t.Fatalf("register: %v %s", err, raw)
	}
	c.token = out.Token
	// The API key the writes and reads use, of an organization on the enterprise plan,
	// whose keys have no rate limit: polling reads never run into one.
	status, _, raw := leader.call(http.MethodPut, "/api/v1/admin/organizations/"+out.OrgID, c.token,
		map[string]string{"plan_type": "enterprise"})
	if status != http.StatusOK {
		c.t.Fatalf("enterprise plan: %d %s", status, raw)
	}
	status, _, raw = leader.call(http.MethodPost, "/api/v1/api-keys", c.token, map[string]string{"name": "tests", "role": "admin"})
	var key struct {
		Key string `json:"key"`
	}
	if status != http.StatusCreated || json.Unmarshal(raw, &key) != nil || key.Key == "" {
		c.t.Fatalf("create an API key: %d %s", status, raw)
	}
	c.key = key.Key
	// Every node knows the account and the key before the tests use them there.
	for _, n := range c.nodes {
		if n.running() && !n.outsider {
			waitForCond(c.t, 5*time.Second, n.id+" to know the account", func() bool {
				status, header, _ := n.call(http.MethodGet, "/api/v1/teams", c.key, nil)
				return status == http.StatusOK && header.Get("X-RateLimit-Limit") == ""
			})
		}
	}
	return leader
}

// createTeam creates a team named name through the leader and returns its ID, the node
// that took it and the Raft index its answer carried.
func (c *testCluster) createTeam(timeout time.Duration, name string) (id string, by *clusterNode, index uint64) {
	c.t.Helper()
	by, header, raw := c.write(timeout, http.MethodPost, "/api/v1/teams", map[string]string{"name": name}, http.StatusCreated)
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" {
		c.t.Fatalf("create team: %v %s", err, raw)
	}
	index, err := strconv.ParseUint(header.Get("X-AlertifyPro-Index"), 10, 64)
	if err != nil || index == 0 {
		c.t.Fatalf("the write's answer carries X-AlertifyPro-Index %q", header.Get("X-AlertifyPro-Index"))
	}
	return out.ID, by, index
}

// hasTeam reports whether node n answers the team with id.
func (c *testCluster) hasTeam(n *clusterNode, id string) bool {
	status, _, _ := n.call(http.MethodGet, "/api/v1/teams/"+id, c.key, nil)
	return status == http.StatusOK
}

// waitTeams waits until node n answers every team of ids.
func (c *testCluster) waitTeams(n *clusterNode, ids []string, timeout time.Duration) {
	c.t.Helper()
	waitForCond(c.t, timeout, fmt.Sprintf("node %s to have all %d teams", n.id, len(ids)), func() bool {
		for _, id := range ids {
			if !c.hasTeam(n, id) {
				return false
			}
		}
		return true
	})
}

// clusterView is the part of GET /api/v1/admin/cluster the tests read.
type clusterView struct {
	Clustered bool   `json:"clustered"`
	NodeID    string `json:"node_id"`
	State     string `json:"state"`
	LeaderID  string `json:"leader_id"`
	Term      uint64 `json:"term"`
	Applied   uint64 `json:"applied_index"`
	Ready     bool   `json:"ready"`
	Nodes     []struct {
		ID     string `json:"id"`
		Leader bool   `json:"leader"`
	} `json:"nodes"`
}

// status reads node n's view of the cluster.
func (c *testCluster) status(n *clusterNode) clusterView {
	c.t.Helper()
	status, _, raw := n.call(http.MethodGet, "/api/v1/admin/cluster", c.token, nil)
	var v clusterView
	if status != http.StatusOK || json.Unmarshal(raw, &v) != nil {
		c.t.Fatalf("GET /admin/cluster on %s: %d %s", n.id, status, raw)
	}
	return v
}

package uitest

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
)

// clusterOf starts n in-process nodes of one cluster on loopback (each the application
// serve runs, with its own data directory and ports) and returns them once one leads.
func clusterOf(t *testing.T, n int) (nodes []*server, leader *server) {
	t.Helper()
	var peers []string
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		peers = append(peers, fmt.Sprintf("n%d=%s", i+1, ln.Addr()))
		ln.Close()
	}
	for i := range n {
		nodes = append(nodes, startServer(t, serverOptions{Configure: func(c *config.Config) {
			c.ClusterPeers, c.ClusterNodeID, c.ClusterKey = peers, fmt.Sprintf("n%d", i+1), "uitest-cluster-key-0123456789abcdef0123"
			_, addr, _ := cutPeer(peers[i])
			c.ClusterBindAddr = addr
		}}))
	}
	deadline := time.Now().Add(20 * time.Second)
	for leader == nil {
		leader = nil
		ready := 0
		for _, s := range nodes {
			if s.App.Cluster().Leadership().Leading() {
				leader = s
			}
			if s.App.Cluster().Ready() == nil {
				ready++
			}
		}
		if ready < len(nodes) {
			leader = nil // every node in step first
		}
		if time.Now().After(deadline) {
			t.Fatal("no node leads with every node ready within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nodes, leader
}

// cutPeer splits "id=host:port".
func cutPeer(p string) (id, addr string, ok bool) {
	for i := range p {
		if p[i] == '=' {
			return p[:i], p[i+1:], true
		}
	}
	return "", "", false
}

// TestAdminClusterPanel: SPEC §9 — the instance-admin page shows the cluster: every node
// with its role, applied index, lag, reachability and schema version, as the leader sees
// them, refreshed while the page is open; a follower that stops turns unreachable. A
// single node says it is not clustered.
func TestAdminClusterPanel(t *testing.T) {
	nodes, leader := clusterOf(t, 3)
	b := newBrowser(t, leader, 90*time.Second)
	// The form is sent again while an election (slow machines, -race) refuses it.
	b.open("/signup")
	b.fill("full_name", "Ada Lovelace")
	b.fill("email", "ada@example.com")
	b.fill("password", "correct horse battery")
	for try := 1; ; try++ {
		b.click("Sign up")
		b.waitFor("the dashboard, or a refusal during an election", `document.body.innerText.includes('Dashboard') ||
			document.body.innerText.includes('is not its leader')`, 15*time.Second)
		if evalJS[bool](b, `document.body.innerText.includes('Dashboard')`) {
			break
		}
		if try == 5 {
			t.Fatal("the sign-up was refused five times: no stable leader")
		}
		time.Sleep(time.Second)
	}
	b.open("/admin")
	b.waitFor("three nodes, one leader, the others reachable with their applied index", `(() => {
		const p = document.querySelector('[data-cluster-panel="clustered"]');
		if (!p) return false;
		const rows = [...p.querySelectorAll('tbody tr')];
		return rows.length === 3 && rows.filter((r) => r.querySelector('[data-role="leader"]')).length === 1 &&
			rows.filter((r) => r.querySelector('[data-reach="reachable"]')).length === 2 &&
			rows.every((r) => /^\d+$/.test(r.querySelector('td[data-label="Applied"]').textContent.trim())) &&
			p.querySelector('[data-cluster-summary]').textContent.includes('leader n'); })()`, 15*time.Second)
	b.screenshot("admin-cluster")

	var follower *server
	for _, s := range nodes {
		if s != leader {
			follower = s
		}
	}
	id := follower.App.Cluster().NodeID()
	follower.Stop()
	b.waitFor("the stopped follower unreachable", `(() => {
		const r = document.querySelector('[data-cluster-panel="clustered"] tr[data-row-key="`+id+`"]');
		return r && r.querySelector('[data-reach="unreachable"]') !== null; })()`, 15*time.Second)
	b.screenshot("admin-cluster-unreachable")
}

// TestAdminNotClustered: a single node's admin page says it is not clustered.
func TestAdminNotClustered(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.open("/admin")
	b.waitFor("the single-node note", `document.querySelector('[data-cluster-panel="single"]')?.textContent.includes('Not clustered')`, 10*time.Second)
}

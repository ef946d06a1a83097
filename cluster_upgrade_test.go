package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/internal/app"
)

// newerBinaryArg, after the test flags, makes TestNewerBinaryProcess serve as a binary
// that knows one schema migration more than this one (store.Options.FutureSchemaForTest).
const newerBinaryArg = "alertifypro-newer-binary"

// TestNewerBinaryProcess is the process of a node of the next release in the rolling
// upgrade test (a no-op in a normal run).
func TestNewerBinaryProcess(t *testing.T) {
	if args := flag.Args(); len(args) != 1 || args[0] != newerBinaryArg {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := serveWith(ctx, os.Stderr, app.Options{FutureSchemaForTest: 1})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "newer binary:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// newerBinaryCmd is `alertifypro serve` of the next release, as a process of this binary.
func newerBinaryCmd() *exec.Cmd {
	return exec.Command(os.Args[0], "-test.run=^TestNewerBinaryProcess$", "--", newerBinaryArg)
}

// schemaView is a node's schema versions as GET /admin/cluster shows them.
type schemaView struct {
	Binary uint64 `json:"schema_version"`
	File   uint64 `json:"store_schema_version"`
	State  string `json:"state"`
}

func (c *testCluster) schemaOf(n *clusterNode) schemaView {
	c.t.Helper()
	var v schemaView
	status, _, raw := n.call(http.MethodGet, "/api/v1/admin/cluster", c.token, nil)
	if status != http.StatusOK || json.Unmarshal(raw, &v) != nil {
		c.t.Fatalf("GET /admin/cluster on %s: %d %s", n.id, status, raw)
	}
	return v
}

// A rolling upgrade through the schema gate (SPEC §9). Each node advertises the schema its
// binary knows; a node of the next release does not migrate the cluster's file itself.
// Followers are upgraded one at a time; the old leader is stopped and a new-release node
// leads: it holds the migration while a voter is down, and while that voter comes back
// with the old release (logging who holds it up); once it comes back upgraded, the leader
// migrates every node's file through the cluster. The old release then refuses the
// migrated file.
func TestClusterRollingUpgradeSchemaGate(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	c.createTeam(10*time.Second, "before the upgrade")
	old := c.schemaOf(leader)
	if old.Binary == 0 || old.File != old.Binary {
		t.Fatalf("before the upgrade the leader shows %+v", old)
	}
	upgrade := func(n *clusterNode, newer bool) {
		t.Helper()
		if n.running() {
			if err := n.terminate(15 * time.Second); err != nil {
				t.Logf("%s exited with %v", n.id, err)
			}
		}
		n.newer = newer
		n.start()
		c.waitReady(n, 20*time.Second)
	}
	for _, n := range c.nodes {
		if n != leader {
			upgrade(n, true)
			v := c.schemaOf(n)
			if v.Binary != old.Binary+1 || v.File != old.File {
				t.Fatalf("upgraded follower %s shows %+v: want binary %d, its file still %d", n.id, v, old.Binary+1, old.File)
			}
		}
	}

	// The old leader stops: a new-release node leads, and holds the migration while the
	// third voter is down...
	if err := leader.terminate(15 * time.Second); err != nil {
		t.Logf("the old leader exited with %v", err)
	}
	next := c.waitLeaderAmong(15*time.Second, c.runningNodes())
	held := func(why string) {
		t.Helper()
		waitForCond(t, 10*time.Second, "the migration held ("+why+")", func() bool {
			for _, line := range strings.Split(next.logs.String(), "\n") {
				if strings.Contains(line, "HELD") && strings.Contains(line, leader.id+" "+why) {
					return true
				}
			}
			return false
		})
	}
	held("unreachable")
	// ...and while it runs the old release.
	upgrade(leader, false)
	held(fmt.Sprintf("knows version %d", old.Binary))
	time.Sleep(3 * time.Second) // past a poll of the gate
	for _, n := range c.runningNodes() {
		if v := c.schemaOf(n); v.File != old.File {
			t.Fatalf("%s's file moved to schema %d while a voter runs the old release", n.id, v.File)
		}
	}

	// The last voter upgraded: the leader migrates every node's file through the cluster.
	upgrade(leader, true)
	waitForCond(t, 20*time.Second, "every node's file migrated", func() bool {
		for _, n := range c.nodes {
			if c.schemaOf(n).File != old.File+1 {
				return false
			}
		}
		return true
	})
	c.createTeam(10*time.Second, "after the upgrade")

	// The old release refuses the migrated file, loudly.
	other := c.nodes[0]
	if other == c.waitLeaderAmong(10*time.Second, c.runningNodes()) {
		other = c.nodes[1]
	}
	if err := other.terminate(15 * time.Second); err != nil {
		t.Logf("%s exited with %v", other.id, err)
	}
	other.newer = false
	cmd := subcommandCmd("serve")
	cmd.Env = other.cmdEnv()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "newer than this binary") {
		t.Fatalf("the old release on a migrated file: %v\n%s", err, tail(string(out), 2000))
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// A backup may be taken from any node (SPEC §9): a follower streams its own copy, which
// holds every write it has applied, and the copy opens as a single node's database — the
// way an operator restores a cluster's data onto one machine.
func TestClusterBackupFromAFollower(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	var ids []string
	for i := range 5 {
		id, _, _ := c.createTeam(5*time.Second, fmt.Sprintf("backed up %d", i))
		ids = append(ids, id)
	}
	var follower *clusterNode
	for _, n := range c.nodes {
		if n != leader {
			follower = n
			break
		}
	}
	c.waitTeams(follower, ids, 10*time.Second)
	status, _, raw := follower.call(http.MethodGet, "/api/v1/organization", c.token, nil)
	var org struct {
		ID string `json:"id"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &org) != nil || org.ID == "" {
		t.Fatalf("GET /organization on %s: %d %s", follower.id, status, raw)
	}

	out := filepath.Join(t.TempDir(), "follower.db")
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"backup", "--out", out, "--url", "http://" + follower.httpAddr, "--token", c.token}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "backup from http://"+follower.httpAddr) {
		t.Fatalf("backup from follower %s: exit %d: %s %s", follower.id, code, stdout.String(), stderr.String())
	}
	if err := store.CheckFile(out); err != nil {
		t.Fatalf("the follower's copy: %v", err)
	}
	db, err := store.Open(out, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatalf("the follower's copy does not open as a single node: %v", err)
	}
	defer db.Close()
	for _, id := range ids {
		if _, err := db.Team(org.ID, id); err != nil {
			t.Errorf("team %s acknowledged before the backup is missing from the follower's copy: %v", id, err)
		}
	}
}

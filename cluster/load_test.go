package cluster

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// Load programs of the cluster's SPEC §6 targets (ALERTIFYPRO_LOAD=1): three nodes on
// loopback in this process, each with its own store (fsync on) and Raft log, over the
// nodes' mutual TLS. Each fails below its target.

// requireLoad skips unless ALERTIFYPRO_LOAD=1.
func requireLoad(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1")
	}
}

// loadCluster starts three nodes and returns the leader, the nodes and an enterprise
// organization (no service limit) created through the leader.
func loadCluster(t *testing.T) (*testNode, []*testNode, *store.Organization) {
	var nodes []*testNode
	for _, cfg := range configs(t, 3, "0123456789abcdef0123456789abcdef") {
		nodes = append(nodes, start(t, cfg, t.TempDir()))
	}
	leader := leaderOf(t, nodes)
	u := &store.User{Email: "load@example.com", FullName: "Load", PasswordHash: "$2a$10$hash"}
	org := &store.Organization{Name: "Load", PlanType: "enterprise", MaxServices: -1}
	if err := leader.db.Register(u, org, &store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	return leader, nodes, org
}

// waitApplied waits until every node applied what the leader has.
func waitApplied(t *testing.T, leader *testNode, nodes []*testNode) {
	want := leader.db.AppliedIndex()
	for _, n := range nodes {
		waitFor(t, 30*time.Second, n.id+" to apply the load", func() bool { return n.db.AppliedIndex() >= want })
	}
}

// Check results through Raft: 4 000 producers record results of 1 000 services for 10 s
// through the recorder (group commit: one Raft entry per group) on the leader. Target
// (SPEC §6): ≥ 10 000 durable results/s.
func TestLoadClusterResults(t *testing.T) {
	requireLoad(t)
	const services, producers, window = 1000, 4000, 10 * time.Second
	leader, nodes, org := loadCluster(t)
	ids := make([]string, services)
	for i := range services {
		s := &store.Service{Name: fmt.Sprintf("load-%04d", i), CheckType: "TCP", Endpoint: "127.0.0.1:1",
			CheckIntervalSeconds: 60, TimeoutSeconds: 5}
		if err := leader.db.CreateService(org.ID, s, nil); err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	var groups atomic.Int64
	commit := monitor.StoreCommit(leader.db)
	rec := monitor.NewRecorder(func(batch []monitor.Recorded) error {
		groups.Add(1)
		return commit(batch)
	}, 0)
	recDone := make(chan error, 1)
	go func() { recDone <- rec.Run() }()
	base := time.Now().Add(-time.Hour).Truncate(time.Minute)
	var acked atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(window)
	began := time.Now()
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; time.Now().Before(deadline); k++ {
				res := monitor.Result{CheckedAt: base.Add(time.Duration(k) * time.Second), Status: monitor.StatusGreen,
					ResponseTime: time.Duration(20+k%200) * time.Millisecond}
				if err := rec.Record(monitor.Recorded{OrgID: org.ID, ServiceID: ids[p%services], Result: res}); err != nil {
					failed.Store(err)
					return
				}
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	rec.Close()
	if err := <-recDone; err != nil {
		t.Fatal(err)
	}
	if err, _ := failed.Load().(error); err != nil {
		t.Fatalf("Record: %v", err)
	}
	waitApplied(t, leader, nodes)
	rate := float64(acked.Load()) / wall.Seconds()
	t.Logf("%d results in %s through Raft on 3 loopback nodes: %.0f results/s in %d groups (%.0f results per entry)",
		acked.Load(), wall.Round(time.Millisecond), rate, groups.Load(), float64(acked.Load())/float64(max(1, groups.Load())))
	if rate < 10000 {
		t.Errorf("%.0f results/s through Raft, want at least 10 000 (SPEC §6)", rate)
	}
}

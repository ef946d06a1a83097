package main

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load programs of the cluster's SPEC §6 targets (ALERTIFYPRO_LOAD=1), with real node
// processes on loopback; each fails below its target.

// requireClusterLoad skips unless ALERTIFYPRO_LOAD=1.
func requireClusterLoad(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1")
	}
}

// API writes through Raft: 32 clients create teams through the leader's HTTP API for 10 s
// (each write: the API, the leader's logic, a Raft commit fsynced by a quorum, the
// leader's apply). Target (SPEC §6): ≥ 1 000 writes/s.
func TestLoadClusterAPIWrites(t *testing.T) {
	requireClusterLoad(t)
	const clients, window = 32, 10 * time.Second
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	var acked, failed atomic.Int64
	latencies := make([][]time.Duration, clients)
	deadline := time.Now().Add(window)
	began := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; time.Now().Before(deadline); j++ {
				t0 := time.Now()
				status, _, _ := request(leader, 10*time.Second, http.MethodPost, "/api/v1/teams", c.key,
					map[string]string{"name": fmt.Sprintf("load %d-%d", i, j)}, nil)
				if status != http.StatusCreated {
					failed.Add(1)
					continue
				}
				latencies[i] = append(latencies[i], time.Since(t0))
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	rate := float64(acked.Load()) / wall.Seconds()
	p := func(q float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[int(q*float64(len(all)-1))].Round(100 * time.Microsecond)
	}
	t.Logf("%d writes in %s (%d failed): %.0f writes/s through Raft, p50 %s, p99 %s",
		acked.Load(), wall.Round(time.Millisecond), failed.Load(), rate, p(0.5), p(0.99))
	if failed.Load() > 0 {
		t.Errorf("%d writes failed", failed.Load())
	}
	if rate < 1000 {
		t.Errorf("%.0f API writes/s through Raft, want at least 1 000 (SPEC §6)", rate)
	}
}

// Failover: five times, kill -9 of the leader while clients write; the time from the kill
// to the first write another node took. Target (SPEC §9): ≤ 5 s each time.
func TestLoadClusterFailover(t *testing.T) {
	requireClusterLoad(t)
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	var times []time.Duration
	for range 5 {
		w := c.startWriters(4)
		time.Sleep(time.Second)
		killedAt := time.Now()
		leader.kill()
		next, _, took := c.probeWrite(killedAt, leader, c.runningNodes())
		w.halt()
		times = append(times, took)
		leader.start()
		c.waitReady(leader, 15*time.Second)
		leader = next
	}
	t.Logf("failover (kill -9 of the leader to the first write another node took): %v", times)
	for _, d := range times {
		if d > 5*time.Second {
			t.Errorf("a failover took %s, want at most 5s", d)
		}
	}
}

package api_test

// Load program for the heartbeat row of SPEC §6 (≥ 5 000 durable pings/s over HTTP, p99 ≤
// 25 ms on 2 cores), against the server serve runs (internal/app). It runs only with
// ALERTIFYPRO_LOAD=1, on loopback only, logs its figures (go test -v) and fails below
// either target; about 40 s in all. The client runs on the same cores as the server,
// so the figures are a lower bound for the server alone:
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadHeartbeatPings$' -v -timeout 5m ./api/
//
// Measured 2026-11-25 on the shared 2-core machine (client included): 8 396 durable
// pings/s, p50 7.0 ms, p99 18.5 ms, 64 in flight over 4 000 keys, every one found stored.

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/internal/app"
	"github.com/alertifypro/alertifypro/store"
)

const (
	loadHeartbeats  = 4000             // keys: 60/min each (burst 60), so the limit refuses none below 28 000/s
	loadConcurrency = 64               // requests in flight
	loadDuration    = 10 * time.Second // measured
)

// TestLoadHeartbeatPings drives POST /api/v1/heartbeat/{key} through the real server (its
// router, the per-key limit and the PingRecorder) into a real, fsynced bbolt file, then
// checks every acknowledged ping is in the store.
func TestLoadHeartbeatPings(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1 to run (see the top of heartbeat_ping_load_test.go)")
	}
	a, base := startApp(t, app.Options{})
	db := a.DB()
	org := &store.Organization{Name: "Load", Slug: "load", PlanType: "free", MaxServices: 5, Settings: store.DefaultOrgSettings()}
	if err := db.Register(&store.User{Email: "load@example.com", FullName: "Load", PasswordHash: "x"}, org,
		&store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, loadHeartbeats)
	ids := make([]string, loadHeartbeats)
	for i := range keys {
		keys[i] = fmt.Sprintf("load-%08x", i)
		next := time.Now().Add(time.Hour)
		hb := &store.Heartbeat{Name: keys[i], Schedule: "every 1h", Timezone: "UTC", GracePeriodSeconds: 300,
			UniqueKey: keys[i], KeyDigest: crypto.Digest(keys[i]), NextExpectedAt: &next}
		if err := db.CreateHeartbeat(org.ID, hb, nil); err != nil {
			t.Fatal(err)
		}
		ids[i] = hb.ID
	}

	const (
		targetRate = 5000                  // durable pings/s (SPEC §6)
		targetP99  = 25 * time.Millisecond // (SPEC §6)
	)
	url := base + "/api/v1/heartbeat/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConcurrency, MaxConnsPerHost: loadConcurrency}}

	var ok, failed atomic.Int64
	var next atomic.Int64
	lat := make([][]time.Duration, loadConcurrency)
	deadline := time.Now().Add(loadDuration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range loadConcurrency {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				key := keys[next.Add(1)%loadHeartbeats]
				t0 := time.Now()
				resp, err := client.Post(url+key, "application/json", strings.NewReader(`{"rows":1234,"status":"done"}`))
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	t.Logf("heartbeat pings over HTTP: %d acknowledged, %d failed in %v with %d in flight over %d keys",
		ok.Load(), failed.Load(), elapsed.Round(time.Millisecond), loadConcurrency, loadHeartbeats)
	rate := float64(ok.Load()) / elapsed.Seconds()
	t.Logf("throughput %.0f durable pings/s; latency p50 %v, p99 %v, max %v", rate, pct(0.50), pct(0.99), pct(1))
	if rate < targetRate {
		t.Errorf("%.0f durable pings/s; SPEC §6 wants ≥ %d", rate, targetRate)
	}
	if p99 := pct(0.99); p99 > targetP99 {
		t.Errorf("p99 %v; SPEC §6 allows %v", p99, targetP99)
	}

	// Every acknowledged ping was committed before its answer: count them in the store.
	stored := 0
	for _, id := range ids {
		p, err := db.HeartbeatPings(org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		stored += len(p)
	}
	if failed.Load() != 0 || int64(stored) != ok.Load() {
		t.Fatalf("%d pings stored for %d acknowledged (%d failed)", stored, ok.Load(), failed.Load())
	}
}

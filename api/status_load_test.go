package api_test

// Load program for the status-page row of SPEC §6 (cached public page ≥ 2 000 req/s with
// p99 ≤ 50 ms), against the server serve runs (internal/app) without its engine: the
// page's services point at names that must not be looked up. It runs only with
// ALERTIFYPRO_LOAD=1, on loopback only, for a bounded time with bounded concurrency, and
// logs its figures (go test -v):
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadStatusPage$' -v ./api/
//
// The server and the load generator share the machine's cores, so the figure is a lower
// bound of what the server alone would do.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/internal/app"
)

const (
	statusLoadDuration    = 10 * time.Second
	statusLoadConcurrency = 32
)

func TestLoadStatusPage(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1")
	}
	a, base := startApp(t, app.Options{NoEngine: true})
	slug := api.SeedStatusBench(t, a.DB())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: statusLoadConcurrency}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	url := base + "/status/" + slug
	ctx, cancel := context.WithTimeout(t.Context(), statusLoadDuration)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  atomic.Int64
		bytesRead atomic.Int64
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range statusLoadConcurrency {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<14)
			for ctx.Err() == nil {
				t0 := time.Now()
				n, err := getOnce(client, url)
				if err != nil {
					if ctx.Err() == nil {
						failures.Add(1)
					}
					continue
				}
				local = append(local, time.Since(t0))
				bytesRead.Add(n)
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(latencies) == 0 {
		t.Fatal("no successful request")
	}
	slices.Sort(latencies)
	rps := float64(len(latencies)) / elapsed.Seconds()
	p50, p99 := latencies[len(latencies)/2], latencies[len(latencies)*99/100]
	t.Logf("GET /status/%s: %d requests in %s with %d clients: %.0f req/s, p50 %s, p99 %s, %d failures, %d KiB per page",
		slug, len(latencies), elapsed.Round(time.Millisecond), statusLoadConcurrency, rps, p50, p99, failures.Load(),
		bytesRead.Load()/int64(len(latencies))/1024)
	if failures.Load() > 0 {
		t.Errorf("%d failed requests", failures.Load())
	}
	if rps < 2000 || p99 > 50*time.Millisecond {
		t.Errorf("below target: %.0f req/s (want ≥ 2000), p99 %s (want ≤ 50ms)", rps, p99)
	}
}

// getOnce fetches url and reads the whole body, returning its size.
func getOnce(client *http.Client, url string) (int64, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, nil
}

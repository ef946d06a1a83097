package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkGetServiceHTTP is BenchmarkGetService over real loopback TCP: an
// http.Server (httptest, 127.0.0.1) and keep-alive clients, so the figure
// includes HTTP parsing and the kernel's loopback path as a load program
// would see them. Client and server share the same 2 cores.
func BenchmarkGetServiceHTTP(b *testing.B) {
	router, key, ids := newServiceBench(b)
	srv := httptest.NewServer(router)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.SetParallelism(8) // 16 concurrent clients on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		i := 0
		for pb.Next() {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/services/"+ids[i%len(ids)], nil)
			req.Header.Set("Authorization", "Bearer "+key)
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			local = append(local, time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			i += 7
		}
		mu.Lock()
		latencies = append(latencies, local...)
		mu.Unlock()
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if len(latencies) > 0 {
		slices.Sort(latencies)
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99_ms")
	}
}

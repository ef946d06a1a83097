package api

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// measureParallel runs one request per iteration from parallel goroutines
// (b.RunParallel) and reports throughput (req/s) and the 99th-percentile
// latency (p99_ms), the two SPEC §6 API figures. do gets a per-goroutine
// counter and returns an error to stop that goroutine.
func measureParallel(b *testing.B, do func(i int) error) {
	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for i := 0; pb.Next(); i++ {
			start := time.Now()
			if err := do(i); err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(start))
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

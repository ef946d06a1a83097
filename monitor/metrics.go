package monitor

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// histogram is a fixed-bucket, lock-free Prometheus-style histogram.
type histogram struct {
	bounds []float64 // upper bounds in seconds, ascending
	counts []atomic.Uint64
	sumNs  atomic.Int64
	count  atomic.Uint64
}

func newHistogram(bounds ...float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds))}
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	for i, b := range h.bounds {
		if s <= b {
			h.counts[i].Add(1)
		}
	}
	h.sumNs.Add(int64(d))
	h.count.Add(1)
}

// quantile estimates q (0..1) as the upper bound of the bucket holding it.
func (h *histogram) quantile(q float64) time.Duration {
	n := h.count.Load()
	if n == 0 {
		return 0
	}
	want := uint64(q * float64(n))
	for i, b := range h.bounds {
		if h.counts[i].Load() >= want {
			return time.Duration(b * float64(time.Second))
		}
	}
	return time.Duration(h.bounds[len(h.bounds)-1] * float64(time.Second))
}

func (h *histogram) write(w io.Writer, name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for i, b := range h.bounds {
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, h.counts[i].Load())
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n",
		name, h.count.Load(), name, time.Duration(h.sumNs.Load()).Seconds(), name, h.count.Load())
}

// Metrics are the engine's own counters (SPEC §3.20), exported on /metrics.
type Metrics struct {
	green, yellow, red atomic.Uint64
	skipped            atomic.Uint64 // due while a check of the service still ran
	inFlight           atomic.Int64
	duration           *histogram
	drift              *histogram
}

// NewMetrics returns zeroed engine metrics.
func NewMetrics() *Metrics {
	return &Metrics{
		duration: newHistogram(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
		drift:    newHistogram(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
	}
}

// observeCheck counts one finished check.
func (m *Metrics) observeCheck(r Result, took time.Duration) {
	switch r.Status {
	case StatusGreen:
		m.green.Add(1)
	case StatusYellow:
		m.yellow.Add(1)
	default:
		m.red.Add(1)
	}
	m.duration.observe(took)
}

// ChecksTotal returns the number of checks finished so far.
func (m *Metrics) ChecksTotal() uint64 { return m.green.Load() + m.yellow.Load() + m.red.Load() }

// DriftQuantile estimates the q-quantile of scheduling drift (actual minus
// planned start) from the histogram's buckets.
func (m *Metrics) DriftQuantile(q float64) time.Duration { return m.drift.quantile(q) }

// CheckCounts returns the checks finished so far by result status (GREEN, YELLOW, RED):
// the API writes them as alertifypro_checks_total with the agents' results of every
// location (SPEC §8).
func (m *Metrics) CheckCounts() map[string]uint64 {
	return map[string]uint64{StatusGreen: m.green.Load(), StatusYellow: m.yellow.Load(), StatusRed: m.red.Load()}
}

// WritePrometheus writes the engine metrics in the Prometheus text format, but for
// alertifypro_checks_total (CheckCounts).
func (m *Metrics) WritePrometheus(w io.Writer) {
	fmt.Fprintf(w, "# HELP alertifypro_checks_skipped_total Scheduled checks not started because a check of the service (an earlier one or a check-now) still ran.\n# TYPE alertifypro_checks_skipped_total counter\nalertifypro_checks_skipped_total %d\n", m.skipped.Load())
	fmt.Fprintf(w, "# HELP alertifypro_checks_in_flight Checks running now.\n# TYPE alertifypro_checks_in_flight gauge\nalertifypro_checks_in_flight %d\n", m.inFlight.Load())
	m.duration.write(w, "alertifypro_check_duration_seconds", "Time a check took, probe and commit.")
	m.drift.write(w, "alertifypro_scheduler_lag_seconds", "Scheduling drift: actual minus planned start of a check.")
}

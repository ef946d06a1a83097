package monitor

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// histogram is a fixed-bucket, lock-free Prometheus-style histogram. Each observation
// adds to the one bucket it falls in; the cumulative counts Prometheus wants are summed
// when read.
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
	i := 0
	for i < len(h.bounds) && s > h.bounds[i] {
		i++
	}
	if i < len(h.bounds) { // above the last bound: counted in +Inf only
		h.counts[i].Add(1)
	}
	h.sumNs.Add(int64(d))
	h.count.Add(1)
}

// snapshot returns the cumulative counts (observations ≤ each bound) and the total.
func (h *histogram) snapshot() HistogramSnapshot {
	s := HistogramSnapshot{Bounds: make([]time.Duration, len(h.bounds)), Counts: make([]uint64, len(h.bounds))}
	var sum uint64
	for i, b := range h.bounds {
		sum += h.counts[i].Load()
		s.Bounds[i], s.Counts[i] = time.Duration(b*float64(time.Second)), sum
	}
	s.Count = max(h.count.Load(), sum)
	return s
}

// quantile estimates q (0..1) as the upper bound of the bucket holding it.
func (h *histogram) quantile(q float64) time.Duration { return h.snapshot().Quantile(q) }

func (h *histogram) write(w io.Writer, name, help string) {
	s := h.snapshot()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for i, b := range h.bounds {
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, s.Counts[i])
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n",
		name, s.Count, name, time.Duration(h.sumNs.Load()).Seconds(), name, s.Count)
}

// HistogramSnapshot is one of the engine's histograms at a moment: Counts[i] observations
// took at most Bounds[i]; Count is every observation, those above the last bound included.
type HistogramSnapshot struct {
	Bounds []time.Duration
	Counts []uint64
	Count  uint64
}

// Since returns what was observed between before (an earlier snapshot of the same
// histogram) and s.
func (s HistogramSnapshot) Since(before HistogramSnapshot) HistogramSnapshot {
	out := HistogramSnapshot{Bounds: s.Bounds, Counts: make([]uint64, len(s.Counts)), Count: s.Count - before.Count}
	for i := range s.Counts {
		out.Counts[i] = s.Counts[i] - before.Counts[i]
	}
	return out
}

// Quantile estimates the q-quantile (0..1) as the upper bound of the bucket holding it;
// the last bound when it lies beyond, 0 when nothing was observed.
func (s HistogramSnapshot) Quantile(q float64) time.Duration {
	if s.Count == 0 || len(s.Bounds) == 0 {
		return 0
	}
	want := uint64(q * float64(s.Count))
	for i, c := range s.Counts {
		if c >= want {
			return s.Bounds[i]
		}
	}
	return s.Bounds[len(s.Bounds)-1]
}

// Over returns how many observations took longer than bound (one of Bounds).
func (s HistogramSnapshot) Over(bound time.Duration) uint64 {
	for i, b := range s.Bounds {
		if b == bound {
			return s.Count - s.Counts[i]
		}
	}
	return s.Count
}

// Metrics are the engine's own counters (SPEC §3.20), exported on /metrics.
type Metrics struct {
	green, yellow, red atomic.Uint64
	skipped            atomic.Uint64 // due while a check of the service still ran
	inFlight           atomic.Int64
	duration           *histogram
	drift              *histogram
	// commitLatency is each result's time from its hand-over to the recorder to its
	// commit, i.e. to its acknowledgement (SPEC §4.3).
	commitLatency *histogram
}

// NewMetrics returns zeroed engine metrics.
func NewMetrics() *Metrics {
	return &Metrics{
		duration: newHistogram(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
		drift:    newHistogram(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
		commitLatency: newHistogram(0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5,
			10),
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

// Statuses returns the checks finished so far by result status.
func (m *Metrics) Statuses() (green, yellow, red uint64) {
	return m.green.Load(), m.yellow.Load(), m.red.Load()
}

// Drift returns the scheduling drift histogram (actual minus planned start).
func (m *Metrics) Drift() HistogramSnapshot { return m.drift.snapshot() }

// CommitLatency returns the histogram of results' time from hand-over to commit.
func (m *Metrics) CommitLatency() HistogramSnapshot { return m.commitLatency.snapshot() }

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
	m.commitLatency.write(w, "alertifypro_result_commit_seconds", "Time from a check result's hand-over to the recorder to its commit (its acknowledgement).")
}

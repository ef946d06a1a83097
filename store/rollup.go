package store

import (
	"math"
	"time"
)

// rollup aggregates the results of one service over one bucket of time (a UTC minute, hour
// or day). Counts are of results; downMS / maintenanceMS are the time attributed to the
// bucket while the service was RED / in maintenance (see seriesWriter.attribute). The
// response-time figures cover the up (GREEN and YELLOW) results only.
type rollup struct {
	total, up, degraded, down, maintenance uint64
	downMS, maintenanceMS                  uint64
	sumMS, minMS, maxMS                    uint64
	hist                                   [histBuckets]uint64
}

// histBuckets is the number of response-time histogram buckets.
const histBuckets = 24

// histUpperMS returns the exclusive upper bound, in ms, of histogram bucket i: a fixed
// 1-2-3-5-like log scale from 5 ms to 30 s, which puts common degraded thresholds (500 ms,
// 1 s) on bucket edges; the last bucket is open-ended.
func histUpperMS(i int) uint64 {
	bounds := [histBuckets - 1]uint64{5, 10, 15, 25, 35, 50, 75, 100, 150, 200, 300, 400,
		500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 30000}
	if i >= len(bounds) {
		return math.MaxUint64
	}
	return bounds[i]
}

// histBucket returns the histogram bucket of a response time.
func histBucket(ms uint64) int {
	i := 0
	for i < histBuckets-1 && ms >= histUpperMS(i) {
		i++
	}
	return i
}

// add counts one result with the given status and response time.
func (r *rollup) add(status string, ms uint64) {
	r.total++
	switch status {
	case StatusGreen, StatusYellow:
		if status == StatusYellow {
			r.degraded++
		}
		if r.up == 0 || ms < r.minMS {
			r.minMS = ms
		}
		r.maxMS = max(r.maxMS, ms)
		r.up++
		r.sumMS += ms
		r.hist[histBucket(ms)]++
	case StatusRed:
		r.down++
	case StatusMaintenance:
		r.maintenance++
	}
}

// merge adds o into r.
func (r *rollup) merge(o *rollup) {
	if o.up > 0 {
		if r.up == 0 || o.minMS < r.minMS {
			r.minMS = o.minMS
		}
		r.maxMS = max(r.maxMS, o.maxMS)
	}
	r.total += o.total
	r.up += o.up
	r.degraded += o.degraded
	r.down += o.down
	r.maintenance += o.maintenance
	r.downMS += o.downMS
	r.maintenanceMS += o.maintenanceMS
	r.sumMS += o.sumMS
	for i, c := range o.hist {
		r.hist[i] += c
	}
}

// avgMS is the mean response time of the up results; 0 when there are none.
func (r *rollup) avgMS() float64 {
	if r.up == 0 {
		return 0
	}
	return float64(r.sumMS) / float64(r.up)
}

// p95MS estimates the 95th-percentile response time from the histogram: it finds the
// bucket holding the rank and interpolates linearly inside it, with the bucket narrowed to
// [min, max] so that a single-valued series returns that value exactly.
func (r *rollup) p95MS() int {
	if r.up == 0 {
		return 0
	}
	rank := uint64(math.Ceil(0.95 * float64(r.up)))
	var seen uint64
	for i, c := range r.hist {
		if c == 0 || seen+c < rank {
			seen += c
			continue
		}
		lo, hi := uint64(0), histUpperMS(i)
		if i > 0 {
			lo = histUpperMS(i - 1)
		}
		lo, hi = max(lo, r.minMS), min(hi, r.maxMS)
		if hi < lo {
			hi = lo
		}
		est := float64(lo) + float64(hi-lo)*float64(rank-seen)/float64(c)
		return int(math.Round(est))
	}
	return int(r.maxMS)
}

// rollupLevel is one rollup resolution: 1m, 1h or 1d.
type rollupLevel int

// The rollup resolutions, finest first.
const (
	level1m rollupLevel = iota
	level1h
	level1d
	levelCount
)

// step is the bucket width of the level.
func (l rollupLevel) step() time.Duration {
	switch l {
	case level1m:
		return time.Minute
	case level1h:
		return time.Hour
	}
	return 24 * time.Hour
}

// bucket is the name of the level's bucket inside orgs/<orgID>/.
func (l rollupLevel) bucket() string {
	return [...]string{subRollup1m, subRollup1h, subRollup1d}[l]
}

// name is the resolution as the API spells it.
func (l rollupLevel) name() string {
	return [...]string{Resolution1m, Resolution1h, Resolution1d}[l]
}

// floorNanos truncates unix nanos to a multiple of step (UTC minute, hour or day: unix
// time has no leap seconds, so every UTC day is exactly 86 400 s).
func floorNanos(ns int64, step time.Duration) int64 {
	s := int64(step)
	if ns < 0 {
		return ns - (s+ns%s)%s
	}
	return ns - ns%s
}

// ceilNanos rounds unix nanos up to a multiple of step (saturating at the largest time).
func ceilNanos(ns int64, step time.Duration) int64 {
	f := floorNanos(ns, step)
	if f == ns || f > math.MaxInt64-int64(step) {
		return max(f, ns)
	}
	return f + int64(step)
}

// spread splits [start, end) (non-negative unix nanos) over the buckets of width step it
// overlaps and calls fn with each bucket's start and the overlap in milliseconds. Both ends
// are floored to whole milliseconds first, so the parts always add up to the whole at
// every level.
func spread(start, end int64, step time.Duration, fn func(bucketStart int64, ms uint64)) {
	msStart, msEnd := start/int64(time.Millisecond), end/int64(time.Millisecond)
	for b := floorNanos(start, step); b < end; b += int64(step) {
		lo := max(b/int64(time.Millisecond), msStart)
		hi := min((b+int64(step))/int64(time.Millisecond), msEnd)
		if hi > lo {
			fn(b, uint64(hi-lo))
		}
	}
}

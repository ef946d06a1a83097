package store

import (
	"bytes"
	"math"
	"time"
)

// Resolutions of a MetricsSeries, as the API spells them (SPEC §3.8).
const (
	ResolutionRaw = "raw"
	Resolution1m  = "1m"
	Resolution1h  = "1h"
	Resolution1d  = "1d"
)

// Longest range Metrics answers at each resolution; longer ranges take the next coarser
// one, so a chart never gets more than a few thousand points.
const (
	maxRawSpan = 6 * time.Hour
	max1mSpan  = 48 * time.Hour
	max1hSpan  = 90 * 24 * time.Hour
)

// MetricPoint is one point of a response-time / status chart. A raw point is one check:
// Status, ResponseTimeMS and StatusCode are its own, Total is 1 and Up 1 when it passed.
// A rollup point covers the bucket starting at Timestamp: Status is the worst of the
// bucket (RED if it saw a failure or down time, else YELLOW, GREEN, MAINTENANCE), and
// ResponseTimeMS is Avg rounded. Avg/Min/Max/P95 describe the up (GREEN and YELLOW)
// checks only and are 0 when Up is 0; P95 is estimated from a log-scale histogram.
type MetricPoint struct {
	Timestamp      time.Time
	Status         string
	ResponseTimeMS int
	StatusCode     int
	Avg            float64
	Min, Max, P95  int
	Up, Total      int
}

// MetricsSeries is the answer of Metrics: the resolution chosen and the points, oldest
// first (never nil).
type MetricsSeries struct {
	Resolution string
	Points     []MetricPoint
}

// openSeries checks that the organization and the service exist (ErrNotFound otherwise,
// also for a deleted service whose history is still being purged) and returns the
// organization bucket and the service's key prefix.
func openSeries(tx txn, orgID, serviceID string) (bucket, []byte, error) {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return bucket{}, nil, err
	}
	services := ob.Bucket([]byte(subServices))
	if !services.exists() || services.Get([]byte(serviceID)) == nil {
		return bucket{}, nil, notFoundf(entityService, "service %q", serviceID)
	}
	prefix, ok := seriesPrefix(serviceID)
	if !ok {
		return ob, nil, nil // a service without a UUID ID has no series: empty answers
	}
	return ob, prefix, nil
}

// scanSeries calls fn for each row of the series in [from, to) (unix nanos), oldest first,
// or newest first when desc; fn returns false to stop. A missing bucket or a nil prefix is empty.
func scanSeries(b bucket, prefix []byte, from, to int64, desc bool, fn func(k, v []byte) bool) {
	if !b.exists() || prefix == nil || from >= to {
		return
	}
	lo, hi := seriesKey(prefix, from), seriesKey(prefix, to)
	c := b.Cursor()
	if !desc {
		for k, v := c.Seek(lo); k != nil && bytes.Compare(k, hi) < 0; k, v = c.Next() {
			if !fn(k, v) {
				return
			}
		}
		return
	}
	k, v := c.Seek(hi)
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.Compare(k, lo) >= 0; k, v = c.Prev() {
		if !fn(k, v) {
			return
		}
	}
}

// unixBound converts a range end to unix nanos; the zero time means "no bound".
func unixBound(t time.Time, unbounded int64) int64 {
	if t.IsZero() {
		return unbounded
	}
	return seriesNanos(t)
}

// Checks returns the service's raw results checked in [since, until), newest first, at
// most limit of them (limit ≤ 0: all). A zero until means no upper bound. Results older
// than the raw retention are gone; ErrNotFound for an unknown organization or service.
func (db *DB) Checks(orgID, serviceID string, since, until time.Time, limit int) ([]CheckResult, error) {
	return db.ChecksAt(orgID, serviceID, "", since, until, limit)
}

// scanChecks appends to out the raw results of the series of prefix checked in [lo, hi),
// newest first, up to limit in all (≤ 0: no limit), tagged with the service and location.
func scanChecks(ob bucket, prefix []byte, serviceID, loc string, lo, hi int64, limit int, out []CheckResult) ([]CheckResult, error) {
	h, err := readHead(ob, prefix)
	if err != nil {
		return out, err
	}
	err = scanResults(ob, prefix, h, lo, hi, true, func(r *CheckResult) bool {
		r.ServiceID, r.Location = serviceID, loc
		out = append(out, *r)
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// Metrics returns the service's chart data for [from, to) at a resolution chosen by range:
// raw up to 6 h, 1m up to 48 h, 1h up to 90 days, else 1d — skipping any resolution whose
// retention no longer covers from (at the database clock), so old ranges never come back
// half empty. Rollup points are the buckets that start in [floor(from), to). Both ends
// are required (the API fills its defaults). ErrNotFound for an unknown organization or
// service.
func (db *DB) Metrics(orgID, serviceID string, from, to time.Time) (MetricsSeries, error) {
	return db.MetricsAt(orgID, serviceID, "", from, to)
}

// MetricsAt is Metrics of one probe location's checks (SPEC §8): "" is the service's own
// series — for a service of several locations, the quorum's verdicts.
func (db *DB) MetricsAt(orgID, serviceID, location string, from, to time.Time) (MetricsSeries, error) {
	out := MetricsSeries{Resolution: ResolutionRaw, Points: make([]MetricPoint, 0)}
	raw, level := chooseResolution(from, to, db.stamp(), db.retention)
	if !raw {
		out.Resolution = level.name()
	}
	lo, hi := unixBound(from, 0), unixBound(to, math.MaxInt64)
	err := db.view(func(tx txn) error {
		ob, prefix, _, err := openSeriesAt(tx, orgID, serviceID, location)
		if err != nil || prefix == nil {
			return err
		}
		h, err := readHead(ob, prefix)
		if err != nil {
			return err
		}
		if raw {
			return scanResults(ob, prefix, h, lo, hi, false, func(r *CheckResult) bool {
				out.Points = append(out.Points, rawPoint(seriesNanos(r.CheckedAt), r))
				return true
			})
		}
		return scanRollups(ob, level, prefix, h, floorNanos(lo, level.step()), hi, func(start int64, r *rollup) bool {
			out.Points = append(out.Points, rollupPoint(start, r))
			return true
		})
	})
	return out, err
}

// chooseResolution picks raw or a rollup level for a Metrics range (see Metrics).
func chooseResolution(from, to, now time.Time, p RetentionPolicy) (raw bool, l rollupLevel) {
	span := to.Sub(from)
	covers := func(keep time.Duration) bool { return !from.Before(now.Add(-keep)) }
	switch {
	case span <= maxRawSpan && covers(p.Raw):
		return true, 0
	case span <= max1mSpan && covers(p.Minute):
		return false, level1m
	case span <= max1hSpan && covers(p.Hour):
		return false, level1h
	}
	return false, level1d
}

// rawPoint turns one raw result into a chart point.
func rawPoint(ns int64, r *CheckResult) MetricPoint {
	p := MetricPoint{Timestamp: time.Unix(0, ns).UTC(), Status: r.Status, ResponseTimeMS: r.ResponseTimeMS, StatusCode: r.StatusCode, Total: 1}
	if r.Status == StatusGreen || r.Status == StatusYellow {
		p.Up, p.Avg, p.Min, p.Max, p.P95 = 1, float64(r.ResponseTimeMS), r.ResponseTimeMS, r.ResponseTimeMS, r.ResponseTimeMS
	}
	return p
}

// rollupPoint turns one rollup row into a chart point.
func rollupPoint(ns int64, r *rollup) MetricPoint {
	avg := r.avgMS()
	return MetricPoint{Timestamp: time.Unix(0, ns).UTC(), Status: r.worstStatus(), ResponseTimeMS: int(math.Round(avg)),
		Avg: avg, Min: int(r.minMS), Max: int(r.maxMS), P95: r.p95MS(), Up: int(r.up), Total: int(r.total)}
}

// worstStatus summarises a bucket for status bars: RED when it saw a failed check or down
// time, else YELLOW, GREEN, MAINTENANCE, or "" for an empty row.
func (r *rollup) worstStatus() string {
	switch {
	case r.down > 0 || r.downMS > 0:
		return StatusRed
	case r.degraded > 0:
		return StatusYellow
	case r.up > 0:
		return StatusGreen
	case r.maintenance > 0 || r.maintenanceMS > 0:
		return StatusMaintenance
	}
	return ""
}

package store

import "time"

// UptimeSummary is a service's availability over a period, computed from rollups only
// (SPEC §3.8, §4.4). From and To are the period actually covered: the requested one
// widened to whole rollup buckets at each edge, as fine as retention still allows (a
// minute near now, an hour or a day for older edges). Checks in maintenance are excluded:
// UptimePercentage is up / (total − maintenance) × 100 with GREEN and YELLOW up, and 100
// when nothing counts (TotalChecks 0 tells "no checks yet" apart).
type UptimeSummary struct {
	From, To           time.Time
	TotalChecks        int
	FailedChecks       int // RED
	DegradedChecks     int // YELLOW
	MaintenanceChecks  int
	DownSeconds        float64
	MaintenanceSeconds float64
	UptimePercentage   float64
	AvgResponseTimeMS  float64 // mean over the up checks; 0 when there are none
}

// Uptime summarises the service over [from, to) from its rollups: daily rows for whole
// UTC days, hourly rows for the whole hours of partial days at the edges, 1-minute rows
// for the partial hours at the edges (only ever near now, where they are retained).
// A year costs about 365 + 46 + 118 row reads. ErrNotFound for an unknown organization
// or service.
func (db *DB) Uptime(orgID, serviceID string, from, to time.Time) (UptimeSummary, error) {
	return db.UptimeAt(orgID, serviceID, "", from, to)
}

// UptimeAt is Uptime of one probe location's checks (SPEC §8): "" is the service's own
// series — for a service of several locations, the quorum's verdicts.
func (db *DB) UptimeAt(orgID, serviceID, location string, from, to time.Time) (UptimeSummary, error) {
	var out UptimeSummary
	err := db.view(func(tx txn) error {
		ob, prefix, _, err := openSeriesAt(tx, orgID, serviceID, location)
		if err != nil {
			return err
		}
		out, err = uptimeOf(ob, prefix, from, to, db.stamp(), db.retention)
		return err
	})
	return out, err
}

// uptimeSpan is a range of one rollup level, in unix nanos, [start, end).
type uptimeSpan struct {
	level      rollupLevel
	start, end int64
}

// finestLevel is the finest rollup level whose retention still covers t at now.
func finestLevel(t, now time.Time, p RetentionPolicy) rollupLevel {
	for l := range levelCount {
		if !t.Before(now.Add(-p.level(l))) {
			return l
		}
	}
	return level1d
}

// uptimePlan widens [from, to) to whole buckets of the finest level retained at each
// edge and splits it into the fewest rollup ranges: days inside, hours at the edges of
// partial days, minutes at the edges of partial hours.
func uptimePlan(from, to, now time.Time, p RetentionPolicy) (start, end int64, spans []uptimeSpan) {
	start = floorNanos(seriesNanos(from), finestLevel(from, now, p).step())
	end = ceilNanos(seriesNanos(to), finestLevel(to, now, p).step())
	var split func(a, b int64, l rollupLevel)
	split = func(a, b int64, l rollupLevel) {
		if a >= b {
			return
		}
		if l == level1m {
			spans = append(spans, uptimeSpan{l, a, b})
			return
		}
		whole0, whole1 := ceilNanos(a, l.step()), floorNanos(b, l.step())
		if whole0 >= whole1 {
			split(a, b, l-1)
			return
		}
		split(a, whole0, l-1)
		spans = append(spans, uptimeSpan{l, whole0, whole1})
		split(whole1, b, l-1)
	}
	split(start, end, level1d)
	return start, end, spans
}

// uptimeOf sums the rollups of one service over the plan for [from, to).
func uptimeOf(ob bucket, prefix []byte, from, to, now time.Time, p RetentionPolicy) (UptimeSummary, error) {
	start, end, spans := uptimePlan(from, to, now, p)
	h, err := readHead(ob, prefix)
	if err != nil {
		return UptimeSummary{}, err
	}
	var sum rollup
	for _, s := range spans {
		err := scanRollups(ob, s.level, prefix, h, s.start, s.end, func(_ int64, row *rollup) bool {
			sum.merge(row)
			return true
		})
		if err != nil {
			return UptimeSummary{}, err
		}
	}
	out := UptimeSummary{
		From: time.Unix(0, start).UTC(), To: time.Unix(0, end).UTC(),
		TotalChecks: int(sum.total), FailedChecks: int(sum.down), DegradedChecks: int(sum.degraded),
		MaintenanceChecks: int(sum.maintenance), DownSeconds: float64(sum.downMS) / 1000,
		MaintenanceSeconds: float64(sum.maintenanceMS) / 1000, UptimePercentage: 100, AvgResponseTimeMS: sum.avgMS(),
	}
	if counted := sum.total - sum.maintenance; counted > 0 {
		out.UptimePercentage = float64(sum.up) / float64(counted) * 100
	}
	return out, nil
}

// ServiceUptime is one service's row of the organization overview (GET /api/v1/metrics).
type ServiceUptime struct {
	ServiceID string
	Name      string
	Status    string
	Uptime24h UptimeSummary
	Uptime7d  UptimeSummary
	Uptime30d UptimeSummary // AvgResponseTimeMS of Uptime24h is the overview's 24 h average
}

// UptimeOverview returns, for every service of orgID in creation order, its uptime over
// the 24 hours, 7 days and 30 days ending at to, all read in one transaction from
// rollups. Never nil; ErrNotFound for an unknown organization.
func (db *DB) UptimeOverview(orgID string, to time.Time) ([]ServiceUptime, error) {
	out := make([]ServiceUptime, 0)
	now := db.stamp()
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		services, err := listJSON[Service](ob.Bucket([]byte(subServices)))
		if err != nil {
			return err
		}
		for _, s := range services {
			row := ServiceUptime{ServiceID: s.ID, Name: s.Name, Status: s.Status}
			prefix, _ := seriesPrefix(s.ID)
			for _, w := range []struct {
				dst  *UptimeSummary
				span time.Duration
			}{{&row.Uptime24h, 24 * time.Hour}, {&row.Uptime7d, 7 * 24 * time.Hour}, {&row.Uptime30d, 30 * 24 * time.Hour}} {
				if *w.dst, err = uptimeOf(ob, prefix, to.Add(-w.span), to, now, db.retention); err != nil {
					return err
				}
			}
			out = append(out, row)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

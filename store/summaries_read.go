package store

import (
	"fmt"
	"time"
)

// UptimeCounts are a service's checks over one window of the overview: up is GREEN and
// YELLOW (Degraded counts the YELLOW ones too), Down is RED; SumMS is the summed response
// time of the up checks.
type UptimeCounts struct {
	Total, Up, Degraded, Down, Maintenance int
	SumMS                                  uint64
}

// Percentage is the uptime as Uptime computes it, up / (total − maintenance) × 100; ok is
// false when no check counts (none, or only maintenance).
func (u UptimeCounts) Percentage() (pct float64, ok bool) {
	counted := u.Total - u.Maintenance
	if counted <= 0 {
		return 0, false
	}
	return float64(u.Up) / float64(counted) * 100, true
}

// AvgResponseTimeMS is the mean response time of the up checks; ok is false without any.
func (u UptimeCounts) AvgResponseTimeMS() (ms float64, ok bool) {
	if u.Up == 0 {
		return 0, false
	}
	return float64(u.SumMS) / float64(u.Up), true
}

// SparkPoint is one slot of a sparkline: the up checks of SparklineStep from Start and
// their mean response time (0 without any).
type SparkPoint struct {
	Start     time.Time
	Up        int
	AvgTimeMS float64
}

// ServiceSummary is one service's row of the organization overview.
type ServiceSummary struct {
	ServiceID, Name, Status        string
	Uptime24h, Uptime7d, Uptime30d UptimeCounts
	// Sparkline holds the SparklineSlots slots ending with the one holding the overview's
	// time, oldest first.
	Sparkline []SparkPoint
}

// ServiceSummaries returns the overview row of every service of orgID in ID (creation)
// order, as of to, in one read transaction: uptime over the 24 hours, 7 days and 30 days
// ending at to — the same figures Uptime gives for those periods, which start at the
// finest retained rollup level — and the response-time sparkline. Each row comes from
// the service's summary, its windows moved from where the janitor last left them to
// where they begin at to over the few rollup rows between; a service without a summary
// yet is counted from its rollups. Never nil; ErrNotFound for an unknown organization.
func (db *DB) ServiceSummaries(orgID string, to time.Time) ([]ServiceSummary, error) {
	out := make([]ServiceSummary, 0)
	now := db.stamp()
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		services, sums := ob.Bucket([]byte(subServices)), ob.Bucket([]byte(subSummaries))
		if !services.exists() {
			return nil
		}
		return services.ForEach(func(k, v []byte) error {
			svc, err := readServiceHead(v)
			if err != nil {
				return fmt.Errorf("store: decode service %q: %w", k, err)
			}
			row, err := db.summaryRow(ob, sums, svc.ID, to, now)
			if err != nil {
				return err
			}
			row.ServiceID, row.Name, row.Status = svc.ID, svc.Name, svc.Status
			out = append(out, row)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// summaryRow reads the summary of service id (built from the rollups when it has none) as
// of to.
func (db *DB) summaryRow(ob, sums bucket, id string, to, now time.Time) (ServiceSummary, error) {
	row := ServiceSummary{Sparkline: make([]SparkPoint, 0, SparklineSlots)}
	prefix, ok := seriesPrefix(id)
	if !ok {
		return row, nil // a service without a UUID ID has no series
	}
	rows := &seriesRows{ob: ob, prefix: prefix}
	var s summary
	var raw []byte
	if sums.exists() {
		raw = sums.Get([]byte(id))
	}
	if raw == nil || decodeSummary(raw, &s) != nil {
		built, err := buildSummary(rows, now, db.retention)
		if err != nil {
			return row, err
		}
		s = *built
	}
	for w := range windowCount {
		level, start := windowStart(w, to, now, db.retention)
		if err := shiftWindow(rows, &s.windows[w], level, start, now, db.retention); err != nil {
			return row, err
		}
	}
	row.Uptime24h, row.Uptime7d, row.Uptime30d = s.windows[window24h].uptime(), s.windows[window7d].uptime(), s.windows[window30d].uptime()
	last := seriesNanos(to) / int64(SparklineStep)
	for n := last - SparklineSlots + 1; n <= last; n++ {
		p := SparkPoint{Start: time.Unix(0, n*int64(SparklineStep)).UTC()}
		if n <= s.sparkEnd && n > s.sparkEnd-SparklineSlots {
			if slot := s.spark[n%SparklineSlots]; slot.up > 0 {
				p.Up, p.AvgTimeMS = int(slot.up), float64(slot.sumMS)/float64(slot.up)
			}
		}
		row.Sparkline = append(row.Sparkline, p)
	}
	return row, nil
}

// uptime is the window's counts as the overview gives them.
func (c counts) uptime() UptimeCounts {
	return UptimeCounts{Total: int(c.total), Up: int(c.up), Degraded: int(c.degraded), Down: int(c.down),
		Maintenance: int(c.maintenance), SumMS: c.sumMS}
}

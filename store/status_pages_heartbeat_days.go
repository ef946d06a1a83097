package store

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"time"
)

// heartbeatSpan is a stretch of time a heartbeat was down (one of its alerts, open from
// FiredAt until ResolvedAt or now).
type heartbeatSpan struct{ from, to time.Time }

// heartbeatDaily returns days daily bars from first (a UTC midnight) for each heartbeat of
// beats, built from its alerts: a heartbeat has no check results to roll up, but each
// alert with its heartbeat_id is a period it was down (a missed deadline or a /fail). For a
// heartbeat, Total and Up count seconds (observed since it was created, and not down)
// rather than checks, so their ratio is the day's uptime as for a service; days before
// the heartbeat existed have no data. The alerts bucket is read once for all heartbeats,
// and only alerts that name a heartbeat are decoded.
func heartbeatDaily(ob bucket, beats map[string]Heartbeat, first time.Time, days int, now time.Time) (map[string][]DailyUptime, error) {
	spans := map[string][]heartbeatSpan{}
	windowEnd := first.AddDate(0, 0, days)
	if alerts := ob.Bucket([]byte(subAlerts)); alerts.exists() {
		marker := []byte(`"heartbeat_id":"`)
		err := alerts.ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, marker) {
				return nil
			}
			var a struct {
				HeartbeatID string     `json:"heartbeat_id"`
				FiredAt     time.Time  `json:"fired_at"`
				ResolvedAt  *time.Time `json:"resolved_at"`
			}
			if err := decodeJSON(k, v, &a); err != nil {
				return err
			}
			if _, ok := beats[a.HeartbeatID]; !ok {
				return nil
			}
			end := now
			if a.ResolvedAt != nil {
				end = *a.ResolvedAt
			}
			if end.After(first) && a.FiredAt.Before(windowEnd) {
				spans[a.HeartbeatID] = append(spans[a.HeartbeatID], heartbeatSpan{a.FiredAt, end})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make(map[string][]DailyUptime, len(beats))
	for id, hb := range beats {
		out[id] = heartbeatDays(hb.CreatedAt, mergeSpans(spans[id]), first, days, now)
	}
	return out, nil
}

// heartbeatDays builds one heartbeat's bars from its down spans (merged, in order).
func heartbeatDays(created time.Time, spans []heartbeatSpan, first time.Time, days int, now time.Time) []DailyUptime {
	out := make([]DailyUptime, days)
	for i := range out {
		dayStart := first.AddDate(0, 0, i)
		d := DailyUptime{Day: dayStart, UptimePercentage: 100}
		from, to := later(dayStart, created), earlier(dayStart.Add(24*time.Hour), now)
		if observed := to.Sub(from); observed > 0 {
			down := time.Duration(0)
			for _, s := range spans {
				if o := earlier(to, s.to).Sub(later(from, s.from)); o > 0 {
					down += o
				}
			}
			// Whole seconds, rounded up, so a heartbeat created a moment ago has data.
			total := int(math.Ceil(observed.Seconds()))
			d.Total, d.Up = total, max(0, total-int(math.Ceil(down.Seconds())))
			d.DownSeconds = down.Seconds()
			d.UptimePercentage = float64(observed-down) / float64(observed) * 100
			d.Status = StatusGreen
			if down > 0 {
				d.Status = StatusRed
			}
		}
		out[i] = d
	}
	return out
}

// mergeSpans joins overlapping spans (alerts of several rules on one heartbeat), so no
// second of downtime counts twice.
func mergeSpans(spans []heartbeatSpan) []heartbeatSpan {
	slices.SortFunc(spans, func(a, b heartbeatSpan) int { return cmp.Compare(a.from.UnixNano(), b.from.UnixNano()) })
	var out []heartbeatSpan
	for _, s := range spans {
		if n := len(out); n > 0 && !s.from.After(out[n-1].to) {
			out[n-1].to = later(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

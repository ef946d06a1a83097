package store

import (
	"testing"
	"time"
)

func TestUptimePlan(t *testing.T) {
	now := time.Date(2026, 3, 10, 14, 37, 12, 0, time.UTC)
	p := DefaultRetention()
	at := func(d, h, m int) int64 { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC).UnixNano() }
	for _, c := range []struct {
		name       string
		from, to   time.Time
		start, end int64
		spans      []uptimeSpan
	}{
		{"last hour: minutes only", now.Add(-time.Hour), now, at(10, 13, 37), at(10, 14, 38),
			[]uptimeSpan{{level1m, at(10, 13, 37), at(10, 14, 38)}}},
		{"30 days: old edge snaps to the hour", now.Add(-30 * 24 * time.Hour), now, at(8, 14, 0) - 28*24*int64(time.Hour), at(10, 14, 38),
			[]uptimeSpan{
				{level1h, time.Date(2026, 2, 8, 14, 0, 0, 0, time.UTC).UnixNano(), time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC).UnixNano()},
				{level1d, time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC).UnixNano(), at(10, 0, 0)},
				{level1h, at(10, 0, 0), at(10, 14, 0)},
				{level1m, at(10, 14, 0), at(10, 14, 38)},
			}},
		{"a year: old edge snaps to the day", now.Add(-365 * 24 * time.Hour), now,
			time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC).UnixNano(), at(10, 14, 38),
			[]uptimeSpan{
				{level1d, time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC).UnixNano(), at(10, 0, 0)},
				{level1h, at(10, 0, 0), at(10, 14, 0)},
				{level1m, at(10, 14, 0), at(10, 14, 38)},
			}},
	} {
		start, end, spans := uptimePlan(c.from, c.to, now, p)
		if start != c.start || end != c.end || len(spans) != len(c.spans) {
			t.Errorf("%s: [%v, %v) %v", c.name, time.Unix(0, start).UTC(), time.Unix(0, end).UTC(), spans)
			continue
		}
		for i := range spans {
			if spans[i] != c.spans[i] {
				t.Errorf("%s: span %d = %s [%v, %v)", c.name, i, spans[i].level.name(), time.Unix(0, spans[i].start).UTC(), time.Unix(0, spans[i].end).UTC())
			}
		}
	}
}

// TestUptimeMatchesBruteForce records four days of checks every 7 minutes with a fixed
// status pattern and checks that Uptime over assorted ranges counts exactly the checks in
// the period it reports having covered.
func TestUptimeMatchesBruteForce(t *testing.T) {
	start := time.Date(2026, 3, 6, 3, 17, 0, 0, time.UTC)
	now := start.Add(4 * 24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	svc := createServices(t, db, org.ID, 1, 7*time.Minute)[0]
	statuses := []string{StatusGreen, StatusGreen, StatusYellow, StatusRed, StatusGreen, StatusMaintenance, StatusRed}
	var items []RecordItem
	for at, i := start, 0; at.Before(now); at, i = at.Add(7*time.Minute), i+1 {
		items = append(items, result(org.ID, svc.ID, at, statuses[i%len(statuses)], 10+i%13))
	}
	mustRecord(t, db, items...)
	for _, r := range [][2]time.Duration{{96 * time.Hour, 0}, {24 * time.Hour, 0}, {50 * time.Hour, 3 * time.Hour}, {90 * time.Minute, 20 * time.Minute}, {73*time.Hour + 11*time.Minute, 47*time.Hour + 3*time.Minute}} {
		up, err := db.Uptime(org.ID, svc.ID, now.Add(-r[0]), now.Add(-r[1]))
		if err != nil {
			t.Fatal(err)
		}
		var want UptimeSummary
		for _, it := range items {
			if at := it.Result.CheckedAt; at.Before(up.From) || !at.Before(up.To) {
				continue
			}
			want.TotalChecks++
			switch it.Result.Status {
			case StatusRed:
				want.FailedChecks++
			case StatusYellow:
				want.DegradedChecks++
			case StatusMaintenance:
				want.MaintenanceChecks++
			}
		}
		if up.TotalChecks != want.TotalChecks || up.FailedChecks != want.FailedChecks || up.DegradedChecks != want.DegradedChecks || up.MaintenanceChecks != want.MaintenanceChecks {
			t.Errorf("range now-%v..now-%v covered [%v, %v): got %+v, want counts %+v", r[0], r[1], up.From, up.To, up, want)
		}
		if up.From.After(now.Add(-r[0])) || up.To.Before(now.Add(-r[1])) {
			t.Errorf("covered period [%v, %v) does not contain the request", up.From, up.To)
		}
	}
}

func TestQueriesTakeOpenAndExtremeEnds(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, fiveChecks(org.ID, svc.ID)...)
	farFuture := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	if c, err := db.Checks(org.ID, svc.ID, time.Time{}, farFuture, 0); err != nil || len(c) != 5 {
		t.Errorf("Checks(zero, year 3000) = %d, %v", len(c), err)
	}
	if up, err := db.Uptime(org.ID, svc.ID, time.Time{}, farFuture); err != nil || up.TotalChecks != 5 || !up.From.Equal(time.Unix(0, 0)) {
		t.Errorf("Uptime(zero, year 3000) = %+v, %v", up, err)
	}
	if up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch); up.TotalChecks != 0 || up.UptimePercentage != 100 {
		t.Errorf("empty range: %+v", up)
	}
	if _, err := db.Uptime("no-such-org", svc.ID, seriesEpoch, seriesEpoch); err == nil {
		t.Error("Uptime in an unknown organization succeeded")
	}
	if _, err := db.Metrics(org.ID, "0190aaaa-0000-7000-8000-000000000001", seriesEpoch, seriesEpoch); err == nil {
		t.Error("Metrics of an unknown service succeeded")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Storage(); err == nil {
		t.Error("Storage on a closed database succeeded")
	}
}

func TestUptimeOverview(t *testing.T) {
	now := seriesEpoch
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 2, time.Hour)
	// Hourly checks for 10 days; the second service is RED every fourth hour, and only
	// during the last 3 days.
	var items []RecordItem
	for at := now.Add(-10 * 24 * time.Hour); at.Before(now); at = at.Add(time.Hour) {
		items = append(items, result(org.ID, svcs[0].ID, at, StatusGreen, 100))
		status := StatusGreen
		if now.Sub(at) <= 72*time.Hour && at.Hour()%4 == 0 {
			status = StatusRed
		}
		items = append(items, result(org.ID, svcs[1].ID, at, status, 300))
	}
	mustRecord(t, db, items...)
	rows, err := db.UptimeOverview(org.ID, now)
	if err != nil || len(rows) != 2 {
		t.Fatalf("UptimeOverview = %+v, %v", rows, err)
	}
	if r := rows[0]; r.ServiceID != svcs[0].ID || r.Name != svcs[0].Name || r.Status != StatusGreen ||
		r.Uptime24h.TotalChecks != 24 || r.Uptime7d.TotalChecks != 168 || r.Uptime30d.TotalChecks != 240 ||
		r.Uptime30d.UptimePercentage != 100 || r.Uptime24h.AvgResponseTimeMS != 100 {
		t.Errorf("first row: %+v", r)
	}
	r := rows[1]
	if r.Uptime24h.FailedChecks != 6 || r.Uptime7d.FailedChecks != 18 || r.Uptime30d.FailedChecks != 18 || r.Uptime24h.UptimePercentage != 75 {
		t.Errorf("second row: 24h %+v, 7d %+v, 30d %+v", r.Uptime24h, r.Uptime7d, r.Uptime30d)
	}
	if _, err := db.UptimeOverview("no-such-org", now); err == nil {
		t.Error("overview of an unknown organization succeeded")
	}
}

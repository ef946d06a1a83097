package store

import (
	"math"
	"testing"
	"time"
)

func TestRollupBucketsAreUTCMinuteHourDay(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	db, _, org := openSeriesDB(t, day.Add(48*time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	lastNano := day.Add(24*time.Hour - time.Nanosecond) // 23:59:59.999999999
	// A non-UTC CheckedAt lands in the same UTC buckets.
	local := day.Add(24 * time.Hour).In(time.FixedZone("UTC+5", 5*3600))
	mustRecord(t, db,
		result(org.ID, svc.ID, day.Add(10*time.Hour+59*time.Minute+59*time.Second), StatusGreen, 10),
		result(org.ID, svc.ID, day.Add(11*time.Hour), StatusGreen, 20),
		result(org.ID, svc.ID, lastNano, StatusGreen, 30),
		result(org.ID, svc.ID, local, StatusYellow, 40),
	)
	for _, c := range []struct {
		level rollupLevel
		start time.Time
		total uint64
		sum   uint64
	}{
		{level1m, day.Add(10*time.Hour + 59*time.Minute), 1, 10},
		{level1m, day.Add(11 * time.Hour), 1, 20},
		{level1h, day.Add(10 * time.Hour), 1, 10},
		{level1h, day.Add(11 * time.Hour), 1, 20},
		{level1h, day.Add(23 * time.Hour), 1, 30},
		{level1d, day, 3, 60},
		{level1d, day.Add(24 * time.Hour), 1, 40},
		{level1m, day.Add(24 * time.Hour), 1, 40},
	} {
		r, ok := storedRollup(t, db, org.ID, svc.ID, c.level, c.start)
		if !ok || r.total != c.total || r.sumMS != c.sum {
			t.Errorf("%s row at %v: found=%v %+v, want total %d sum %d", c.level.name(), c.start, ok, r, c.total, c.sum)
		}
	}
	if r, _ := storedRollup(t, db, org.ID, svc.ID, level1d, day.Add(24*time.Hour)); r.degraded != 1 || r.up != 1 {
		t.Errorf("YELLOW not counted as up and degraded: %+v", r)
	}
}

func TestDownSecondsAttribution(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(72*time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	at := func(d time.Duration) time.Time { return seriesEpoch.Add(d) } // 10:00 + d
	mustRecord(t, db,
		result(org.ID, svc.ID, at(58*time.Minute+30*time.Second), StatusRed, 0), // 10:58:30
		// RED → 10:59:30: 60 s down, 30 s in minute 10:58 and 30 s in 10:59.
		result(org.ID, svc.ID, at(59*time.Minute+30*time.Second), StatusRed, 0),
		// RED → 11:00:30: 30 s more in 10:59 (hour 10), 30 s in 11:00 (hour 11).
		result(org.ID, svc.ID, at(60*time.Minute+30*time.Second), StatusGreen, 5),
		// GREEN → 11:01:30: not down.
		result(org.ID, svc.ID, at(61*time.Minute+30*time.Second), StatusRed, 0),
		// RED, then no check for 10 minutes: only 2 × 60 s count (11:01:30–11:03:30).
		result(org.ID, svc.ID, at(71*time.Minute+30*time.Second), StatusGreen, 5),
	)
	want := map[time.Time]uint64{ // 1m bucket → down ms
		at(58 * time.Minute): 30000, at(59 * time.Minute): 60000, at(60 * time.Minute): 30000,
		at(61 * time.Minute): 30000, at(62 * time.Minute): 60000, at(63 * time.Minute): 30000,
	}
	for m := 55; m < 75; m++ {
		r, _ := storedRollup(t, db, org.ID, svc.ID, level1m, at(time.Duration(m)*time.Minute))
		if r.downMS != want[at(time.Duration(m)*time.Minute)] {
			t.Errorf("minute %v: down %d ms, want %d", at(time.Duration(m)*time.Minute).Format("15:04"), r.downMS, want[at(time.Duration(m)*time.Minute)])
		}
	}
	h10, _ := storedRollup(t, db, org.ID, svc.ID, level1h, seriesEpoch)
	h11, _ := storedRollup(t, db, org.ID, svc.ID, level1h, seriesEpoch.Add(time.Hour))
	d, _ := storedRollup(t, db, org.ID, svc.ID, level1d, seriesEpoch.Truncate(24*time.Hour))
	if h10.downMS != 90000 || h11.downMS != 150000 || d.downMS != 240000 {
		t.Errorf("down ms: hour 10 %d (want 90000), hour 11 %d (want 150000), day %d (want 240000)", h10.downMS, h11.downMS, d.downMS)
	}
	up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(2*time.Hour))
	if up.DownSeconds != 240 || up.TotalChecks != 5 || up.FailedChecks != 3 || up.UptimePercentage != 40 {
		t.Errorf("uptime = %+v", up)
	}
	// Across midnight: RED at 23:59:45 and the next check at 00:00:15 split 15 s / 15 s.
	mid := seriesEpoch.Truncate(24 * time.Hour).Add(24 * time.Hour)
	mustRecord(t, db, result(org.ID, svc.ID, mid.Add(-15*time.Second), StatusRed, 0))
	mustRecord(t, db, result(org.ID, svc.ID, mid.Add(15*time.Second), StatusGreen, 5))
	before, _ := storedRollup(t, db, org.ID, svc.ID, level1d, mid.Add(-24*time.Hour))
	after, _ := storedRollup(t, db, org.ID, svc.ID, level1d, mid)
	if before.downMS != 240000+15000 || after.downMS != 15000 {
		t.Errorf("midnight split: %d / %d ms", before.downMS, after.downMS)
	}
}

func TestMaintenanceTimeIsExcluded(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db,
		result(org.ID, svc.ID, seriesEpoch, StatusMaintenance, 10),
		result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusRed, 10),
		result(org.ID, svc.ID, seriesEpoch.Add(2*time.Minute), StatusGreen, 10),
		result(org.ID, svc.ID, seriesEpoch.Add(3*time.Minute), StatusGreen, 10),
	)
	up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(time.Hour))
	// 2 up of 4 − 1 in maintenance.
	if up.MaintenanceChecks != 1 || up.MaintenanceSeconds != 60 || up.DownSeconds != 60 || math.Abs(up.UptimePercentage-200.0/3) > 1e-9 {
		t.Errorf("uptime = %+v", up)
	}
}

func TestChooseResolution(t *testing.T) {
	now := seriesEpoch
	p := DefaultRetention()
	day := 24 * time.Hour
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{now.Add(-time.Hour), now, ResolutionRaw},
		{now.Add(-6 * time.Hour), now, ResolutionRaw},
		{now.Add(-6*time.Hour - time.Second), now, Resolution1m},
		{now.Add(-8 * day), now.Add(-8*day + time.Hour), Resolution1h}, // raw and 1m expired
		{now.Add(-7 * day), now.Add(-7*day + time.Hour), ResolutionRaw},
		{now.Add(-48 * time.Hour), now, Resolution1m},
		{now.Add(-49 * time.Hour), now, Resolution1h},
		{now.Add(-90 * day), now, Resolution1h},
		{now.Add(-91 * day), now, Resolution1d},
		{now.Add(-100 * day), now.Add(-99 * day), Resolution1d}, // hourly expired
		{now.Add(-365 * day), now, Resolution1d},
	} {
		raw, l := chooseResolution(c.from, c.to, now, p)
		got := l.name()
		if raw {
			got = ResolutionRaw
		}
		if got != c.want {
			t.Errorf("from now-%v span %v: %s, want %s", now.Sub(c.from), c.to.Sub(c.from), got, c.want)
		}
	}
}

func TestMetricsRollupPoints(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(24*time.Hour))
	svc := createServices(t, db, org.ID, 1, 10*time.Second)[0]
	var items []RecordItem
	// Minute 10:00: 100, 200, ..., 600 ms; minute 10:01: one RED.
	for i := range 6 {
		items = append(items, result(org.ID, svc.ID, seriesEpoch.Add(time.Duration(i)*10*time.Second), StatusGreen, 100*(i+1)))
	}
	items = append(items, result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusRed, 0))
	mustRecord(t, db, items...)
	m, err := db.Metrics(org.ID, svc.ID, seriesEpoch.Add(-12*time.Hour+30*time.Second), seriesEpoch.Add(12*time.Hour))
	if err != nil || m.Resolution != Resolution1m || len(m.Points) != 2 {
		t.Fatalf("Metrics = %+v, %v", m, err)
	}
	want := MetricPoint{Timestamp: seriesEpoch, Status: StatusGreen, ResponseTimeMS: 350, Avg: 350, Min: 100, Max: 600, P95: 600, Up: 6, Total: 6}
	if m.Points[0] != want {
		t.Errorf("point 0 = %+v\nwant      %+v", m.Points[0], want)
	}
	if p := m.Points[1]; p.Status != StatusRed || p.Up != 0 || p.Total != 1 || p.Avg != 0 || !p.Timestamp.Equal(seriesEpoch.Add(time.Minute)) {
		t.Errorf("point 1 = %+v", p)
	}
	m, _ = db.Metrics(org.ID, svc.ID, seriesEpoch.Add(-3*24*time.Hour), seriesEpoch.Add(time.Hour))
	if m.Resolution != Resolution1h || len(m.Points) != 1 || m.Points[0].Total != 7 || m.Points[0].Status != StatusRed {
		t.Errorf("hourly Metrics = %+v", m)
	}
}

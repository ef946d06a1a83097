package store

import (
	"math"
	"testing"
	"time"
)

// compareWithUptime fails t unless every window of every service's overview row equals
// what Uptime reads from the rollups for the same period ending at to.
func compareWithUptime(t *testing.T, db *DB, orgID string, to time.Time, when string) {
	t.Helper()
	rows, err := db.ServiceSummaries(orgID, to)
	if err != nil {
		t.Fatalf("%s: ServiceSummaries: %v", when, err)
	}
	for _, row := range rows {
		for _, w := range []struct {
			name string
			got  UptimeCounts
			span time.Duration
		}{{"24h", row.Uptime24h, 24 * time.Hour}, {"7d", row.Uptime7d, 7 * 24 * time.Hour}, {"30d", row.Uptime30d, 30 * 24 * time.Hour}} {
			want, err := db.Uptime(orgID, row.ServiceID, to.Add(-w.span), to)
			if err != nil {
				t.Fatal(err)
			}
			pct, _ := w.got.Percentage()
			avg, _ := w.got.AvgResponseTimeMS()
			if w.got.Total != want.TotalChecks || w.got.Down != want.FailedChecks || w.got.Degraded != want.DegradedChecks ||
				w.got.Maintenance != want.MaintenanceChecks || pct != want.UptimePercentage || math.Abs(avg-want.AvgResponseTimeMS) > 1e-9 {
				t.Fatalf("%s, %s %s: summary %+v (%.4f%%, %.3f ms), rollups %+v", when, row.Name, w.name, w.got, pct, avg, want)
			}
		}
	}
}

// TestServiceSummariesEqualUptime runs 40 days of checks through RecordResults — every
// status, late results, a service created half-way and one whose summary is lost — with
// the janitor rolling every 3 hours and pruning every 18, and compares the overview read from the
// summaries with Uptime over the rollups along the way.
func TestServiceSummariesEqualUptime(t *testing.T) {
	start := seriesEpoch.Add(-40 * 24 * time.Hour)
	db, clock, org := openSeriesDB(t, start)
	svcs := createServices(t, db, org.ID, 2, 20*time.Minute)
	janitor := &Janitor{DB: db, Now: clock.Now}
	statuses := []string{StatusGreen, StatusGreen, StatusYellow, StatusRed, StatusGreen, StatusMaintenance, StatusGreen}
	step := 20 * time.Minute
	i := 0
	for at := start; at.Before(seriesEpoch); at = at.Add(3 * step) {
		clock.Set(at.Add(3 * step))
		var items []RecordItem
		for k := range 3 {
			when := at.Add(time.Duration(k) * step)
			for j, s := range svcs {
				items = append(items, result(org.ID, s.ID, when.Add(time.Duration(j)*time.Second), statuses[(i+j)%len(statuses)], 40+(i*7)%300))
			}
			i++
		}
		if i%50 == 0 { // a late result, two hours old
			items = append(items, result(org.ID, svcs[0].ID, at.Add(-2*time.Hour+time.Second), StatusRed, 0))
		}
		mustRecord(t, db, items...)
		switch {
		case i%(3*18) == 0: // every 18 hours of checks
			if err := janitor.Sweep(); err != nil {
				t.Fatal(err)
			}
		case i%9 == 0: // every 3 hours
			if err := janitor.RollSummaries(); err != nil {
				t.Fatal(err)
			}
		}
		if i%(3*24*3) == 0 {
			compareWithUptime(t, db, org.ID, clock.Now(), clock.Now().Format(time.RFC3339))
		}
		if at.Equal(start.Add(20 * 24 * time.Hour)) {
			late := newTestService("late")
			if err := db.CreateService(org.ID, late, nil); err != nil {
				t.Fatal(err)
			}
			svcs = append(svcs, late)
		}
		if at.Equal(start.Add(30 * 24 * time.Hour)) {
			// A summary lost (a database from before summaries): read from the rollups
			// until the janitor builds it again.
			if err := db.update(org.ID, nil, func(tx txn) error { return deleteSummary(tx, org.ID, svcs[1].ID) }); err != nil {
				t.Fatal(err)
			}
			compareWithUptime(t, db, org.ID, clock.Now(), "summary lost")
		}
	}
	compareWithUptime(t, db, org.ID, clock.Now(), "end")
	// An hour later without checks or rolls: the windows move at read time.
	clock.Set(clock.Now().Add(time.Hour + 7*time.Minute))
	compareWithUptime(t, db, org.ID, clock.Now(), "an hour later")
	// A read at a time before the last roll moves the windows back.
	rolledAt := clock.Now()
	clock.Set(rolledAt.Add(90 * time.Minute))
	if err := janitor.RollSummaries(); err != nil {
		t.Fatal(err)
	}
	clock.Set(rolledAt)
	compareWithUptime(t, db, org.ID, rolledAt, "before the last roll")
}

// TestOverviewIsReadFromSummaries: the overview comes from the summaries the recorder
// keeps, not from the rollups per request — with the rollup rows gone, it still shows
// what was recorded, where Uptime (reading the rollups) shows nothing.
func TestOverviewIsReadFromSummaries(t *testing.T) {
	now := seriesEpoch
	db, _, org := openSeriesDB(t, now)
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, result(org.ID, svc.ID, now.Add(-3*time.Hour), StatusGreen, 100),
		result(org.ID, svc.ID, now.Add(-2*time.Hour), StatusRed, 0),
		result(org.ID, svc.ID, now.Add(-time.Hour), StatusYellow, 300))
	if err := db.update(org.ID, nil, func(tx txn) error {
		ob, err := orgBucket(tx, org.ID)
		if err != nil {
			return err
		}
		for l := range levelCount {
			if err := ob.DeleteBucket([]byte(l.bucket())); err != nil {
				return err
			}
		}
		// The series head holds the open row of each level.
		return ob.DeleteBucket([]byte(subHeads))
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.ServiceSummaries(org.ID, now)
	if err != nil || len(rows) != 1 {
		t.Fatalf("ServiceSummaries = %+v, %v", rows, err)
	}
	want := UptimeCounts{Total: 3, Up: 2, Degraded: 1, Down: 1, SumMS: 400}
	if r := rows[0]; r.Uptime24h != want || r.Uptime7d != want || r.Uptime30d != want {
		t.Fatalf("row = %+v, want every window %+v", r, want)
	}
	if up, _ := db.Uptime(org.ID, svc.ID, now.Add(-24*time.Hour), now); up.TotalChecks != 0 {
		t.Fatalf("Uptime read %d checks from deleted rollups", up.TotalChecks)
	}
}

func TestSummarySparkline(t *testing.T) {
	now := seriesEpoch.Add(7 * time.Minute) // 10:07: the newest slot is 10:00–10:15
	db, _, org := openSeriesDB(t, now)
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db,
		result(org.ID, svc.ID, now.Add(-7*time.Hour), StatusGreen, 999), // before the sparkline
		result(org.ID, svc.ID, seriesEpoch.Add(-5*time.Hour-44*time.Minute), StatusGreen, 10),
		result(org.ID, svc.ID, seriesEpoch.Add(-15*time.Minute), StatusGreen, 100),
		result(org.ID, svc.ID, seriesEpoch.Add(-14*time.Minute), StatusYellow, 300),
		result(org.ID, svc.ID, seriesEpoch.Add(-13*time.Minute), StatusRed, 5000), // not up: not drawn
		result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusGreen, 50))
	check := func(when string, rows []ServiceSummary, err error) {
		t.Helper()
		if err != nil || len(rows) != 1 || len(rows[0].Sparkline) != SparklineSlots {
			t.Fatalf("%s: %+v, %v", when, rows, err)
		}
		sp := rows[0].Sparkline
		if !sp[0].Start.Equal(seriesEpoch.Add(-5*time.Hour - 45*time.Minute)) {
			t.Fatalf("%s: first slot starts %v", when, sp[0].Start)
		}
		for i, p := range sp {
			want := SparkPoint{Start: p.Start}
			switch i {
			case 0:
				want.Up, want.AvgTimeMS = 1, 10
			case 22:
				want.Up, want.AvgTimeMS = 2, 200
			case 23:
				want.Up, want.AvgTimeMS = 1, 50
			}
			if p != want {
				t.Errorf("%s: slot %d = %+v, want %+v", when, i, p, want)
			}
		}
	}
	rows, err := db.ServiceSummaries(org.ID, now)
	check("kept by the recorder", rows, err)
	if err := db.update(org.ID, nil, func(tx txn) error { return deleteSummary(tx, org.ID, svc.ID) }); err != nil {
		t.Fatal(err)
	}
	rows, err = db.ServiceSummaries(org.ID, now)
	check("built from the 1-minute rollups", rows, err)
}

func TestSummaryCodec(t *testing.T) {
	s := newSummary(seriesEpoch, DefaultRetention())
	s.record(&CheckResult{CheckedAt: seriesEpoch, Status: StatusGreen, ResponseTimeMS: 120})
	s.record(&CheckResult{CheckedAt: seriesEpoch.Add(time.Minute), Status: StatusMaintenance})
	raw := appendSummary(nil, s)
	var got summary
	if err := decodeSummary(raw, &got); err != nil || got != *s {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for name, v := range map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{9}, raw[1:]...),
		"truncated": raw[:len(raw)-1],
		"trailing":  append(append([]byte(nil), raw...), 0),
		"level":     append([]byte{summaryCodecV1, 7}, raw[2:]...),
	} {
		if err := decodeSummary(v, &got); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// TestRollSummariesBuildsMissingAndDropsOrphans: the janitor's roll gives every service a
// summary — a database from before summaries has none — across several transactions,
// and deletes summaries whose service is gone.
func TestRollSummariesBuildsMissingAndDropsOrphans(t *testing.T) {
	now := seriesEpoch
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 2*rollChunkSize+10, time.Minute)
	mustRecord(t, db, result(org.ID, svcs[0].ID, now.Add(-time.Hour), StatusRed, 0))
	orphan := NewID()
	if err := db.update(org.ID, nil, func(tx txn) error {
		ob, err := orgBucket(tx, org.ID)
		if err != nil {
			return err
		}
		if err := ob.DeleteBucket([]byte(subSummaries)); err != nil {
			return err
		}
		sums, err := ob.CreateBucket([]byte(subSummaries))
		if err != nil {
			return err
		}
		return sums.Put([]byte(orphan), appendSummary(nil, newSummary(now, DefaultRetention())))
	}); err != nil {
		t.Fatal(err)
	}
	n, err := db.RollSummaries(org.ID, now)
	if err != nil || n != len(svcs) {
		t.Fatalf("RollSummaries = %d, %v; want %d", n, err, len(svcs))
	}
	count := 0
	if err := db.view(func(tx txn) error {
		sums, err := orgSub(tx, org.ID, subSummaries)
		if err != nil {
			return err
		}
		if sums.Get([]byte(orphan)) != nil {
			t.Error("the orphaned summary is still there")
		}
		count = countKeys(sums)
		var s summary
		if err := decodeSummary(sums.Get([]byte(svcs[0].ID)), &s); err != nil || s.windows[window24h].down != 1 {
			t.Errorf("built summary: %+v, %v", s.windows[window24h], err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if count != len(svcs) {
		t.Errorf("%d summaries for %d services", count, len(svcs))
	}
}

package store

import (
	"testing"
	"time"
)

// BenchmarkRecordResults measures durable ingest (SPEC §6: ≥ 10 000 results/s through the
// recorder): batches of 1 000 results — what one greedy group commit holds under load —
// for 10 000 services checked every 10 s, each batch one fsynced write transaction. The
// services first get a minute of history so the batches update existing pages and rollup
// rows, as in a running system. Reports results/s.
func BenchmarkRecordResults(b *testing.B) { benchmarkRecordResults(b, nil) }

// BenchmarkRecordResultsCaptured is BenchmarkRecordResults with Options.Capture set to
// encode each group's write set, as the cluster will before handing it to Raft: the cost
// of recording, which a single node does not pay.
func BenchmarkRecordResultsCaptured(b *testing.B) {
	bytes := 0
	benchmarkRecordResults(b, func(ws *WriteSet) error {
		raw, err := ws.MarshalBinary()
		bytes += len(raw)
		return err
	})
	b.ReportMetric(float64(bytes)/float64(b.N), "setbytes/op")
}

// benchmarkRecordResults runs BenchmarkRecordResults on a store whose Capture is capture
// (nil: none).
func benchmarkRecordResults(b *testing.B, capture func(*WriteSet) error) {
	const services, batch = 10_000, 1000
	start := seriesEpoch
	db, clock, org := openSeriesDB(b, start)
	svcs := createServices(b, db, org.ID, services, 10*time.Second)
	items := make([]RecordItem, batch)
	round := 0
	next := func() []RecordItem {
		// Batch k holds services (k mod 10)×1000 … +999 checked at start + k seconds, so
		// each service is checked every 10 s.
		base := (round % (services / batch)) * batch
		at := start.Add(time.Duration(round) * time.Second)
		for i := range items {
			status := StatusGreen
			if (round+i)%50 == 0 {
				status = StatusRed
			}
			items[i] = result(org.ID, svcs[base+i].ID, at, status, 40+(round+i)%300)
		}
		round++
		return items
	}
	for range 6 * services / batch { // one minute of history, without fsync
		mustRecord(b, db, next()...)
	}
	clock.Set(start.Add(time.Hour))
	db.kv.Load().NoSync = false // measure real durability
	db.capture = capture
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := db.RecordResults(next()); err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkUptimeOneYear measures GET /services/{id}/uptime over a year (SPEC §6: ≤ 20 ms)
// for a service with a year of 5-minute checks, after a janitor sweep has reduced the
// history to what the default retention keeps.
func BenchmarkUptimeOneYear(b *testing.B) {
	now := time.Date(2026, 3, 10, 14, 37, 12, 0, time.UTC)
	db, _, org := openSeriesDB(b, now)
	svcs := createServices(b, db, org.ID, 5, 5*time.Minute)
	statuses := []string{StatusGreen, StatusGreen, StatusGreen, StatusYellow, StatusGreen, StatusGreen, StatusRed}
	recordEvery(b, db, org.ID, svcs, now.Add(-365*24*time.Hour), now, 5*time.Minute, statuses...)
	if err := (&Janitor{DB: db, Now: func() time.Time { return now }}).Sweep(); err != nil {
		b.Fatal(err)
	}
	var up UptimeSummary
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if up, err = db.Uptime(org.ID, svcs[2].ID, now.Add(-365*24*time.Hour), now); err != nil {
			b.Fatal(err)
		}
	}
	if up.TotalChecks < 365*288-288 {
		b.Fatalf("a year of uptime counted %d checks", up.TotalChecks)
	}
}

// BenchmarkUptimeOverview measures the organization overview (GET /api/v1/metrics): 24 h,
// 7 d and 30 d uptime for 100 services with 30 days of 5-minute checks.
func BenchmarkUptimeOverview(b *testing.B) {
	now := time.Date(2026, 3, 10, 14, 37, 12, 0, time.UTC)
	db, _, org := openSeriesDB(b, now)
	svcs := createServices(b, db, org.ID, 100, 5*time.Minute)
	recordEvery(b, db, org.ID, svcs, now.Add(-30*24*time.Hour), now, 5*time.Minute, StatusGreen, StatusGreen, StatusRed)
	if err := (&Janitor{DB: db, Now: func() time.Time { return now }}).Sweep(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.UptimeOverview(org.ID, now)
		if err != nil || len(rows) != 100 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

package store

import (
	"testing"
	"time"
)

// BenchmarkServiceSummaries measures the organization overview as GET /api/v1/metrics
// reads it — from the service summaries — over the data of BenchmarkUptimeOverview (100
// services, 30 days of 5-minute checks), read 3 minutes after the janitor's last roll.
func BenchmarkServiceSummaries(b *testing.B) {
	now := time.Date(2026, 3, 10, 14, 37, 12, 0, time.UTC)
	db, clock, org := openSeriesDB(b, now.Add(-30*24*time.Hour))
	svcs := createServices(b, db, org.ID, 100, 5*time.Minute)
	recordEvery(b, db, org.ID, svcs, now.Add(-30*24*time.Hour), now, 5*time.Minute, StatusGreen, StatusGreen, StatusRed)
	clock.Set(now)
	if err := (&Janitor{DB: db, Now: clock.Now}).Sweep(); err != nil {
		b.Fatal(err)
	}
	clock.Set(now.Add(3 * time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.ServiceSummaries(org.ID, clock.Now())
		if err != nil || len(rows) != 100 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

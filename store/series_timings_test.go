package store

import (
	"testing"
	"time"
)

// The service keeps the timings of its latest result (nil when that check reported
// none); a late result does not replace them, and the raw row never holds them.
func TestRecordResultsKeepsLatestTimings(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(5*time.Minute))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	lastTimings := func() *Timings {
		t.Helper()
		got, err := db.Service(org.ID, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.LastTimings
	}
	timed := result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusGreen, 30)
	timed.Result.Timings = Timings{DNS: 2 * time.Millisecond, Connect: 3 * time.Millisecond, TLS: 20 * time.Millisecond,
		FirstByte: 5 * time.Millisecond}
	mustRecord(t, db, timed)
	if got := lastTimings(); got == nil || *got != timed.Result.Timings {
		t.Fatalf("service timings = %+v, want %+v", got, timed.Result.Timings)
	}
	late := result(org.ID, svc.ID, seriesEpoch, StatusGreen, 10)
	late.Result.Timings = Timings{Connect: time.Millisecond}
	mustRecord(t, db, late)
	if got := lastTimings(); got == nil || *got != timed.Result.Timings {
		t.Fatalf("after a late result: service timings = %+v, want the latest result's", got)
	}
	checks, err := db.Checks(org.ID, svc.ID, time.Time{}, time.Time{}, 0)
	if err != nil || len(checks) != 2 {
		t.Fatalf("history: %d results, %v", len(checks), err)
	}
	for _, c := range checks {
		if c.Timings != (Timings{}) {
			t.Errorf("raw result at %v read back with timings %+v: they are not stored per result", c.CheckedAt, c.Timings)
		}
	}
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(2*time.Minute), StatusRed, 10)) // no timings (e.g. DNS)
	if got := lastTimings(); got != nil {
		t.Fatalf("after a result without timings: service timings = %+v, want none", got)
	}
}

package store

import (
	"os"
	"testing"
	"time"
)

// TestLoadSeriesSteadyState measures the whole database file per stored result at steady
// state (SPEC §6: ≤ 100 bytes per raw result on disk; 1 000 services at 60 s for a year ≤
// 1.5 GB). 60 services are checked every 60 s — the worst case for rollup overhead: every
// result opens its own 1-minute row — committed as the recorder commits them (one
// transaction per minute of checks), for 9 simulated days on a fake clock, with a janitor
// sweep every simulated hour under the default retention. From day 7 on the raw and
// 1-minute windows are full: the janitor deletes at the head of every service's range
// while the recorder appends at its tail, and bbolt reuses the pages it frees, so page
// packing and free pages are what a running system has; the file in use stops growing but
// for the hourly and daily rows.
//
// The figure is the file in use (every page up to the high-water mark: services, indexes,
// free pages included) divided by the raw results it holds, plus the hourly and daily rows
// their retention (90 days, 730 days) will still add per service, at their measured cost
// per row. A young file (TestRawResultBytesOnDisk, or a fleet a few minutes old) costs more
// per result: its 1-minute rows are not yet trimmed and its pages are split half full.
// About two minutes; run with ALERTIFYPRO_LOAD=1:
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadSeriesSteadyState$' -v ./store/
func TestLoadSeriesSteadyState(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1 to run")
	}
	const services, days = 60, 9
	start := seriesEpoch.Truncate(24 * time.Hour)
	db, clock, org := openSeriesDB(t, start)
	svcs := createServices(t, db, org.ID, services, time.Minute)
	j := &Janitor{DB: db, Now: clock.Now}
	items := make([]RecordItem, services)
	began := time.Now()
	var f seriesFootprint
	var perResult, perResultYear float64
	for h := range days * 24 {
		for m := range 60 {
			minute := h*60 + m
			for i, s := range svcs {
				// Checks of different services land at different seconds, as jitter spreads them.
				at := start.Add(time.Duration(minute)*time.Minute + time.Duration(i*600)*time.Millisecond)
				status := StatusGreen
				switch {
				case (minute+i)%211 < 3:
					status = StatusRed
				case (minute+i)%37 == 0:
					status = StatusYellow
				}
				items[i] = result(org.ID, s.ID, at, status, 40+(minute*7+i*31)%400)
			}
			mustRecord(t, db, items...)
		}
		clock.Set(start.Add(time.Duration(h+1) * time.Hour))
		if err := j.Sweep(); err != nil {
			t.Fatal(err)
		}
		if h%24 == 23 && h >= 7*24 {
			f = footprint(t, db)
			// Per service, the hourly and daily rows their retention still adds.
			hourly := float64(90*24*services-f.rows[level1h]) * f.perRow(level1h)
			daily := float64(730*services-f.rows[level1d]) * f.perRow(level1d)
			dailyYear := float64(365*services-f.rows[level1d]) * f.perRow(level1d)
			perResult = (float64(f.dataSize) + hourly + daily) / float64(f.results)
			perResultYear = (float64(f.dataSize) + hourly + dailyYear) / float64(f.results)
			t.Logf("day %d: file in use %d B (%d free pages), %d raw results held (%.1f B each: %d blocks, %d heads); "+
				"rollup rows 1m %d (%.1f B), 1h %d (%.1f B), 1d %d (%.1f B); whole file per raw result: %.1f B "+
				"(%.1f B with a year of daily rows)", h/24+1, f.dataSize, f.freePages, f.results, f.rawPerResult(),
				f.keys[subResults], f.keys[subHeads], f.rows[level1m], f.perRow(level1m), f.rows[level1h], f.perRow(level1h),
				f.rows[level1d], f.perRow(level1d), perResult, perResultYear)
		}
	}
	year := perResultYear * 7 * 1440 * 1000 // 1 000 services' raw window at 60 s
	t.Logf("steady state at 60 s after %v: the whole file holds %.1f B per retained raw result, rollups, heads, "+
		"services and free pages included, with the hourly and daily rows of their full retention (90 d, 730 d); "+
		"1 000 services at 60 s for a year: %.2f GB", time.Since(began).Round(time.Second), perResult, year/1e9)
	if perResult > 100 {
		t.Errorf("%.1f B of file per retained raw result at steady state; SPEC §6 allows 100", perResult)
	}
	if year > 1.5e9 {
		t.Errorf("1 000 services for a year: %.2f GB; SPEC §6 allows 1.5", year/1e9)
	}
}

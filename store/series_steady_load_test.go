package store

import (
	"os"
	"testing"
	"time"
)

// TestLoadSeriesSteadyState measures (rather than projects) the on-disk cost of a raw
// result at steady state, where TestRawResultBytesOnDisk projects it from 10 services
// appended without deletes: here 60 services are checked every 60 s, interleaved as the
// recorder commits them (one transaction per minute of checks), for 9 simulated days with a
// janitor sweep every simulated hour under the default retention. After 7 days the raw
// window is full and the janitor trims the head of every service's range while the
// recorder appends at its tail, so page packing is what a running system has. The hourly
// and daily windows are not full after 9 days: their measured bytes per row are projected
// to a year (90 days of hours, 365 days). About a minute; run with ALERTIFYPRO_LOAD=1:
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
			t.Logf("day %d: file in use %d B (%d free pages); keys raw %d, 1m %d, 1h %d, 1d %d; B/row raw %.1f, 1m %.1f, 1h %.1f, 1d %.1f",
				h/24+1, f.dataSize, f.freePages, f.keys[subResults], f.keys[subRollup1m], f.keys[subRollup1h], f.keys[subRollup1d],
				f.perKey(subResults), f.perKey(subRollup1m), f.perKey(subRollup1h), f.perKey(subRollup1d))
		}
	}
	// Per service at 60 s, a year in: raw 7 d, 1m 48 h, 1h 90 d, 1d 365 d, each at the
	// bytes per row measured in its bucket (pages allocated, so packing is included).
	perService := 7*1440*f.perKey(subResults) + 2*1440*f.perKey(subRollup1m) + 90*24*f.perKey(subRollup1h) + 365*f.perKey(subRollup1d)
	perRaw := perService / (7 * 1440)
	// The whole file in use per retained raw result, free pages included; it still lacks
	// the hourly and daily rows a year adds, so add those.
	fileRaw := float64(f.dataSize)/float64(f.keys[subResults]) +
		(float64(90*24-f.keys[subRollup1h]/services)*f.perKey(subRollup1h)+float64(365-f.keys[subRollup1d]/services)*f.perKey(subRollup1d))/(7*1440)
	t.Logf("steady state at 60 s after %v: raw rows %.1f B each on disk; %.1f B per retained raw result with rollups "+
		"(%.1f B counting the whole file in use: services, free pages); 1 000 services for a year: %.2f GB (%.2f GB by the whole file)",
		time.Since(began).Round(time.Second), f.perKey(subResults), perRaw, fileRaw, perService*1000/1e9, fileRaw*7*1440*1000/1e9)
	if f.perKey(subResults) > 100 {
		t.Errorf("raw rows take %.1f B each at steady state; SPEC §6 allows 100", f.perKey(subResults))
	}
	if perService*1000 > 1.5e9 {
		t.Errorf("1 000 services for a year: %.2f GB; SPEC §6 allows 1.5", perService*1000/1e9)
	}
}

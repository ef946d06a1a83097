package store

import (
	"maps"
	"sync"
	"testing"
	"time"
)

// chunkLog records the size of every chunked delete transaction, per bucket.
type chunkLog struct {
	mu     sync.Mutex
	chunks map[string][]int
}

func watchChunks(db *DB) *chunkLog {
	l := &chunkLog{chunks: map[string][]int{}}
	db.onDeleteChunk = func(bucket string, n int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.chunks[bucket] = append(l.chunks[bucket], n)
	}
	return l
}

// check fails t if any transaction deleted more than 1000 keys (ARCHITECTURE §2.6) and
// returns the total per bucket.
func (l *chunkLog) check(t *testing.T) map[string]int {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	totals := map[string]int{}
	for bucket, sizes := range l.chunks {
		for _, n := range sizes {
			if n > 1000 {
				t.Errorf("%s: one transaction deleted %d keys", bucket, n)
			}
			totals[bucket] += n
		}
	}
	return totals
}

// recordEvery records one result per service every step in [from, to), in batches of
// 1000, cycling through the statuses given.
func recordEvery(t testing.TB, db *DB, orgID string, svcs []*Service, from, to time.Time, step time.Duration, statuses ...string) int {
	t.Helper()
	if len(statuses) == 0 {
		statuses = []string{StatusGreen}
	}
	var items []RecordItem
	n := 0
	for at, i := from, 0; at.Before(to); at, i = at.Add(step), i+1 {
		for _, s := range svcs {
			items = append(items, result(orgID, s.ID, at, statuses[i%len(statuses)], 50+i%200))
		}
		if len(items) >= 1000 {
			mustRecord(t, db, items...)
			n += len(items)
			items = items[:0]
		}
	}
	if len(items) > 0 {
		mustRecord(t, db, items...)
		n += len(items)
	}
	return n
}

func TestPruneSeriesDeletesExpiredInChunks(t *testing.T) {
	now := seriesEpoch.Add(30 * 24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 2, 10*time.Second)
	// 2 × 1250 results, one per raw block (15 min apart), ending 8 days ago (past raw and
	// 1m retention), and 2 × 60 fresh ones, in the series heads' open blocks.
	old := now.Add(-8*24*time.Hour - 1250*rawBlockSpan).Truncate(time.Hour)
	recordEvery(t, db, org.ID, svcs, old, old.Add(1250*rawBlockSpan), rawBlockSpan)
	recordEvery(t, db, org.ID, svcs, now.Add(-10*time.Minute), now, 10*time.Second)
	before, _ := db.Storage()
	log := watchChunks(db)
	n, err := db.PruneSeries(org.ID, RetentionPolicy{}, now)
	if err != nil {
		t.Fatal(err)
	}
	totals := log.check(t)
	after, _ := db.Storage()
	o0, o1 := before.Orgs[0], after.Orgs[0]
	if o1.Results != 120 || o0.Results-o1.Results != 2500 || totals[subResults] != 2500 {
		t.Errorf("raw: %d → %d (deleted %d), want 2620 → 120", o0.Results, o1.Results, totals[subResults])
	}
	if got := log.chunks[subResults]; len(got) != 3 || got[0] != 1000 || got[1] != 1000 || got[2] != 500 {
		t.Errorf("raw chunks %v, want [1000 1000 500]", got)
	}
	if o1.Rollup1m != 2*10 || o1.Rollup1h != o0.Rollup1h || o1.Rollup1d != o0.Rollup1d {
		t.Errorf("rollups 1m %d→%d, 1h %d→%d, 1d %d→%d", o0.Rollup1m, o1.Rollup1m, o0.Rollup1h, o1.Rollup1h, o0.Rollup1d, o1.Rollup1d)
	}
	if want := totals[subResults] + totals[subRollup1m]; n != want {
		t.Errorf("PruneSeries = %d, chunks add up to %d", n, want)
	}
	// Queries over the pruned range still answer from the hourly rollups.
	if up, _ := db.Uptime(org.ID, svcs[0].ID, old, old.Add(4*time.Hour)); up.TotalChecks != 16 {
		t.Errorf("uptime after prune = %+v", up)
	}
	if n, _ := db.PruneSeries(org.ID, RetentionPolicy{}, now); n != 0 {
		t.Errorf("second prune deleted %d", n)
	}
}

func TestPurgeServiceHistory(t *testing.T) {
	now := seriesEpoch.Add(24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 2, 10*time.Second)
	// 2160 each, one per raw block: 2159 blocks in the results bucket, the last in the head.
	recordEvery(t, db, org.ID, svcs, now.Add(-2160*rawBlockSpan), now, rawBlockSpan)
	keep, _ := db.Uptime(org.ID, svcs[1].ID, now.Add(-24*time.Hour), now)
	before, _ := db.Storage()
	if err := db.DeleteService(org.ID, svcs[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	log := watchChunks(db)
	if err := db.PurgeServiceHistory(org.ID, svcs[0].ID); err != nil {
		t.Fatal(err)
	}
	totals := log.check(t)
	after, _ := db.Storage()
	o0, o1 := before.Orgs[0], after.Orgs[0]
	if o1.Results != o0.Results/2 || o1.Rollup1m != o0.Rollup1m/2 || o1.Rollup1h != o0.Rollup1h/2 || o1.Rollup1d != o0.Rollup1d/2 {
		t.Errorf("after purge %+v, before %+v", o1, o0)
	}
	if totals[subResults] != 2159 || len(log.chunks[subResults]) != 3 {
		t.Errorf("raw purge chunks %v", log.chunks[subResults])
	}
	if got, _ := db.Uptime(org.ID, svcs[1].ID, now.Add(-24*time.Hour), now); got != keep {
		t.Errorf("other service changed: %+v, want %+v", got, keep)
	}
	for _, call := range []struct{ org, svc string }{{org.ID, svcs[0].ID}, {org.ID, "not-a-uuid"}, {"no-such-org", svcs[1].ID}} {
		if err := db.PurgeServiceHistory(call.org, call.svc); err != nil {
			t.Errorf("PurgeServiceHistory(%s, %s) = %v", call.org, call.svc, err)
		}
	}
}

func TestJanitorDeletesOrphanedSeries(t *testing.T) {
	now := seriesEpoch.Add(time.Hour)
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 3, time.Minute)
	recordEvery(t, db, org.ID, svcs, now.Add(-time.Hour), now, time.Minute)
	if err := db.DeleteService(org.ID, svcs[1].ID, nil); err != nil { // its purge never runs
		t.Fatal(err)
	}
	if err := (&Janitor{DB: db, Now: func() time.Time { return now }}).Sweep(); err != nil {
		t.Fatal(err)
	}
	st, _ := db.Storage()
	if o := st.Orgs[0]; o.Results != 120 || o.Rollup1m != 120 || o.Rollup1h != 2 || o.Rollup1d != 2 {
		t.Errorf("after sweep: %+v", o)
	}
	if c, _ := db.Checks(org.ID, svcs[2].ID, time.Time{}, time.Time{}, 0); len(c) != 60 {
		t.Errorf("live service lost history: %d checks", len(c))
	}
}

// TestSeriesReachSteadyState simulates 2 years and 5 weeks of a service checked hourly
// (one RED hour a day) with a janitor sweep every simulated week, then every day for the
// last two months, under the default retention, and checks that from the moment every resolution has filled its window the
// key counts stop moving and the file stops growing.
func TestSeriesReachSteadyState(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 765 days")
	}
	day := 24 * time.Hour
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	db, clock, org := openSeriesDB(t, start)
	svcs := createServices(t, db, org.ID, 1, time.Hour)
	statuses := make([]string, 24)
	for i := range statuses {
		statuses[i] = StatusGreen
	}
	statuses[3] = StatusRed
	j := &Janitor{DB: db, Now: clock.Now}
	log := watchChunks(db)
	var counts []map[string]int
	var sizes []int64
	const days, settled = 765, 730 // daily rollups fill their 730-day window with day 730
	for d, step := 0, 7; d < days; d += step {
		if d+step > settled-30 {
			step = 1 // weekly until a month before the steady state, then daily
		}
		dayStart := start.Add(time.Duration(d) * day)
		recordEvery(t, db, org.ID, svcs, dayStart, dayStart.Add(time.Duration(step)*day), time.Hour, statuses...)
		clock.Set(dayStart.Add(time.Duration(step) * day))
		if err := j.Sweep(); err != nil {
			t.Fatal(err)
		}
		if d >= settled {
			st, err := db.Storage()
			if err != nil {
				t.Fatal(err)
			}
			o := st.Orgs[0]
			counts = append(counts, map[string]int{subResults: o.Results, subRollup1m: o.Rollup1m, subRollup1h: o.Rollup1h, subRollup1d: o.Rollup1d})
			sizes = append(sizes, st.DataSize)
		}
	}
	log.check(t)
	// Raw: 7 days of hourly checks; 1m: the last 48 checks plus, for each of the two RED
	// hours, 59 more minutes that carry down time; 1h: 90 days; 1d: 730 days.
	want := map[string]int{subResults: 7 * 24, subRollup1m: 48 + 2*59, subRollup1h: 90 * 24, subRollup1d: 730}
	for i, c := range counts {
		if !maps.Equal(c, want) {
			t.Errorf("day %d: keys %v, want %v", settled+i, c, want)
		}
	}
	if first, last := sizes[0], sizes[len(sizes)-1]; last > first {
		t.Errorf("file in use grew from %d to %d bytes after the steady state", first, last)
	}
	t.Logf("steady state: keys %v, file in use %d bytes", counts[len(counts)-1], sizes[len(sizes)-1])
}

package store

import (
	"os"
	"testing"
	"time"
)

// seriesFootprint is the on-disk cost of the time series at one moment.
type seriesFootprint struct {
	dataSize, fileSize int64 // tx.Size() (pages up to the high-water mark) and os.Stat
	freePages          int
	// per series bucket (and the heads): page bytes allocated (leaf + branch), leaf bytes
	// in use, keys
	bytes, inuse, keys map[string]int
	results            int             // raw results held (blocks, single rows, heads)
	rows               [levelCount]int // rollup rows (the heads' open ones included)
}

// perRow is the page bytes per key of one rollup level's bucket.
func (f seriesFootprint) perRow(l rollupLevel) float64 {
	return float64(f.bytes[l.bucket()]) / float64(max(f.keys[l.bucket()], 1))
}

// rawPerResult is the page bytes of the raw results (results bucket and series heads,
// which hold the open blocks and rows) per raw result.
func (f seriesFootprint) rawPerResult() float64 {
	return float64(f.bytes[subResults]+f.bytes[subHeads]) / float64(max(f.results, 1))
}

func footprint(t testing.TB, db *DB) seriesFootprint {
	t.Helper()
	f := seriesFootprint{bytes: map[string]int{}, inuse: map[string]int{}, keys: map[string]int{}}
	err := db.view(func(tx txn) error {
		f.dataSize = tx.Size()
		orgs := tx.Bucket([]byte(bucketOrgs))
		return orgs.ForEachBucket(func(id []byte) error {
			for _, name := range append(seriesBuckets(), subHeads) {
				if b := orgs.Bucket(id).Bucket([]byte(name)); b.exists() {
					s := b.Stats()
					f.bytes[name] += s.BranchAlloc + s.LeafAlloc
					f.inuse[name] += s.LeafInuse
					f.keys[name] += s.KeyN
				}
			}
			o := orgStorage(orgs.Bucket(id))
			f.results += o.Results
			f.rows[level1m] += o.Rollup1m
			f.rows[level1h] += o.Rollup1h
			f.rows[level1d] += o.Rollup1d
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	f.fileSize = st.Size()
	s := db.kv.Load().Stats()
	f.freePages = s.FreePageN + s.PendingPageN
	return f
}

// TestRawResultBytesOnDisk writes 100 000 results for 10 services checked every 60 s —
// the worst case for rollup overhead, since every result opens its own 1-minute row — in
// recorder-sized batches of 1 000, and measures the raw results' pages per result (SPEC
// §6: ≤ 100 bytes per raw result on disk) and the growth of the whole file per result,
// young (no retention yet). The measured steady state, with the janitor, is
// TestLoadSeriesSteadyState's.
func TestRawResultBytesOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 000 results")
	}
	const services, total, batch = 10, 100_000, 1000
	start := seriesEpoch
	db, _, org := openSeriesDB(t, start.Add(total/services*time.Minute))
	svcs := createServices(t, db, org.ID, services, time.Minute)
	before := footprint(t, db)
	items := make([]RecordItem, 0, batch)
	for i := range total / services {
		at := start.Add(time.Duration(i)*time.Minute + 1234*time.Millisecond)
		for j, s := range svcs {
			status := StatusGreen
			switch {
			case (i+j)%97 == 0:
				status = StatusRed
			case (i+j)%13 == 0:
				status = StatusYellow
			}
			items = append(items, result(org.ID, s.ID, at, status, 80+(i*7+j*31)%400))
		}
		if len(items) == batch {
			mustRecord(t, db, items...)
			items = items[:0]
		}
	}
	after := footprint(t, db)
	perResult := float64(after.dataSize-before.dataSize) / total
	raw := after.rawPerResult()
	t.Logf("%d results: file in use +%d B = %.1f B/result (all buckets, young: no retention yet; %d free pages); "+
		"raw results %.1f B each (%d blocks); rollup rows 1m %.1f B, 1h %.1f B, 1d %.1f B", total,
		after.dataSize-before.dataSize, perResult, after.freePages, raw, after.keys[subResults],
		after.perRow(level1m), after.perRow(level1h), after.perRow(level1d))
	if after.results != total {
		t.Fatalf("%d raw results stored, want %d", after.results, total)
	}
	if raw > 100 {
		t.Errorf("raw results take %.1f B each on disk, SPEC §6 allows 100", raw)
	}
	// Before retention trims the 1-minute rows (48 h) the one-row-per-result case costs
	// more than raw alone; 100 B keeps a regression in encoding or fill visible.
	if perResult > 100 {
		t.Errorf("file grows %.1f B per result", perResult)
	}
}

package store

import (
	"fmt"
	"os"
)

// StorageStats describes the database file for the instance-admin page and /metrics.
type StorageStats struct {
	FileSize int64 // bytes on disk
	DataSize int64 // bytes up to the highest page in use (the rest is pre-allocated)
	PageSize int
	// FreePages are pages inside DataSize that bbolt will reuse (free plus pending
	// release), as of the last write transaction since Open (0 before the first one);
	// `alertifypro compact` returns them to the file system.
	FreePages int
	FreeBytes int64
	// BucketKeys counts the entries under each top-level bucket, nested buckets included
	// (a nested bucket counts as one entry of its parent plus its own entries).
	BucketKeys map[string]int
	Orgs       []OrgStorage // one per organization bucket, in key order
}

// OrgStorage is one organization's share of the file: its entries, and the raw results
// and rollup rows its series hold (blocks and series heads counted by what they hold).
type OrgStorage struct {
	OrgID    string
	Keys     int // every entry under orgs/<orgID>, series included
	Results  int
	Rollup1m int
	Rollup1h int
	Rollup1d int
}

// Storage reports the file's size and free pages and counts entries per bucket and per
// organization, in one read transaction. It reads every page of the file (bbolt keeps no
// counts), so it is for the admin page, not for a hot path.
func (db *DB) Storage() (StorageStats, error) {
	out := StorageStats{BucketKeys: map[string]int{}}
	err := db.view(func(tx txn) error {
		// Info asserts an open file; inside a transaction it is.
		out.DataSize, out.PageSize = tx.Size(), tx.PageSize()
		return tx.ForEach(func(name []byte, b bucket) error {
			if string(name) != bucketOrgs {
				out.BucketKeys[string(name)] = b.Stats().KeyN
				return nil
			}
			total := 0
			err := b.ForEachBucket(func(id []byte) error {
				org := orgStorage(b.Bucket(id))
				org.OrgID = string(id)
				out.Orgs = append(out.Orgs, org)
				total += 1 + org.Keys
				return nil
			})
			out.BucketKeys[bucketOrgs] = total
			return err
		})
	})
	if err != nil {
		return out, fmt.Errorf("store: storage stats: %w", err)
	}
	st, err := os.Stat(db.path)
	if err != nil {
		return out, fmt.Errorf("store: storage stats: %w", err)
	}
	out.FileSize = st.Size()
	s := db.kv.Load().Stats()
	out.FreePages = s.FreePageN + s.PendingPageN
	out.FreeBytes = int64(out.FreePages) * int64(out.PageSize)
	return out, nil
}

// orgStorage counts the entries of one organization bucket, walking each child bucket's
// pages once.
func orgStorage(ob bucket) OrgStorage {
	var o OrgStorage
	c := ob.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		o.Keys++
		if v != nil {
			continue
		}
		n := ob.Bucket(k).Stats().KeyN
		o.Keys += n
		switch string(k) {
		case subResults:
			o.Results += countResults(ob.Bucket(k))
		case subRollup1m:
			o.Rollup1m += n
		case subRollup1h:
			o.Rollup1h += n
		case subRollup1d:
			o.Rollup1d += n
		case subHeads:
			countHeads(ob.Bucket(k), &o)
		}
	}
	return o
}

// countResults counts the results of the rows of a results bucket.
func countResults(b bucket) int {
	n := 0
	var entries []rawEntry
	_ = b.ForEach(func(k, v []byte) error {
		if len(k) == seriesKeyLen && v != nil {
			entries, _ = decodeRawRow(keyNanos(k), v, entries[:0])
			n += len(entries)
		}
		return nil
	})
	return n
}

// countHeads adds what the series heads of b hold to o.
func countHeads(b bucket, o *OrgStorage) {
	var h seriesHead
	_ = b.ForEach(func(_, v []byte) error {
		if v == nil || decodeHead(v, &h) != nil {
			return nil
		}
		o.Results += h.rawN
		for l, n := range [...]*int{&o.Rollup1m, &o.Rollup1h, &o.Rollup1d} {
			if h.open[l].has {
				*n++
			}
		}
		return nil
	})
}

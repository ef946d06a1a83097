package store

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestSnapshotWhileRecording(t *testing.T) {
	now := seriesEpoch.Add(24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 3, time.Minute)
	recorded := recordEvery(t, db, org.ID, svcs, now.Add(-12*time.Hour), now, time.Minute)
	// Writers keep committing while the copy is taken.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.RecordResults([]RecordItem{result(org.ID, svcs[0].ID, now.Add(time.Duration(i)*time.Second), StatusGreen, 5)}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	snap, err := db.Snapshot()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	// The temporary copy is unlinked at once: nothing but the database is in its directory.
	if entries, _ := os.ReadDir(filepath.Dir(db.Path())); len(entries) != 1 {
		t.Errorf("directory holds %d entries while a snapshot is open, want only the database", len(entries))
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, snap)
	if err != nil || n != snap.Size() {
		t.Fatalf("read %d of %d bytes: %v", n, snap.Size(), err)
	}
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path) // tx.Check on the copy
	copyDB := openTestDBAt(t, path, Options{Now: func() time.Time { return now }})
	st, err := copyDB.Storage()
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Orgs[0].Results; got < recorded {
		t.Errorf("backup holds %d results, want at least %d", got, recorded)
	}
	if c, err := copyDB.Checks(org.ID, svcs[2].ID, now.Add(-time.Hour), now, 0); err != nil || len(c) != 60 {
		t.Errorf("checks from the backup: %d, %v", len(c), err)
	}
}

// A snapshot nobody reads holds no transaction: the file may grow past its memory map
// (bbolt remaps, which waits for every open read transaction) while it stays unread.
func TestSnapshotUnreadBlocksNoRemap(t *testing.T) {
	db := openUnreplicatedTestDB(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock()}) // timed
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	notBlocked(t, "writing past the initial memory map", func() { growBy(t, db, mmapFloor+(8<<20)) })
}

// bulkyClosedDB writes a database with 8 services' history, purges 6 of them and closes
// it, leaving most of the file free pages; it returns the path and the result count left.
func bulkyClosedDB(t *testing.T) (string, int) {
	t.Helper()
	now := seriesEpoch.Add(24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 8, 10*time.Second)
	recordEvery(t, db, org.ID, svcs, now.Add(-4*time.Hour), now, 10*time.Second)
	for _, s := range svcs[:6] {
		if err := db.DeleteService(org.ID, s.ID, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.PurgeServiceHistory(org.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.Storage()
	if err != nil {
		t.Fatal(err)
	}
	if st.FreePages == 0 || st.FreeBytes != int64(st.FreePages*st.PageSize) {
		t.Errorf("after purges: %d free pages, %d free bytes", st.FreePages, st.FreeBytes)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return db.Path(), st.Orgs[0].Results
}

func TestCompactShrinksAfterDeletes(t *testing.T) {
	src, results := bulkyClosedDB(t)
	dst := filepath.Join(t.TempDir(), "compacted.db")
	if err := Compact(src, dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(src)
	b, _ := os.Stat(dst)
	t.Logf("compacted %d → %d bytes", a.Size(), b.Size())
	if b.Size() >= a.Size()/2 || b.Mode().Perm() != 0o600 {
		t.Errorf("compacted %d → %d bytes, mode %v", a.Size(), b.Size(), b.Mode().Perm())
	}
	checkFile(t, dst)
	db := openTestDBAt(t, dst, Options{})
	if st, _ := db.Storage(); st.Orgs[0].Results != results {
		t.Errorf("compacted copy holds %d results, want %d", st.Orgs[0].Results, results)
	}
	if err := Compact(src, dst); err == nil {
		t.Error("Compact over an existing file succeeded")
	}
}

func TestCompactInPlace(t *testing.T) {
	path, results := bulkyClosedDB(t)
	before, _ := os.Stat(path)
	if err := os.WriteFile(path+".compact", []byte("left over"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CompactInPlace(path); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if after.Size() >= before.Size()/2 {
		t.Errorf("file %d → %d bytes", before.Size(), after.Size())
	}
	for _, leftover := range []string{path + ".compact", path + ".pre-compact"} {
		if _, err := os.Stat(leftover); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", leftover, err)
		}
	}
	db := openTestDBAt(t, path, Options{}) // its cleanup runs tx.Check on the result
	if st, _ := db.Storage(); st.Orgs[0].Results != results {
		t.Errorf("compacted file holds %d results, want %d", st.Orgs[0].Results, results)
	}
	// While the database is open (the server runs), compaction refuses and changes nothing.
	if err := CompactInPlace(path); err == nil {
		t.Error("CompactInPlace of an open database succeeded")
	}
	if st, err := db.Storage(); err != nil || st.Orgs[0].Results != results {
		t.Errorf("database after a refused compaction: %v", err)
	}
}

func TestStorageStats(t *testing.T) {
	now := seriesEpoch.Add(24 * time.Hour)
	db, _, org := openSeriesDB(t, now)
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	svcs := createServices(t, db, org.ID, 2, time.Minute)
	recordEvery(t, db, org.ID, svcs, now.Add(-90*time.Minute), now, time.Minute)
	st, err := db.Storage()
	if err != nil {
		t.Fatal(err)
	}
	if st.PageSize != os.Getpagesize() || st.FileSize < st.DataSize || st.DataSize <= 0 {
		t.Errorf("sizes: %+v", st)
	}
	if st.BucketKeys[bucketUsers] != 2 || st.BucketKeys[bucketIdxUserEmail] != 2 || st.BucketKeys[bucketMeta] < 1 {
		t.Errorf("bucket keys: %v", st.BucketKeys)
	}
	if len(st.Orgs) != 2 {
		t.Fatalf("orgs: %+v", st.Orgs)
	}
	var mine, theirs OrgStorage
	for _, o := range st.Orgs {
		if o.OrgID == org.ID {
			mine = o
		} else if o.OrgID == other.ID {
			theirs = o
		}
	}
	if mine.Results != 180 || mine.Rollup1m != 180 || mine.Rollup1h != 2*2 || mine.Rollup1d != 2 {
		t.Errorf("series counts: %+v", mine)
	}
	if theirs.Results != 0 || theirs.Keys == 0 {
		t.Errorf("other org: %+v", theirs)
	}
	if st.BucketKeys[bucketOrgs] != 2+mine.Keys+theirs.Keys {
		t.Errorf("orgs bucket %d keys, orgs add up to %d", st.BucketKeys[bucketOrgs], 2+mine.Keys+theirs.Keys)
	}
}

// growBy writes about n bytes in 1 MiB values, each in a bucket of its own (so no commit
// rewrites an earlier value), one commit each.
func growBy(t *testing.T, db *DB, n int) {
	t.Helper()
	value := bytes.Repeat([]byte{0x5A}, 1<<20)
	base := time.Now().UnixNano()
	for i := 0; i < n>>20; i++ {
		err := db.update("", nil, func(tx txn) error {
			b, err := tx.CreateBucket([]byte(fmt.Sprintf("scratch-%d-%d", base, i)))
			if err != nil {
				return err
			}
			return b.Put([]byte("v"), value)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// notBlocked fails t when op has not finished after 30 seconds. The operations it guards
// (growing the file while a read transaction or a snapshot is open) either finish in
// milliseconds or never: a remap waits for every open read transaction, and those stay
// open until the test ends. A generous bound tells the two apart without timing a busy
// machine.
func notBlocked(t *testing.T, what string, op func()) {
	t.Helper()
	done := make(chan time.Duration, 1)
	go func() { start := time.Now(); op(); done <- time.Since(start) }()
	select {
	case d := <-done:
		t.Logf("%s took %v", what, d.Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatalf("%s still blocked after 30s (a remap waiting for an open read transaction)", what)
	}
}

package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// selfReplicator is a one-node cluster: Replicate applies the set as the next entry of db.
// lose, when set, is Replicate's error instead (an entry whose commit is unknown).
type selfReplicator struct {
	db    *DB
	index uint64
	lose  error
}

func (r *selfReplicator) Writable() error { return nil }

func (r *selfReplicator) Replicate(ws *WriteSet) (uint64, error) {
	if r.lose != nil {
		return 0, r.lose
	}
	r.index++
	return r.index, r.db.ApplyEntry(r.index, ws)
}

// openClustered opens a database at path whose writes go through a selfReplicator.
func openClustered(t *testing.T, path string) (*DB, *selfReplicator) {
	t.Helper()
	r := &selfReplicator{}
	db, err := Open(path, testOptions(Options{Now: tickClock(), Replicator: r}))
	if err != nil {
		t.Fatal(err)
	}
	r.db, r.index = db, db.AppliedIndex()
	t.Cleanup(func() { db.Close() })
	return db, r
}

// putKey writes key=value into meta through the write path, registering onCommit.
func putKey(db *DB, key, value string, onCommit func()) error {
	return db.update("", nil, func(tx txn) error {
		tx.OnCommit(onCommit)
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(key), []byte(value))
	})
}

// getKey reads key from meta.
func getKey(t *testing.T, db *DB, key string) []byte {
	t.Helper()
	var v []byte
	if err := db.view(func(tx txn) error {
		v = bytes.Clone(tx.Bucket([]byte(bucketMeta)).Get([]byte(key)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// On a clustered node, what a write registers with OnCommit runs once its entry has been
// applied — it sees the write — and never when the entry was not confirmed.
func TestReplicatedWriteRunsOnCommitAfterTheApply(t *testing.T) {
	db, r := openClustered(t, filepath.Join(t.TempDir(), "alertifypro.db"))
	var seen []byte
	if err := putKey(db, "k", "v1", func() { seen = getKey(t, db, "k") }); err != nil {
		t.Fatal(err)
	}
	if string(seen) != "v1" {
		t.Errorf("OnCommit saw %q, want the applied write v1", seen)
	}
	if db.AppliedIndex() != r.index || r.index == 0 {
		t.Errorf("applied index %d, replicator's %d", db.AppliedIndex(), r.index)
	}
	r.lose = ErrCommitUnknown
	ran := false
	if err := putKey(db, "k", "v2", func() { ran = true }); !errors.Is(err, ErrCommitUnknown) {
		t.Fatalf("write: %v, want ErrCommitUnknown", err)
	}
	if ran || string(getKey(t, db, "k")) != "v1" {
		t.Errorf("an unconfirmed write: OnCommit ran %v, k = %q (want not run, v1)", ran, getKey(t, db, "k"))
	}
}

// The index of the last applied entry is stored with it: a reopened node knows it, and an
// entry at or below it (the log replayed from a snapshot's index) is skipped.
func TestApplyEntryStoresItsIndexAndSkipsOldEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	db, _ := openClustered(t, path)
	set := func(bucketName, value string) *WriteSet {
		rec := newRecorder()
		rec.put(rec.child(rootPath, []byte(bucketName)), []byte("k"), []byte(value))
		return roundTrip(t, &rec.set)
	}
	if err := db.ApplyEntry(7, set(bucketMeta, "seven")); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyEntry(7, set(bucketMeta, "seven again")); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyEntry(3, set(bucketMeta, "three")); err != nil {
		t.Fatal(err)
	}
	if got := string(getKey(t, db, "k")); got != "seven" || db.AppliedIndex() != 7 {
		t.Fatalf("k = %q at index %d, want seven at 7", got, db.AppliedIndex())
	}
	db.Close()
	db, _ = openClustered(t, path)
	if db.AppliedIndex() != 7 {
		t.Fatalf("reopened at index %d, want 7", db.AppliedIndex())
	}
	if err := db.ApplyEntry(8, set(bucketMeta, "eight")); err != nil || string(getKey(t, db, "k")) != "eight" {
		t.Fatalf("entry 8: %v, k = %q", err, getKey(t, db, "k"))
	}
	// A set that does not fit is refused whole, yet its index is stored: a replay must
	// not meet it again.
	if err := db.ApplyEntry(9, set("no_such_bucket", "x")); !errors.Is(err, ErrWriteSetMismatch) {
		t.Fatalf("mismatching entry: %v", err)
	}
	if db.AppliedIndex() != 9 || string(getKey(t, db, "k")) != "eight" {
		t.Errorf("after the mismatch: index %d, k = %q; want 9, eight", db.AppliedIndex(), getKey(t, db, "k"))
	}
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// openReplica opens a database at a fresh path without Open's writes: an empty file that
// only ApplyWriteSet fills.
func openReplica(t testing.TB) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "replica.db")
	db, err := openFile(path, testOptions(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	db.kv.Load().NoSync = true
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkFile(t, path)
	})
	return db
}

// roundTrip encodes ws and decodes it again, as a Raft log entry carries it.
func roundTrip(t testing.TB, ws *WriteSet) *WriteSet {
	t.Helper()
	raw, err := ws.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out WriteSet
	if err := out.UnmarshalBinary(raw); err != nil {
		t.Fatal(err)
	}
	return &out
}

// mixedWrite makes every kind of mutation, and leaves state behind: buckets at three
// depths, sequences, a bucket deleted and created again within the transaction.
func mixedWrite(round int) func(tx txn) error {
	return func(tx txn) error {
		top, err := tx.CreateBucketIfNotExists([]byte("top"))
		if err != nil {
			return err
		}
		child, err := top.CreateBucketIfNotExists([]byte("child"))
		if err != nil {
			return err
		}
		child.SetFillPercent(appendFillRatio)
		for i := range 50 {
			seq, err := child.NextSequence()
			if err != nil {
				return err
			}
			if err := child.Put(be64(seq), bytes.Repeat([]byte{byte(i)}, i*7)); err != nil {
				return err
			}
		}
		c := child.Cursor()
		if k, _ := c.First(); k != nil {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		if err := child.Delete(be64(uint64(round*50 + 3))); err != nil {
			return err
		}
		if top.Bucket([]byte("scratch")).exists() {
			if err := top.DeleteBucket([]byte("scratch")); err != nil {
				return err
			}
		}
		scratch, err := top.CreateBucket([]byte("scratch"))
		if err != nil {
			return err
		}
		deep, err := scratch.CreateBucket([]byte("deep"))
		if err != nil {
			return err
		}
		if err := deep.SetSequence(uint64(1000 + round)); err != nil {
			return err
		}
		return deep.Put([]byte("round"), be64(uint64(round)))
	}
}

// Recorded sets, encoded and decoded, replayed in order on an empty database rebuild
// exactly what the original holds.
func TestApplyWriteSetRebuildsTheRecordedState(t *testing.T) {
	db, replica := openReplica(t), openReplica(t)
	for round := range 3 {
		rec := newRecorder()
		if err := db.write(rec, mixedWrite(round)); err != nil {
			t.Fatal(err)
		}
		if err := replica.ApplyWriteSet(roundTrip(t, &rec.set)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	sameContents(t, db, replica)
	if dump, _ := logicalDump(replica); len(dump) < 100 {
		t.Fatalf("the replica holds %d entries; the workload wrote more", len(dump))
	}
}

// A set with a mutation that does not fit rolls back whole: nothing of it is written, and
// the error names the mutation. Each failing set first makes every kind of mutation that
// does fit (mixedWrite), then one that does not.
func TestApplyWriteSetIsAllOrNothing(t *testing.T) {
	for name, misfit := range map[string]func(r *recorder){
		"put into a bucket that does not exist": func(r *recorder) {
			r.put(r.child(r.child(rootPath, []byte("top")), []byte("nowhere")), []byte("k"), []byte("v"))
		},
		"a bucket created that exists": func(r *recorder) { r.createBucket(rootPath, []byte("top")) },
		"a bucket deleted that does not exist": func(r *recorder) {
			r.deleteBucket(r.child(rootPath, []byte("top")), []byte("nowhere"))
		},
		"a value put where a bucket is": func(r *recorder) {
			r.put(r.child(rootPath, []byte("top")), []byte("child"), []byte("v"))
		},
		"a key put into the root": func(r *recorder) { r.put(rootPath, []byte("k"), []byte("v")) },
		"an empty key":            func(r *recorder) { r.put(r.child(rootPath, []byte("top")), nil, []byte("v")) },
	} {
		t.Run(name, func(t *testing.T) {
			source, replica := openReplica(t), openReplica(t)
			first, second := newRecorder(), newRecorder()
			if err := source.write(first, mixedWrite(0)); err != nil {
				t.Fatal(err)
			}
			if err := source.write(second, mixedWrite(1)); err != nil {
				t.Fatal(err)
			}
			misfit(second)
			if err := replica.ApplyWriteSet(&first.set); err != nil {
				t.Fatal(err)
			}
			before, _ := logicalDump(replica)
			commits, _ := replica.Commits()
			err := replica.ApplyWriteSet(roundTrip(t, &second.set))
			if !errors.Is(err, ErrWriteSetMismatch) {
				t.Fatalf("ApplyWriteSet = %v, want ErrWriteSetMismatch", err)
			}
			if want := fmt.Sprintf("mutation %d of %d", second.set.Len(), second.set.Len()); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name the %s", err, want)
			}
			after, _ := logicalDump(replica)
			if diff := dumpDiff(before, after); diff != nil {
				t.Fatalf("a failed set changed the database:\n%s", joinLines(diff))
			}
			if n, _ := replica.Commits(); n != commits {
				t.Fatalf("a failed set committed %d transactions", n-commits)
			}
		})
	}
}

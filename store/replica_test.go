package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Every store test that opens its database through openTestDBAt also proves that the
// write sets capture everything: the database is opened with a Capture that replays
// each set, encoded and decoded, on a replica, and when the test ends the replica must
// hold exactly what the file holds. A write that escaped the recording — any kind of
// mutation on any path the tests exercise — makes the two differ and fails the test.

// replicaGenerations counts the opens of each path, so only the replica of a file's last
// open compares with it (a reopened file's replica starts as a copy of it at that point).
var replicaGenerations = struct {
	sync.Mutex
	of map[string]int
}{of: map[string]int{}}

// startReplica starts the replica of the database about to be opened at path and returns
// the Capture to open it with. Call it before Open, so that its check runs after the
// database's cleanup has closed it.
func startReplica(t testing.TB, path string) func(*WriteSet) error {
	t.Helper()
	replicaGenerations.Lock()
	replicaGenerations.of[path]++
	generation := replicaGenerations.of[path]
	replicaGenerations.Unlock()

	// The replica starts as a copy of the file (none: empty) and is opened as it is, without
	// Open's writes: those come to it as write sets.
	replicaPath := filepath.Join(t.TempDir(), "replica.db")
	if src, err := os.ReadFile(path); err == nil {
		if err := os.WriteFile(replicaPath, src, 0o600); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	replica, err := openFile(replicaPath, testOptions(Options{}))
	if err != nil {
		t.Fatalf("open the replica of %s: %v", path, err)
	}
	replica.kv.Load().NoSync = true
	t.Cleanup(func() {
		if err := replica.Close(); err != nil {
			t.Errorf("close the replica: %v", err)
		}
		replicaGenerations.Lock()
		latest := replicaGenerations.of[path] == generation
		replicaGenerations.Unlock()
		if !latest || t.Failed() {
			return
		}
		want, err := dumpFile(path)
		if err != nil {
			t.Errorf("dump %s: %v", path, err)
			return
		}
		got, err := dumpFile(replicaPath)
		if err != nil {
			t.Errorf("dump the replica: %v", err)
			return
		}
		sameDumps(t, want, got)
	})
	return func(ws *WriteSet) error {
		raw, err := ws.MarshalBinary()
		if err != nil {
			return err
		}
		var decoded WriteSet
		if err := decoded.UnmarshalBinary(raw); err != nil {
			return err
		}
		return replica.ApplyWriteSet(&decoded)
	}
}

package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// gatedReplicator is a selfReplicator whose Replicate waits for the test to open its gate
// while gated is set, so the test can queue writes behind a group waiting on Raft.
type gatedReplicator struct {
	selfReplicator
	gated   bool
	entered chan struct{} // one send per Replicate that waits at the gate
	gate    chan struct{}
	mu      sync.Mutex
	sizes   []int // each entry's number of mutations
}

func (r *gatedReplicator) Replicate(ws *WriteSet) (uint64, error) {
	r.mu.Lock()
	gated := r.gated
	r.gated = false
	r.sizes = append(r.sizes, ws.Len())
	r.mu.Unlock()
	if gated {
		r.entered <- struct{}{}
		<-r.gate
	}
	return r.selfReplicator.Replicate(ws)
}

// openGated opens a clustered database whose first Replicate waits at the gate.
func openGated(t *testing.T) (*DB, *gatedReplicator) {
	t.Helper()
	r := &gatedReplicator{gated: true, entered: make(chan struct{}, 1), gate: make(chan struct{})}
	db, err := Open(filepath.Join(t.TempDir(), "alertifypro.db"), testOptions(Options{Now: tickClock(), Replicator: r}))
	if err != nil {
		t.Fatal(err)
	}
	r.db, r.index = db, db.AppliedIndex()
	t.Cleanup(func() { db.Close() })
	return db, r
}

// queueWrite starts fn as a write in its own goroutine and returns once it is queued; the
// write's error arrives on the channel.
func queueWrite(t *testing.T, db *DB, fn func(tx txn) error) <-chan error {
	t.Helper()
	db.groupMu.Lock()
	before := len(db.group.queued)
	db.groupMu.Unlock()
	done := make(chan error, 1)
	go func() { done <- db.update("", nil, fn) }()
	waitUntil(t, "the write is queued", func() bool {
		db.groupMu.Lock()
		defer db.groupMu.Unlock()
		return len(db.group.queued) > before
	})
	return done
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// putMeta is the logic of a write that sets key in meta.
func putMeta(key, value string) func(tx txn) error {
	return func(tx txn) error { return tx.Bucket([]byte(bucketMeta)).Put([]byte(key), []byte(value)) }
}

// Writes queued behind a group waiting on Raft share the next entry; in it a later write's
// logic sees an earlier one's writes, a failed write leaves nothing while the writes
// before and after it commit, and no write is answered before its entry applied.
func TestQueuedWritesShareOneEntryAndAFailureLeavesNothing(t *testing.T) {
	db, r := openGated(t)
	first := make(chan error, 1)
	go func() { first <- db.update("", nil, putMeta("g-first", "1")) }()
	<-r.entered // the first write's group waits on Raft, holding the write lock

	earlier := queueWrite(t, db, putMeta("g-earlier", "e"))
	var seen []byte
	later := queueWrite(t, db, func(tx txn) error {
		seen = tx.Bucket([]byte(bucketMeta)).Get([]byte("g-earlier"))
		return tx.Bucket([]byte(bucketMeta)).Put([]byte("g-later"), append([]byte("saw "), seen...))
	})
	boom := errors.New("the logic refuses")
	failing := queueWrite(t, db, func(tx txn) error {
		tx.OnCommit(func() { t.Error("the failed write's OnCommit ran") })
		if err := tx.Bucket([]byte(bucketMeta)).Put([]byte("g-failed"), []byte("x")); err != nil {
			return err
		}
		return boom
	})
	after := queueWrite(t, db, putMeta("g-after", "a"))
	select {
	case err := <-earlier:
		t.Fatalf("a queued write was answered (%v) before its entry applied", err)
	default:
	}
	before := r.index
	close(r.gate)
	for name, ch := range map[string]<-chan error{"first": first, "earlier": earlier, "later": later, "after": after} {
		if err := <-ch; err != nil {
			t.Errorf("write %s: %v", name, err)
		}
	}
	if err := <-failing; !errors.Is(err, boom) {
		t.Errorf("failed write: %v, want its own error", err)
	}
	if got := getKey(t, db, "g-later"); string(got) != "saw e" {
		t.Errorf("the later write saw %q, want the earlier write of its group", got)
	}
	if got := getKey(t, db, "g-failed"); got != nil {
		t.Errorf("the failed write left %q", got)
	}
	if getKey(t, db, "g-after") == nil || getKey(t, db, "g-earlier") == nil {
		t.Error("a write queued with the failed one is missing")
	}
	// first; earlier+later (cut before the failed write); after.
	if entries := r.index - before; entries != 3 {
		t.Errorf("%d entries, want 3 (sizes %v)", entries, r.sizes)
	}
	if db.AppliedIndex() != r.index {
		t.Errorf("applied index %d, want the last entry %d", db.AppliedIndex(), r.index)
	}
}

// N writes that queue while one waits on Raft become one entry, not N: without group
// commit a clustered node's writes are serial through Raft (SPEC §6).
func TestConcurrentWritesBecomeFewerEntries(t *testing.T) {
	db, r := openGated(t)
	first := make(chan error, 1)
	go func() { first <- db.update("", nil, putMeta("c-first", "1")) }()
	<-r.entered
	const n = 100
	answers := make([]<-chan error, n)
	for i := range answers {
		answers[i] = queueWrite(t, db, putMeta(fmt.Sprintf("c-%03d", i), "v"))
	}
	before := r.index
	close(r.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, ch := range answers {
		if err := <-ch; err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if getKey(t, db, fmt.Sprintf("c-%03d", i)) == nil {
			t.Errorf("write %d is missing", i)
		}
	}
	if entries := r.index - before; entries != 2 {
		t.Errorf("%d writes took %d entries, want 2 (the first, then one group): sizes %v", n+1, entries, r.sizes)
	}
}

// A write whose logic panics panics in its own caller; the writes grouped with it are
// answered and committed.
func TestAPanickingWriteDoesNotStrandItsGroup(t *testing.T) {
	db, r := openGated(t)
	first := make(chan error, 1)
	go func() { first <- db.update("", nil, putMeta("p-first", "1")) }()
	<-r.entered
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = db.update("", nil, func(tx txn) error { panic("logic bug") })
	}()
	waitUntil(t, "the panicking write is queued", func() bool {
		db.groupMu.Lock()
		defer db.groupMu.Unlock()
		return len(db.group.queued) == 1
	})
	other := queueWrite(t, db, putMeta("p-other", "o"))
	close(r.gate)
	if p := <-panicked; p != "logic bug" {
		t.Errorf("the panicking write's caller recovered %v", p)
	}
	if err := <-other; err != nil || getKey(t, db, "p-other") == nil {
		t.Errorf("the write queued after the panic: %v", err)
	}
	if err := <-first; err != nil {
		t.Error(err)
	}
}

// panickyReplicator panics on its first Replicate and applies afterwards.
type panickyReplicator struct {
	selfReplicator
	panicked bool
}

func (r *panickyReplicator) Replicate(ws *WriteSet) (uint64, error) {
	if !r.panicked {
		r.panicked = true
		panic("replicator bug")
	}
	return r.selfReplicator.Replicate(ws)
}

// A panic outside every write's logic (here the Replicator's) reaches the writer that was
// committing, and the write lock is handed on: the next write commits, none hangs.
func TestAPanickingGroupReleasesTheWriteLock(t *testing.T) {
	r := &panickyReplicator{}
	db, err := Open(filepath.Join(t.TempDir(), "alertifypro.db"), testOptions(Options{Now: tickClock(), Replicator: r}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r.db, r.index = db, db.AppliedIndex()
	func() {
		defer func() {
			if p := recover(); p != "replicator bug" {
				t.Errorf("the committing writer recovered %v", p)
			}
		}()
		_ = db.update("", nil, putMeta("x-lost", "1"))
	}()
	done := make(chan error, 1)
	go func() { done <- db.update("", nil, putMeta("x-next", "1")) }()
	select {
	case err := <-done:
		if err != nil || getKey(t, db, "x-next") == nil {
			t.Errorf("the write after the panic: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the write after the panic hangs: the write lock was not handed on")
	}
}

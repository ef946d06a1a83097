package store

import (
	"context"
	"sync"
)

// indexWatch wakes everyone waiting for the applied Raft index to move: wait returns a
// channel that the next change closes.
type indexWatch struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next change.
func (w *indexWatch) wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return w.ch
}

// changed wakes every waiter.
func (w *indexWatch) changed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
}

// setApplied records index as applied (and as the one applying, which a restored
// snapshot may move past) and wakes the reads waiting for it.
func (db *DB) setApplied(index uint64) {
	db.appliedIndex.Store(index)
	for {
		cur := db.applyingIndex.Load()
		if cur >= index || db.applyingIndex.CompareAndSwap(cur, index) {
			break
		}
	}
	db.appliedWatch.changed()
}

// WaitApplied waits until this node has applied the cluster's entry at index (SPEC §9,
// X-AlertifyPro-Min-Index) and returns nil, or ctx's error when it ends first.
func (db *DB) WaitApplied(ctx context.Context, index uint64) error {
	for {
		changed := db.appliedWatch.wait()
		if db.appliedIndex.Load() >= index {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ReadIndex is the index to give a read's answer: at or above every entry whose data the
// read can have seen, since it counts the entry being applied before its commit — a read
// may see that commit before AppliedIndex moves. A client that later asks any node for
// at least this index (X-AlertifyPro-Min-Index) sees at least what this read saw.
func (db *DB) ReadIndex() uint64 {
	return max(db.applyingIndex.Load(), db.appliedIndex.Load())
}

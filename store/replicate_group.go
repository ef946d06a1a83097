package store

import (
	"errors"
	"fmt"
)

// maxGroupWrites bounds how many queued writes one group takes, so the writes queued
// behind a group wait for at most one group's logic plus one Raft commit.
const maxGroupWrites = 256

// groupWrite is one write queued on a clustered node (updateReplicated): its logic, and
// its answer once the group that took it is done.
type groupWrite struct {
	orgID string
	ch    *Change
	fn    func(tx txn) error
	err   error
	// panicked holds what the logic panicked with; the writer panics again with it in its
	// own goroutine, as it would have without the group.
	panicked any
	done     chan struct{} // closed once err (or panicked) is final
}

// answer makes err w's final result.
func (w *groupWrite) answer(err error) {
	w.err = err
	close(w.done)
}

// groupQueue is the writes waiting for a clustered node's next group, and the baton that
// one writer at a time holds to commit them (replicate.go).
type groupQueue struct {
	baton  chan struct{} // capacity 1: holding it is holding the store-wide write lock
	queued []*groupWrite // guarded by DB.groupMu
}

// commitGroups commits the queued writes, up to maxGroupWrites a group, until every write
// queued when it started is answered. The caller holds the baton. Should something panic
// outside a write's logic (the Replicator, an OnCommit function), every write not yet
// answered gets an error before the panic goes on: none waits forever.
func (db *DB) commitGroups() {
	db.groupMu.Lock()
	pending := db.group.queued
	db.group.queued = nil
	db.groupMu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("store: a write group failed: %v", p)
			for _, w := range pending {
				select {
				case <-w.done:
				default:
					w.answer(err)
				}
			}
			panic(p)
		}
	}()
	for len(pending) > 0 {
		n := min(len(pending), maxGroupWrites)
		ran := db.commitGroup(pending[:n])
		pending = pending[ran:]
	}
}

// commitGroup runs the logic of ws in order in one transaction, each write seeing the
// ones before it, and commits what they wrote as one Raft entry; it answers every write it
// ran and returns how many that is. bbolt has no savepoints, so a write whose logic fails
// ends the group there: the group's write set is cut back to what the writes before it
// recorded (the failed write leaves nothing), those commit, the failed write gets its
// error, and the writes after it go to the next group — every logic runs exactly once,
// and in queue order, as it would have alone.
func (db *DB) commitGroup(ws []*groupWrite) int {
	if err := db.replicator.Writable(); err != nil {
		for _, w := range ws {
			w.answer(err)
		}
		return len(ws)
	}
	rec := newRecorder()
	rec.deferCommits = true
	ok := 0 // the writes whose logic succeeded: ws[:ok]
	var failed error
	var panicked any
	err := db.write(rec, func(tx txn) error {
		for _, w := range ws {
			mark := rec.mark()
			if failed, panicked = db.runLogic(tx, rec, w); failed != nil {
				rec.cut(mark)
				break
			}
			ok++
		}
		if db.capture != nil {
			if err := db.capture(&rec.set); err != nil {
				return err
			}
		}
		return errReplicated
	})
	ran := ok
	if failed != nil {
		ws[ok].panicked = panicked
		ws[ok].answer(failed)
		ran++
	}
	if !errors.Is(err, errReplicated) {
		for _, w := range ws[:ok] {
			w.answer(err)
		}
		return ran
	}
	if rec.set.Len() > 0 {
		if _, err := db.replicator.Replicate(&rec.set); err != nil {
			// The logic may have cached rules it read after writing them; the entry
			// that carried those writes did not apply here.
			db.ruleCache.Clear()
			for _, w := range ws[:ok] {
				w.answer(err)
			}
			return ran
		}
	}
	for _, f := range rec.onCommit {
		f()
	}
	for _, w := range ws[:ok] {
		w.answer(nil)
	}
	return ran
}

// runLogic runs one write's logic and its Change inside the group's transaction. A panic
// is returned, not raised: the other writes of the group still get their answers.
func (db *DB) runLogic(tx txn, rec *recorder, w *groupWrite) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			err, panicked = fmt.Errorf("store: a write's logic panicked: %v", p), p
		}
	}()
	if err := w.fn(tx); err != nil {
		return err, nil
	}
	if err := db.record(tx, w.orgID, w.ch); err != nil {
		return err, nil
	}
	return rec.err, nil
}

// recordMark is how far a recorder had got: where one write of a group began.
type recordMark struct{ paths, ops, data, onCommit int }

// mark returns where the recording stands.
func (r *recorder) mark() recordMark {
	return recordMark{len(r.set.paths), len(r.set.ops), len(r.set.data), len(r.onCommit)}
}

// cut drops everything recorded since m: the paths, mutations and bytes, and what was
// registered with OnCommit. The recording must end here: the transaction stops (the
// paths index may still name the dropped paths).
func (r *recorder) cut(m recordMark) {
	r.set.paths, r.set.ops, r.set.data = r.set.paths[:m.paths], r.set.ops[:m.ops], r.set.data[:m.data]
	r.onCommit = r.onCommit[:m.onCommit]
	r.err = nil
}

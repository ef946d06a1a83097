package cluster

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/alertifypro/alertifypro/store"
)

// The first byte of every Raft entry this package writes says what it carries; the rest is
// its payload. The values are part of the log's format: never renumber them.
const (
	entryWriteSet byte = 1 // a store.WriteSet (MarshalBinary)
)

// applyRetry is how long the state machine waits before applying an entry again after an
// error that is not the entry's (a full disk): it never skips an entry it could not write.
const applyRetry = time.Second

// fsm is the cluster's replicated state machine (SPEC §9): this node's store. Its bbolt
// commits keep their fsync (Options.NoSync stays off) although Raft's log is fsynced too:
// without it a power cut may leave the file's meta page pointing at pages that never
// reached the disk — a damaged file, not merely a shorter one — and the index stored with
// the data could not be trusted, so every start would have to reinstall a whole snapshot.
// It costs about 0.8 ms of a 2.4 ms write on 3 loopback nodes sharing one disk
// (BenchmarkLeaderWrite: fsync 2.4-6.0 ms, nosync 1.6-3.6 ms per write, noisy), and
// throughput comes from the recorder's batching, not from fewer fsyncs per entry. Raft calls
// Apply with every committed entry in log order, on every node, the leader included — the
// leader's writes commit only here, so one path applies them all. It never takes the
// store's write lock (the leader holds it while it waits for this apply); it uses only
// bbolt's own writer lock, through ApplyEntry.
type fsm struct {
	db      *store.DB
	log     *slog.Logger
	closing chan struct{} // closed on shutdown: stop retrying
	// diverged is set once an entry did not fit this node's copy: the copy differs from
	// the leader's, the node reports it is not ready.
	diverged atomic.Pointer[error]
}

// Apply applies one committed entry. Its result is what the leader's Replicate gets: nil,
// or the error the entry met.
func (f *fsm) Apply(l *raft.Log) any {
	if l.Type != raft.LogCommand {
		return nil
	}
	if len(l.Data) == 0 || l.Data[0] != entryWriteSet {
		// An entry of a newer binary: applying around it would diverge silently.
		err := fmt.Errorf("cluster: entry %d is of an unknown kind (a newer AlertifyPro wrote it?)", l.Index)
		f.setDiverged(err)
		return err
	}
	var ws store.WriteSet
	if err := ws.UnmarshalBinary(l.Data[1:]); err != nil {
		err = fmt.Errorf("cluster: entry %d: %w", l.Index, err)
		f.setDiverged(err)
		return err
	}
	for logged := false; ; logged = true {
		err := f.db.ApplyEntry(l.Index, &ws)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrWriteSetMismatch):
			f.setDiverged(err)
			return err
		}
		// Not the entry's fault (a full disk, say): retry until it applies, or the node
		// shuts down and replays it on its next start.
		if !logged {
			f.log.Error("cluster: cannot apply a committed entry; retrying until it applies",
				"index", l.Index, "error", err)
		}
		select {
		case <-f.closing:
			return err
		case <-time.After(applyRetry):
		}
	}
}

// setDiverged records the first divergence and logs it.
func (f *fsm) setDiverged(err error) {
	if f.diverged.CompareAndSwap(nil, &err) {
		f.log.Error("cluster: this node's copy of the database no longer matches the cluster's log; "+
			"stop it, empty its DATA_DIR (keep secrets.env) and start it again to install a snapshot",
			"error", err)
	}
}

// divergence is the first divergence met, or nil.
func (f *fsm) divergence() error {
	if p := f.diverged.Load(); p != nil {
		return *p
	}
	return nil
}

// Snapshot copies the store into a temporary file (store.DB.Snapshot): the read
// transaction lasts as long as the copy at disk speed, never as long as sending it to a
// slow follower. Raft calls it between two applies, so the copy holds exactly the entries
// up to the snapshot's index, and the index itself in meta.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	snap, err := f.db.Snapshot()
	if err != nil {
		return nil, err
	}
	return &fsmSnapshot{snap: snap}, nil
}

// Restore replaces the store with a snapshot's copy (store.DB.Restore: written beside it,
// checked, renamed over it, reopened).
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	if err := f.db.Restore(rc); err != nil {
		return err
	}
	f.diverged.Store(nil) // the copy is the cluster's again
	return nil
}

// fsmSnapshot is one snapshot's copy, streamed to Raft's snapshot store.
type fsmSnapshot struct{ snap *store.Snapshot }

// Persist writes the copy to sink.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := io.Copy(sink, s.snap); err != nil {
		_ = sink.Cancel()
		return err
	}
	return sink.Close()
}

// Release frees the copy.
func (s *fsmSnapshot) Release() { _ = s.snap.Close() }

package store

import "errors"

// Change is what a write records besides its own data: the audit entries that describe it
// and the events it causes (webhook deliveries, subscriber messages). Every mutating method
// the API audits takes one and writes it in its own transaction, so the change, its audit
// entries and its events commit together or not at all (SPEC §12). nil records nothing
// (system callers, tests).
//
// The entries are written after the method's own writes, just before the commit, so a
// callback that runs inside the method (the fn of an Update* method) may still complete
// them, or add them, with what only the transaction knows: the record's new name, whether
// anything changed at all.
type Change struct {
	// Audit entries get an ID and Timestamp when they have none, like AppendAudit's.
	Audit []*AuditEntry
	// Events go to every event sink inside the transaction; an empty At is set to now.
	Events []*Event
}

// errChangeWithoutOrg refuses to record a change that names no organization: audit logs
// and webhooks are per organization, and a silently dropped entry is what Change prevents.
var errChangeWithoutOrg = errors.New("store: a change with audit entries or events needs an organization")

// update is the store's one write path: every write transaction, from a single record to a
// recorder group, is opened here. It runs fn, then records ch (if any) in organization
// orgID inside the same transaction, then — when Options.Capture is set — hands the
// transaction's write set to it, then commits; an error from any of them rolls everything
// back. orgID is the organization the write belongs to ("" for instance-wide writes). A
// method that learns its organization only inside the transaction (from a token) passes
// nil and calls record itself at the end of fn. A commit that fails for lack of space
// returns an error that is ErrDiskFull (disk_full.go).
//
// This is the write path's upper half, the logic; write is its lower half, the bbolt
// transaction, which ApplyWriteSet shares. The cluster (SPEC §9) turns the capture step
// into replication. On the leader, update runs under a store-wide write lock; the capture
// step keeps the set and rolls the transaction back instead of committing; update then
// hands the encoded set to raft.Apply outside the transaction and waits until the state
// machine has applied it — ApplyWriteSet on every node, the leader included, with the
// Raft index written to meta in the same transaction — and only then releases the lock,
// so the next write's logic sees this one. ApplyWriteSet never takes that lock (the
// leader holds it while it waits on Raft), only bbolt's writer lock. The functions the
// logic registered with OnCommit then run after that apply, not after the rollback. A
// recorder group is one transaction, so one Raft entry.
func (db *DB) update(orgID string, ch *Change, fn func(tx txn) error) error {
	if db.replicator != nil {
		return db.updateReplicated(orgID, ch, fn)
	}
	return db.updateLocal(orgID, ch, fn)
}

// updateLocal is update committing to this node's file whatever the node is: a single
// node's every write, and on a clustered node the writes every node makes alike for
// itself (Options.Replicator).
func (db *DB) updateLocal(orgID string, ch *Change, fn func(tx txn) error) error {
	var rec *recorder
	if db.capture != nil {
		rec = newRecorder()
	}
	return db.write(rec, func(tx txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := db.record(tx, orgID, ch); err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		if rec.err != nil {
			return rec.err
		}
		return db.capture(&rec.set)
	})
}

// write is the lower half of the write path: one bbolt write transaction that runs fn,
// recording its mutations into rec (nil: not recording), and commits unless fn fails. A
// commit that fails for lack of space returns an error that is ErrDiskFull.
func (db *DB) write(rec *recorder, fn func(tx txn) error) error {
	return db.observeSpace(db.onFile(func(f *boltFile) error { return f.readWrite(rec, fn) }))
}

// record writes ch's audit entries to organization orgID's audit log and hands its events
// to the event sinks, inside tx.
func (db *DB) record(tx txn, orgID string, ch *Change) error {
	if ch == nil || len(ch.Audit)+len(ch.Events) == 0 {
		return nil
	}
	if orgID == "" {
		return errChangeWithoutOrg
	}
	for _, e := range ch.Audit {
		if err := db.appendAudit(tx, orgID, e); err != nil {
			return err
		}
	}
	if len(ch.Events) == 0 {
		return nil
	}
	if _, err := orgBucket(tx, orgID); err != nil {
		return err
	}
	for _, ev := range ch.Events {
		if err := db.emitEvent(tx, orgID, ev); err != nil {
			return err
		}
	}
	return nil
}

// Commits returns how many write transactions have committed to the file in its life:
// bbolt's ID of the last one, which every commit raises by one. Each commit is one fsync,
// so the difference across a mutation is what it costs on disk; tests assert that an
// audited change takes exactly one.
func (db *DB) Commits() (uint64, error) {
	var id int
	err := db.view(func(tx txn) error {
		id = tx.ID()
		return nil
	})
	return uint64(id), err
}

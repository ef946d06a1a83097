package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Restore replaces the whole database with the bbolt file read from r — a cluster
// snapshot (SPEC §9), which is a copy made by Snapshot — while the store stays open. The
// copy is written beside the database (path+".restore", fsynced), checked like
// `alertifypro check` does, and refused when it is damaged or of a newer schema version;
// only then is it renamed over the database file, atomically, and opened, and the store
// switches to it: a transaction in progress finishes on the old file, which is closed once
// the last one has, and every later one reads the new file. Caches derived from the old
// contents are dropped, and AppliedIndex becomes the copy's. A crash at any point leaves
// either the old file or the whole new one at path, never a mixture.
//
// The cluster's state machine is the only caller, on a node that is not the leader, so no
// write of this node's own is running: writes arrive only through the state machine.
func (db *DB) Restore(r io.Reader) error {
	tmp := db.path + ".restore"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := writeSynced(tmp, r); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: restore: %w", asDiskFull(err))
	}
	index, err := checkRestoreFile(tmp, db.KnownSchema())
	if errors.Is(err, ErrSchemaTooNew) {
		_ = os.Remove(tmp)
		return db.holdSchema(fmt.Errorf("store: restore: %w", err))
	} else if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Rename(tmp, db.path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := syncDir(filepath.Dir(db.path)); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	// The old file stays open (and locked) on its own inode until it is closed below, so
	// opening the new one at the same path does not wait for its lock.
	fresh, err := openBolt(db.path, db.log)
	if err != nil {
		return fmt.Errorf("store: restore: open the restored file: %w", err)
	}
	fresh.NoSync = db.noSync
	old := db.kv.Swap(fresh)
	db.ruleCache.Clear()
	db.setApplied(index)
	if err := old.Close(); err != nil { // waits for the transactions still on it
		db.log.Warn("restore: closing the replaced database file", "error", err)
	}
	db.log.Info("database restored from a cluster snapshot", "path", db.path, "raft_index", index)
	return nil
}

// writeSynced writes r into a new file at path (mode 0600) and fsyncs it.
func writeSynced(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// checkRestoreFile checks the copy at path completely, then reads its schema version,
// which must not be newer than known, this binary's (an older one is the cluster's during
// a rolling upgrade: its leader migrates it, schema_gate.go), and its Raft index.
func checkRestoreFile(path string, known uint64) (uint64, error) {
	rep, err := InspectFile(path)
	if err != nil {
		return 0, err
	}
	if err := rep.Err(); err != nil {
		return 0, err
	}
	kv, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer kv.Close()
	var version, index uint64
	err = readFile(kv, func(tx txn) error {
		var err error
		if version, err = schemaVersion(tx); err != nil {
			return err
		}
		index, err = raftIndex(tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	if version > known {
		return 0, fmt.Errorf("%w: the snapshot has schema version %d, this binary knows versions up to %d: "+
			"run the release the cluster's leader runs", ErrSchemaTooNew, version, known)
	}
	return index, nil
}

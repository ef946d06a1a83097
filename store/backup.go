package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// compactTxMaxSize bounds each transaction of a compaction (bytes of keys and values), so
// compacting a large file never holds it all in one transaction's dirty pages.
const compactTxMaxSize = 64 << 20

// Snapshot is a consistent copy of the whole database, held in an unlinked temporary file
// beside it, to be read at the reader's pace and then closed. Size is known up front.
type Snapshot struct {
	f    *os.File
	size int64
	name string // set only where the file could not be unlinked while open
}

// Snapshot copies the database into a temporary file in the database's directory (DATA_DIR)
// within one read transaction, at disk speed, and returns it positioned at the start.
// The read transaction ends before Snapshot returns: a client that downloads slowly, or
// stalls, holds only the copy, never the database (a long read transaction would make the
// next remap wait for it, and every writer and new reader wait for the remap). The file
// is unlinked as soon as it is created, so whatever happens next (an error, a panic, a
// client that goes away, the process being killed) leaves nothing behind once the
// descriptor is closed. The copy needs free space in DATA_DIR the size of the data.
func (db *DB) Snapshot() (*Snapshot, error) {
	f, err := os.CreateTemp(filepath.Dir(db.path), ".alertifypro-snapshot-*")
	if err != nil {
		return nil, fmt.Errorf("store: backup: temporary copy: %w", asDiskFull(err))
	}
	snap := &Snapshot{f: f}
	if err := os.Remove(f.Name()); err != nil {
		snap.name = f.Name() // a system that cannot unlink an open file: remove it on Close
	}
	var n int64
	err = db.view(func(tx txn) error {
		var err error
		n, err = tx.WriteTo(f)
		return err
	})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = snap.Close()
		// No room for the copy is ErrDiskFull, so the client hears that the disk is full.
		return nil, fmt.Errorf("store: backup: %w", asDiskFull(err))
	}
	snap.size = n
	return snap, nil
}

// Size is the copy's length in bytes: a complete bbolt file.
func (s *Snapshot) Size() int64 { return s.size }

// Read reads the copy.
func (s *Snapshot) Read(p []byte) (int, error) { return s.f.Read(p) }

// Close releases the copy; its disk space is freed.
func (s *Snapshot) Close() error {
	err := s.f.Close()
	if s.name != "" {
		_ = os.Remove(s.name)
	}
	return err
}

// Compact copies the database file src into a new, compacted file dst (offline: while
// another process holds src, it fails after waiting one second for the lock). A damaged
// src is refused with a *DamageError before anything is written. Free pages
// are not copied and every page is refilled, so dst is at most as large as the data. dst
// must not exist; it is created with mode 0600 and fsynced. The caller swaps the files
// (CompactInPlace does).
func Compact(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("store: compact: %s already exists", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: compact: %w", err)
	}
	// bbolt's compaction follows every page number it meets; a damaged file would fault.
	if rep, err := inspectFile(src, time.Time{}, false); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	} else if err := rep.Err(); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	from, err := bolt.Open(src, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: compact: open %s (is AlertifyPro still running?): %w", src, err)
	}
	defer from.Close()
	// fsync once at the end instead of after each intermediate commit.
	to, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		return fmt.Errorf("store: compact: create %s: %w", dst, err)
	}
	if err := bolt.Compact(to, from, compactTxMaxSize); err != nil {
		_ = to.Close()
		_ = os.Remove(dst)
		return fmt.Errorf("store: compact %s: %w", src, err)
	}
	if err := to.Sync(); err != nil {
		_ = to.Close()
		_ = os.Remove(dst)
		return fmt.Errorf("store: compact: sync %s: %w", dst, err)
	}
	if err := to.Close(); err != nil {
		return fmt.Errorf("store: compact: close %s: %w", dst, err)
	}
	return nil
}

// CompactInPlace compacts the database file at path (offline: the server must be stopped)
// and puts the result in its place. It compacts into path+".compact", keeps the original
// reachable as path+".pre-compact" (a hard link, or a rename where links are not
// supported) while it renames the new file over path, syncs the directory, and removes
// path+".pre-compact" only once all that succeeded. A leftover ".compact" file from an
// interrupted run is removed first.
func CompactInPlace(path string) error {
	tmp, pre := path+".compact", path+".pre-compact"
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := Compact(path, tmp); err != nil {
		return err
	}
	if err := os.Remove(pre); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := os.Link(path, pre); err != nil {
		// No hard links here: move the original aside and put it back on failure.
		if err := os.Rename(path, pre); err != nil {
			return fmt.Errorf("store: compact: keep original: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			_ = os.Rename(pre, path)
		}
		return fmt.Errorf("store: compact: replace %s: %w (original kept as %s)", path, err, pre)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("store: compact: %w (original kept as %s)", err, pre)
	}
	if err := os.Remove(pre); err != nil {
		return fmt.Errorf("store: compact: done, but remove %s: %w", pre, err)
	}
	return nil
}

// syncDir fsyncs a directory so renames in it survive a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

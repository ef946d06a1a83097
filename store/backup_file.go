package store

import (
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked reports that another process (a running server) holds the database file's
// lock, so an offline operation cannot open it.
var ErrLocked = errors.New("store: the database file is locked by another process")

// IsLocked reports whether err comes from a database file another process holds: the
// offline commands (backup, compact) use it to tell "stop the server" apart from other
// failures.
func IsLocked(err error) bool {
	return errors.Is(err, ErrLocked) || errors.Is(err, berrors.ErrTimeout)
}

// openReadOnly opens the file at path read-only (a shared lock), waiting at most one second
// for a writer's exclusive lock; it never creates the file, migrates or repairs anything.
func openReadOnly(path string) (*bolt.DB, error) {
	kv, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return kv, nil
}

// BackupFile writes a consistent copy of the database file at path to w while no server
// runs on it (offline backup) and returns the bytes written. The file is opened read-only
// as it is: no migration runs, so the copy is exactly what the server would open. While a
// server holds the file it fails with ErrLocked after one second; back up through the
// server then (DB.Snapshot, GET /api/v1/admin/backup).
func BackupFile(path string, w io.Writer) (int64, error) {
	kv, err := openReadOnly(path)
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	defer kv.Close()
	var n int64
	err = readFile(kv, func(tx txn) error {
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// CheckFile checks the database file at path like InspectFile and returns a *DamageError
// listing every problem (nil: the file is sound). The backup command runs it over each copy
// it writes, so a backup is known to open.
func CheckFile(path string) error {
	rep, err := InspectFile(path)
	if err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	return rep.Err()
}

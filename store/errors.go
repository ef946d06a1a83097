package store

import (
	"errors"
	"fmt"
)

// The sentinels below are the whole error vocabulary of the store. Methods wrap them with
// detail (fmt.Errorf("%w: ...")), so callers compare with errors.Is and map them to HTTP
// statuses in one table (api/errors.go); the detail is for logs and human-readable messages.
var (
	// ErrNotFound reports a missing record, including a record that belongs to another
	// organization than the one asked about (tenant isolation answers "not found").
	ErrNotFound = errors.New("not found")

	// ErrConflict reports a uniqueness violation: an e-mail, slug, API-key digest or
	// membership that already exists.
	ErrConflict = errors.New("conflict")

	// ErrLastOwner reports an attempt to demote or remove the last owner of an
	// organization; every organization keeps at least one owner.
	ErrLastOwner = errors.New("an organization must keep at least one owner")

	// ErrPlanLimit reports that creating a record would exceed the organization's plan
	// (for example more services than max_services); nothing was written.
	ErrPlanLimit = errors.New("plan limit reached")

	// ErrKeyMismatch reports that the encryption key given at start-up differs from the
	// one the database was created with; sealed credentials could not be opened.
	ErrKeyMismatch = errors.New("ENCRYPTION_KEY does not match the key this database was created with; restore the original key")

	// ErrSchemaTooNew reports a database file written by a newer AlertifyPro than this
	// binary; it is refused rather than read with the wrong layout.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")

	// ErrDamaged reports a database file whose pages cannot be read safely (truncated,
	// overwritten, both meta pages bad). *DamageError says what was found where.
	ErrDamaged = errors.New("the database file is damaged")

	// ErrDiskFull reports a write refused because the storage holding the database file
	// has no space left (ENOSPC, EDQUOT) or the file may not grow (EFBIG, a file size
	// limit). Nothing of the write was committed; reads go on, and writes succeed again
	// once space is freed, without a restart.
	ErrDiskFull = errors.New("the disk holding the database is full")

	// ErrInvalidCursor reports a paging cursor that this store did not produce (for
	// example a tampered ?cursor= value); it is a client error, not an internal one.
	ErrInvalidCursor = errors.New("invalid cursor")
)

// conflictf wraps ErrConflict with a description of what already exists.
func conflictf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

// notFoundf wraps ErrNotFound with a description of what is missing.
func notFoundf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, args...))
}

// schemaTooNew builds the start-up error for a file from a newer binary, naming both versions
// and what the operator can do about it.
func schemaTooNew(path string, fileVersion, known uint64) error {
	return fmt.Errorf("%w: %s has schema version %d but this binary knows versions up to %d; "+
		"run the AlertifyPro release that wrote it (or newer), or restore a backup taken before the upgrade",
		ErrSchemaTooNew, path, fileVersion, known)
}

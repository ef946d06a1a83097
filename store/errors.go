package store

import (
	"errors"
	"fmt"
)

// The sentinels below are the whole error vocabulary of the store. Methods return them
// inside an *Error that names the record concerned (notFoundf, conflictf, planLimitf), so
// callers compare with errors.Is and map them to HTTP statuses in one table
// (api/errors.go), which shows the client the *Error's message.
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

// Error is an error of the store about one kind of record, in the manner of wtf's
// Error{Code, Message}: Code is the sentinel it is (errors.Is(err, ErrNotFound) matches
// it), Entity names the kind of record as a person would ("Team", "Status page"), and
// Message is the sentence that person reads ("Team not found."). The IDs involved stay
// out of Message — a client may not learn what another organization holds — and go to
// Error(), which is what logs see.
type Error struct {
	Code    error
	Entity  string
	Message string
	detail  string
}

// Error is the sentinel's text and the detail: which record, by ID.
func (e *Error) Error() string {
	if e.detail == "" {
		return e.Code.Error() + ": " + e.Message
	}
	return e.Code.Error() + ": " + e.detail
}

// Is reports whether target is e's Code, so errors.Is keeps comparing with the sentinels.
func (e *Error) Is(target error) bool { return target == e.Code }

// notFoundf is the ErrNotFound of an entity: "<entity> not found." for the client, the
// formatted detail (which record, by ID) for the log.
func notFoundf(entity, format string, args ...any) error {
	return &Error{Code: ErrNotFound, Entity: entity, Message: entity + " not found.",
		detail: fmt.Sprintf(format, args...)}
}

// conflictf is the ErrConflict of an entity; the formatted message says what already
// exists, to the client, in a sentence.
func conflictf(entity, format string, args ...any) error {
	return &Error{Code: ErrConflict, Entity: entity, Message: fmt.Sprintf(format, args...)}
}

// planLimitf is the ErrPlanLimit of an entity; the formatted message says which limit.
func planLimitf(entity, format string, args ...any) error {
	return &Error{Code: ErrPlanLimit, Entity: entity, Message: fmt.Sprintf(format, args...)}
}

// schemaTooNew builds the start-up error for a file from a newer binary, naming both versions
// and what the operator can do about it.
func schemaTooNew(path string, fileVersion, known uint64) error {
	return fmt.Errorf("%w: %s has schema version %d but this binary knows versions up to %d; "+
		"run the AlertifyPro release that wrote it (or newer), or restore a backup taken before the upgrade",
		ErrSchemaTooNew, path, fileVersion, known)
}

// The kinds of record errors name, as the API shows them.
const (
	entityAlert        = "Alert"
	entityAlertRule    = "Alert rule"
	entityAPIKey       = "API key"
	entityChannel      = "Notification channel"
	entityDeadLetter   = "Dead-lettered delivery"
	entityEmailChange  = "E-mail change"
	entityHeartbeat    = "Heartbeat"
	entityIncident     = "Incident"
	entityInvitation   = "Invitation"
	entityMember       = "Member"
	entityOrganization = "Organization"
	entityOutboxEntry  = "Outbox entry"
	entityPolicy       = "Escalation policy"
	entitySecret       = "Secret"
	entityService      = "Service"
	entityStatusPage   = "Status page"
	entitySubscriber   = "Subscriber"
	entityTeam         = "Team"
	entityTeamMember   = "Team member"
	entityUser         = "User"
	entityWindow       = "Maintenance window"
	entityWebhook      = "Webhook"
)

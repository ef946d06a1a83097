package store

import (
	"errors"
	"time"
)

// Global bucket of second-factor state, created on first write (a missing one reads as
// empty): user_mfa holds one record per account (userID → MFA JSON). An account belongs
// to no organization, so neither does its second factor; its audit entries go to the
// organization the caller names (SPEC §10).
const bucketUserMFA = "user_mfa"

// Entity names of the identity records, for ErrNotFound and ErrConflict messages.
const (
	entityMFA           = "Second factor"
	entityPasskey       = "Passkey"
	entityAuthChallenge = "Sign-in step"
)

// MFA is an account's time-based one-time password (RFC 6238) state and its recovery
// codes. The secrets are sealed by the caller (AES-256-GCM, bound to the account); the
// store never sees them in the clear.
type MFA struct {
	UserID string `json:"user_id"`
	// TOTPSecret is the sealed secret of the enabled authenticator app; empty: none.
	TOTPSecret    []byte     `json:"totp_secret,omitempty"`
	TOTPEnabledAt *time.Time `json:"totp_enabled_at,omitempty"`
	// PendingSecret is a sealed secret handed out for enrolment and not yet confirmed
	// with a code; confirming moves it to TOTPSecret.
	PendingSecret    []byte     `json:"pending_secret,omitempty"`
	PendingCreatedAt *time.Time `json:"pending_created_at,omitempty"`
	// LastStep is the highest TOTP time step accepted so far: a code of that step or an
	// earlier one is a replay and refused.
	LastStep int64 `json:"last_step,omitempty"`
	// RecoveryCodes are the SHA-256 digests of the single-use recovery codes.
	RecoveryCodes []RecoveryCode `json:"recovery_codes,omitempty"`
	// Failures are the times of recent failed second-factor attempts (the limit's window).
	Failures  []time.Time `json:"failures,omitempty"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// RecoveryCode is one recovery code, kept as its digest; UsedAt is set once it is used.
type RecoveryCode struct {
	Digest []byte     `json:"digest"`
	UsedAt *time.Time `json:"used_at,omitempty"`
}

// TOTPEnabled reports whether the account has a confirmed authenticator app.
func (m *MFA) TOTPEnabled() bool { return len(m.TOTPSecret) > 0 }

// RecoveryCodesLeft counts the recovery codes not used yet.
func (m *MFA) RecoveryCodesLeft() int {
	n := 0
	for _, rc := range m.RecoveryCodes {
		if rc.UsedAt == nil {
			n++
		}
	}
	return n
}

// UserMFA returns the account's second-factor state; an account that never enrolled has
// an empty record (not an error).
func (db *DB) UserMFA(userID string) (*MFA, error) {
	m := MFA{UserID: userID}
	err := db.view(func(tx txn) error {
		return getMFA(tx, userID, &m)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// UpdateUserMFA loads the account's second-factor state (empty if none), lets fn change
// it and stores the result, in one transaction, so a code is checked against and marked
// used in the same step and two requests cannot both spend it. fn must be quick (no
// network). An error from fn aborts and is returned as is; to record a failed attempt,
// fn records it in the state and returns nil. change, if any, is recorded in organization
// auditOrgID; fn may still add entries to it.
func (db *DB) UpdateUserMFA(userID string, fn func(*MFA) error, auditOrgID string, change *Change) (*MFA, error) {
	m := MFA{UserID: userID}
	err := db.update(auditOrgID, change, func(tx txn) error {
		if err := getUser(tx, userID, &User{}); err != nil {
			return err
		}
		if err := getMFA(tx, userID, &m); err != nil {
			return err
		}
		if err := fn(&m); err != nil {
			return err
		}
		m.UserID, m.UpdatedAt = userID, db.stamp()
		b, err := tx.CreateBucketIfNotExists([]byte(bucketUserMFA))
		if err != nil {
			return err
		}
		return putJSON(b, []byte(userID), &m)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// getMFA decodes user_mfa/<userID> into m; a missing record leaves m as it is.
func getMFA(tx txn, userID string, m *MFA) error {
	b := tx.Bucket([]byte(bucketUserMFA))
	if !b.exists() {
		return nil
	}
	err := getJSON(b, []byte(userID), m, entityMFA)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

package store

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"time"
)

// Global bucket of pending sign-in steps, created on first write: auth_challenges holds
// sha256(token) → AuthChallenge JSON. A step is a second-factor sign-in waiting for its
// code (the mfa_token) or a WebAuthn ceremony waiting for the authenticator's answer; the
// client holds the token, the server the state, and each is used once (SPEC §10).
const bucketAuthChallenges = "auth_challenges"

// Purposes of an AuthChallenge: a token of one purpose is refused for any other.
const (
	ChallengeMFA              = "mfa"              // password checked, second factor pending
	ChallengePasskeyRegister  = "passkey_register" // adding a passkey from the profile
	ChallengePasskeyLogin     = "passkey_login"    // password-less sign-in
	maxExpiredChallengesSwept = 1000               // per write, so a sweep stays small
)

// AuthChallenge is one pending sign-in step. Only the digest of its token is stored.
// Session is the WebAuthn ceremony state (the relying-party library's JSON), if any.
type AuthChallenge struct {
	Digest    []byte    `json:"digest"`
	Purpose   string    `json:"purpose"`
	UserID    string    `json:"user_id,omitempty"`
	Session   []byte    `json:"session,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PutAuthChallenge stores ch and drops steps that expired before its creation (a few per
// write: nothing else cleans them, and each is small).
func (db *DB) PutAuthChallenge(ch *AuthChallenge) error {
	if len(ch.Digest) == 0 || ch.Purpose == "" || ch.ExpiresAt.IsZero() {
		return errors.New("store: a sign-in step needs a digest, a purpose and an expiry")
	}
	if ch.CreatedAt.IsZero() {
		ch.CreatedAt = db.stamp()
	}
	return db.update("", nil, func(tx txn) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketAuthChallenges))
		if err != nil {
			return err
		}
		if err := sweepExpiredChallenges(b, ch.CreatedAt); err != nil {
			return err
		}
		return putJSON(b, ch.Digest, ch)
	})
}

// AuthChallengeByDigest returns the step whose token hashes to digest, expired or not
// (the caller decides, and audits an expired one), or ErrNotFound.
func (db *DB) AuthChallengeByDigest(digest []byte) (*AuthChallenge, error) {
	var ch AuthChallenge
	err := db.view(func(tx txn) error { return findAuthChallenge(tx, digest, &ch) })
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// UpdateAuthChallenge lets fn change the step (attach a ceremony's state) and stores it.
func (db *DB) UpdateAuthChallenge(digest []byte, fn func(*AuthChallenge) error) (*AuthChallenge, error) {
	var ch AuthChallenge
	err := db.update("", nil, func(tx txn) error {
		if err := findAuthChallenge(tx, digest, &ch); err != nil {
			return err
		}
		if err := fn(&ch); err != nil {
			return err
		}
		ch.Digest = digest
		return putJSON(tx.Bucket([]byte(bucketAuthChallenges)), digest, &ch)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// TakeAuthChallenge deletes the step whose token hashes to digest and returns it: of two
// requests with the same token, exactly one gets it, the other ErrNotFound.
func (db *DB) TakeAuthChallenge(digest []byte) (*AuthChallenge, error) {
	var ch AuthChallenge
	err := db.update("", nil, func(tx txn) error {
		if err := findAuthChallenge(tx, digest, &ch); err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketAuthChallenges)).Delete(digest)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// findAuthChallenge decodes the step of digest, comparing the digest in constant time.
func findAuthChallenge(tx txn, digest []byte, ch *AuthChallenge) error {
	b := tx.Bucket([]byte(bucketAuthChallenges))
	if len(digest) == 0 || !b.exists() {
		return notFoundf(entityAuthChallenge, "sign-in step")
	}
	if err := getJSON(b, digest, ch, entityAuthChallenge); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(ch.Digest, digest) != 1 {
		return notFoundf(entityAuthChallenge, "sign-in step")
	}
	return nil
}

// sweepExpiredChallenges deletes up to maxExpiredChallengesSwept steps that expired
// before now: keys are collected first, then deleted (never a cursor delete in a
// transaction that writes).
func sweepExpiredChallenges(b bucket, now time.Time) error {
	var expired [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(expired) < maxExpiredChallengesSwept; k, v = c.Next() {
		var ch AuthChallenge
		if err := json.Unmarshal(v, &ch); err != nil || ch.ExpiresAt.Before(now) {
			expired = append(expired, append([]byte(nil), k...))
		}
	}
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

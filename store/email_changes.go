package store

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"time"
)

// Global buckets of pending e-mail changes, created on first write (a missing one reads as
// empty): email_changes holds at most one change per account (userID → EmailChange JSON),
// idx_email_change finds it from its link (sha256(token) → userID).
const (
	bucketEmailChanges   = "email_changes"
	bucketIdxEmailChange = "idx_email_change"
)

// EmailChange is a requested change of an account's e-mail address, waiting for its holder
// to follow the link mailed to the new address. Until then the account keeps its old
// address and the new one is NOT in the e-mail index: another account may still register
// it, and confirming checks again that it is free. Only the SHA-256 digest of the link's
// token is stored.
type EmailChange struct {
	UserID    string    `json:"user_id"`
	NewEmail  string    `json:"new_email"`
	Digest    []byte    `json:"digest"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// RequestEmailChange stores ch as the account's one pending change, replacing (and so
// invalidating the link of) any earlier one. ErrNotFound when the account does not exist,
// ErrConflict when another account already has the new address.
func (db *DB) RequestEmailChange(ch *EmailChange) error {
	if len(emailKey(ch.NewEmail)) == 0 || len(ch.Digest) == 0 {
		return errors.New("store: an e-mail change needs an address and a token digest")
	}
	return db.update("", nil, func(tx txn) error {
		if err := getUser(tx, ch.UserID, &User{}); err != nil {
			return err
		}
		if owner := tx.Bucket([]byte(bucketIdxUserEmail)).Get(emailKey(ch.NewEmail)); owner != nil && string(owner) != ch.UserID {
			return errEmailTaken
		}
		changes, err := tx.CreateBucketIfNotExists([]byte(bucketEmailChanges))
		if err != nil {
			return err
		}
		idx, err := tx.CreateBucketIfNotExists([]byte(bucketIdxEmailChange))
		if err != nil {
			return err
		}
		if err := dropEmailChange(changes, idx, ch.UserID); err != nil {
			return err
		}
		if idx.Get(ch.Digest) != nil {
			return conflictf(entityEmailChange, "An e-mail change with that token already exists.")
		}
		if ch.CreatedAt.IsZero() {
			ch.CreatedAt = db.stamp()
		}
		if err := idx.Put(ch.Digest, []byte(ch.UserID)); err != nil {
			return err
		}
		return putJSON(changes, []byte(ch.UserID), ch)
	})
}

// PendingEmailChange returns the account's pending change (expired or not: the caller
// decides), or ErrNotFound.
func (db *DB) PendingEmailChange(userID string) (*EmailChange, error) {
	var ch EmailChange
	err := db.view(func(tx txn) error {
		changes := tx.Bucket([]byte(bucketEmailChanges))
		if !changes.exists() {
			return notFoundf(entityEmailChange, "e-mail change")
		}
		return getJSON(changes, []byte(userID), &ch, entityEmailChange)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// EmailChangeByDigest finds the pending change whose link token hashes to digest (expired
// or not), comparing digests in constant time; ErrNotFound otherwise.
func (db *DB) EmailChangeByDigest(digest []byte) (*EmailChange, error) {
	var ch EmailChange
	err := db.view(func(tx txn) error {
		return findEmailChange(tx, digest, &ch)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// CancelEmailChange drops the account's pending change if it is still the one with digest
// (a newer request is left alone). Nothing pending is not an error.
func (db *DB) CancelEmailChange(userID string, digest []byte) error {
	return db.update("", nil, func(tx txn) error {
		var ch EmailChange
		if err := findEmailChange(tx, digest, &ch); errors.Is(err, ErrNotFound) || (err == nil && ch.UserID != userID) {
			return nil
		} else if err != nil {
			return err
		}
		return dropEmailChange(tx.Bucket([]byte(bucketEmailChanges)), tx.Bucket([]byte(bucketIdxEmailChange)), userID)
	})
}

// ConfirmEmailChange consumes the change whose link token hashes to digest and, in the same
// transaction, gives the account its new address, now confirmed, and moves the e-mail index
// entry. It returns the updated account and its previous address. ErrNotFound for an
// unknown, used or expired (at now) link. ErrConflict when another account took the address
// since the request: the link is used up all the same and nothing else changes.
// audit, if not nil, builds the entry written to the log of every organization the account
// belongs to, in the same transaction (an account belongs to none of its own, and each of
// its organizations' admins should see the address change); it is called once per log.
func (db *DB) ConfirmEmailChange(digest []byte, now time.Time, audit func(u *User, old string) *AuditEntry) (*User, string, error) {
	var u User
	var old, taken string
	err := db.update("", nil, func(tx txn) error {
		var ch EmailChange
		if err := findEmailChange(tx, digest, &ch); err != nil {
			return err
		}
		if !now.Before(ch.ExpiresAt) {
			return notFoundf(entityEmailChange, "e-mail change")
		}
		changes, idx := tx.Bucket([]byte(bucketEmailChanges)), tx.Bucket([]byte(bucketIdxEmailChange))
		if err := dropEmailChange(changes, idx, ch.UserID); err != nil {
			return err
		}
		if err := getUser(tx, ch.UserID, &u); err != nil {
			return err
		}
		old = u.Email
		oldKey, newKey := emailKey(u.Email), emailKey(ch.NewEmail)
		if owner := tx.Bucket([]byte(bucketIdxUserEmail)).Get(newKey); owner != nil && string(owner) != u.ID {
			taken = ch.NewEmail // commit the used-up link, change nothing else
			return nil
		}
		if !bytes.Equal(oldKey, newKey) {
			if err := reindexEmail(tx, oldKey, newKey, u.ID, ch.NewEmail); err != nil {
				return err
			}
		}
		u.Email, u.ConfirmedEmail, u.UpdatedAt = ch.NewEmail, ch.NewEmail, db.stamp()
		if err := putJSON(tx.Bucket([]byte(bucketUsers)), []byte(u.ID), &u); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return db.recordInUserOrgs(tx, u.ID, func() *Change {
			return &Change{Audit: []*AuditEntry{audit(&u, old)}}
		})
	})
	if err != nil {
		return nil, "", err
	}
	if taken != "" {
		return nil, "", errEmailTaken
	}
	return &u, old, nil
}

// findEmailChange resolves a token digest through idx_email_change.
func findEmailChange(tx txn, digest []byte, ch *EmailChange) error {
	idx, changes := tx.Bucket([]byte(bucketIdxEmailChange)), tx.Bucket([]byte(bucketEmailChanges))
	if len(digest) == 0 || !idx.exists() || !changes.exists() {
		return notFoundf(entityEmailChange, "e-mail change")
	}
	userID := idx.Get(digest)
	if userID == nil {
		return notFoundf(entityEmailChange, "e-mail change")
	}
	if err := getJSON(changes, userID, ch, entityEmailChange); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(ch.Digest, digest) != 1 {
		return notFoundf(entityEmailChange, "e-mail change")
	}
	return nil
}

// dropEmailChange deletes the account's pending change and its index entry, if any.
func dropEmailChange(changes, idx bucket, userID string) error {
	var old EmailChange
	err := getJSON(changes, []byte(userID), &old, entityEmailChange)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if err := idx.Delete(old.Digest); err != nil {
		return err
	}
	return changes.Delete([]byte(userID))
}

// recordInUserOrgs records a change, built afresh by describe for each, in every
// organization the user belongs to, inside tx.
func (db *DB) recordInUserOrgs(tx txn, userID string, describe func() *Change) error {
	prefix := compositeKey(userID, "")
	var orgIDs []string
	c := tx.Bucket([]byte(bucketIdxUserOrgs)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		orgIDs = append(orgIDs, string(k[len(prefix):]))
	}
	for _, orgID := range orgIDs {
		if err := db.record(tx, orgID, describe()); err != nil {
			return err
		}
	}
	return nil
}

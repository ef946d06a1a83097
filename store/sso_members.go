package store

import (
	"errors"
	"time"
)

// ProvisionSSOMember signs a person from an organization's identity provider into that
// organization (just-in-time provisioning, SPEC §10), in one transaction: an account is
// created for an unknown e-mail (without a password: it signs in through the provider),
// and the account joins orgID with role unless it is already a member. It returns the
// account and whether it was created or joined; change is recorded only when something
// was written. No other organization is created or touched.
func (db *DB) ProvisionSSOMember(orgID string, u *User, role string, change *Change) (user *User, created, joined bool, err error) {
	var out User
	err = db.update("", nil, func(tx txn) error {
		if _, err := orgBucket(tx, orgID); err != nil {
			return err
		}
		id := tx.Bucket([]byte(bucketIdxUserEmail)).Get(emailKey(u.Email))
		if id == nil {
			nu := *u
			nu.PasswordHash, nu.IsInstanceAdmin = "", false
			if err := db.insertUser(tx, &nu); err != nil {
				return err
			}
			if err := putJSON(tx.Bucket([]byte(bucketUsers)), []byte(nu.ID), &nu); err != nil {
				return err
			}
			out, created = nu, true
		} else if err := getUser(tx, string(id), &out); err != nil {
			return err
		}
		members, err := orgSub(tx, orgID, subMembers)
		if err != nil {
			return err
		}
		if members.Get([]byte(out.ID)) == nil {
			if err := db.insertMember(tx, orgID, &Membership{UserID: out.ID, Role: role}); err != nil {
				return err
			}
			joined = true
		}
		if !created && !joined {
			return nil
		}
		return db.record(tx, orgID, change)
	})
	if err != nil {
		return nil, false, false, err
	}
	return &out, created, joined, nil
}

// RememberOnce stores a marker for digest until expires and reports ErrConflict when one
// is already there and not expired: the replay cache of SAML assertion IDs and of other
// single-use values that arrive from outside (SPEC §10). The marker lives among the
// pending sign-in steps, which are swept once expired.
func (db *DB) RememberOnce(purpose string, digest []byte, expires, now time.Time) error {
	if len(digest) == 0 || purpose == "" {
		return errors.New("store: a single-use marker needs a purpose and a digest")
	}
	return db.update("", nil, func(tx txn) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketAuthChallenges))
		if err != nil {
			return err
		}
		var seen AuthChallenge
		if err := findAuthChallenge(tx, digest, &seen); err == nil && seen.ExpiresAt.After(now) {
			return conflictf(entityAuthChallenge, "This sign-in message was already used.")
		}
		if err := sweepExpiredChallenges(b, now); err != nil {
			return err
		}
		return putJSON(b, digest, &AuthChallenge{Digest: digest, Purpose: purpose, CreatedAt: now, ExpiresAt: expires})
	})
}

package store

import (
	"bytes"
	"errors"
	"time"
)

// Global buckets of passkeys (WebAuthn credentials), created on first write:
// user_passkeys holds userID + "/" + passkeyID → Passkey JSON (an account's keys sit
// together, in creation order of their UUIDv7 IDs), idx_passkey_credential holds
// credential ID → userID + "/" + passkeyID, so one authenticator credential belongs to
// one account only.
const (
	bucketUserPasskeys      = "user_passkeys"
	bucketIdxPasskeyCredent = "idx_passkey_credential"
)

// Passkey is one WebAuthn credential of an account, named by its holder. Credential is
// the relying-party library's record (public key, sign count, flags) as JSON: the store
// keeps it without interpreting it.
type Passkey struct {
	ID           string     `json:"id"`
	UserID       string     `json:"user_id"`
	Name         string     `json:"name"`
	CredentialID []byte     `json:"credential_id"`
	Credential   []byte     `json:"credential"`
	CreatedAt    time.Time  `json:"created_at"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
}

// AddPasskey stores p for its account. ErrNotFound when the account does not exist,
// ErrConflict when the credential is registered already (to any account). change, if
// any, is recorded in organization auditOrgID.
func (db *DB) AddPasskey(p *Passkey, auditOrgID string, change *Change) error {
	if p.ID == "" || p.UserID == "" || len(p.CredentialID) == 0 {
		return errors.New("store: a passkey needs an ID, an account and a credential ID")
	}
	return db.update(auditOrgID, change, func(tx txn) error {
		if err := getUser(tx, p.UserID, &User{}); err != nil {
			return err
		}
		keys, err := tx.CreateBucketIfNotExists([]byte(bucketUserPasskeys))
		if err != nil {
			return err
		}
		idx, err := tx.CreateBucketIfNotExists([]byte(bucketIdxPasskeyCredent))
		if err != nil {
			return err
		}
		if idx.Get(p.CredentialID) != nil {
			return conflictf(entityPasskey, "This passkey is registered already.")
		}
		if p.CreatedAt.IsZero() {
			p.CreatedAt = db.stamp()
		}
		key := compositeKey(p.UserID, p.ID)
		if err := idx.Put(p.CredentialID, key); err != nil {
			return err
		}
		return putJSON(keys, key, p)
	})
}

// Passkeys lists the account's passkeys, oldest first.
func (db *DB) Passkeys(userID string) ([]Passkey, error) {
	var out []Passkey
	err := db.view(func(tx txn) error {
		keys := tx.Bucket([]byte(bucketUserPasskeys))
		if !keys.exists() {
			return nil
		}
		prefix := compositeKey(userID, "")
		c := keys.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var p Passkey
			if err := getJSON(keys, k, &p, entityPasskey); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// UpdatePasskey lets fn change the account's passkey id (its name, its credential after a
// sign-in) and stores it. The ID, account and credential ID stay. ErrNotFound when the
// account has no such passkey.
func (db *DB) UpdatePasskey(userID, id string, fn func(*Passkey) error, auditOrgID string, change *Change) (*Passkey, error) {
	var p Passkey
	err := db.update(auditOrgID, change, func(tx txn) error {
		keys := tx.Bucket([]byte(bucketUserPasskeys))
		if !keys.exists() {
			return notFoundf(entityPasskey, "passkey %s", id)
		}
		key := compositeKey(userID, id)
		if err := getJSON(keys, key, &p, entityPasskey); err != nil {
			return err
		}
		credID := p.CredentialID
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.UserID, p.CredentialID = id, userID, credID
		return putJSON(keys, key, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePasskey removes the account's passkey id and returns it. ErrNotFound when the
// account has no such passkey (another account's is not found either).
func (db *DB) DeletePasskey(userID, id string, auditOrgID string, change *Change) (*Passkey, error) {
	var p Passkey
	err := db.update(auditOrgID, change, func(tx txn) error {
		keys, idx := tx.Bucket([]byte(bucketUserPasskeys)), tx.Bucket([]byte(bucketIdxPasskeyCredent))
		if !keys.exists() {
			return notFoundf(entityPasskey, "passkey %s", id)
		}
		key := compositeKey(userID, id)
		if err := getJSON(keys, key, &p, entityPasskey); err != nil {
			return err
		}
		if err := idx.Delete(p.CredentialID); err != nil {
			return err
		}
		return keys.Delete(key)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

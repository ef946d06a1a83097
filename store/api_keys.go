package store

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"time"
)

// APIKey is an organization API key. Only the SHA-256 Digest of the secret is stored; the
// secret is shown once at creation. The key acts in OrgID with Role.
type APIKey struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	CreatedBy  string     `json:"created_by"`
	Digest     []byte     `json:"digest"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
	// UseAuditedAt is when the audit log last got api_key.used for this key: at most one
	// entry an hour (APIKeyUseAuditEvery), across restarts.
	UseAuditedAt *time.Time `json:"use_audited_at,omitempty"`
}

// APIKeyUseAuditEvery is how often at most a key's use is written to the audit log
// (api_key.used, SPEC §3.17): a key used constantly leaves one entry an hour.
const APIKeyUseAuditEvery = time.Hour

// CreateAPIKey stores k in the organization and indexes its digest. Empty ID/CreatedAt are
// filled and k.OrgID is set. ErrConflict if the digest is already indexed.
func (db *DB) CreateAPIKey(orgID string, k *APIKey, change *Change) error {
	if len(k.Digest) == 0 {
		return errors.New("store: API key digest is empty")
	}
	return db.update(orgID, change, func(tx txn) error {
		keys, err := orgSub(tx, orgID, subAPIKeys)
		if err != nil {
			return err
		}
		idx := tx.Bucket([]byte(bucketIdxAPIKey))
		if idx.Get(k.Digest) != nil {
			return conflictf(entityAPIKey, "An API key with that digest already exists.")
		}
		if k.ID == "" {
			k.ID = NewID()
		}
		if k.CreatedAt.IsZero() {
			k.CreatedAt = db.stamp()
		}
		k.OrgID = orgID
		if keys.Get([]byte(k.ID)) != nil {
			return conflictf(entityAPIKey, "An API key with ID %s already exists.", k.ID)
		}
		if err := putJSON(keys, []byte(k.ID), k); err != nil {
			return err
		}
		return idx.Put(bytes.Clone(k.Digest), compositeKey(orgID, k.ID))
	})
}

// APIKeyByDigest finds a key by the SHA-256 of its secret (authentication of API-key
// requests). The index hit is confirmed by a constant-time compare with the stored digest.
// It does not look at ExpiresAt; the caller decides what an expired key means.
func (db *DB) APIKeyByDigest(digest []byte) (*APIKey, error) {
	var k APIKey
	err := db.view(func(tx txn) error {
		if len(digest) == 0 {
			return notFoundf(entityAPIKey, "API key digest")
		}
		ref := tx.Bucket([]byte(bucketIdxAPIKey)).Get(digest)
		if ref == nil {
			return notFoundf(entityAPIKey, "API key digest")
		}
		orgID, keyID, ok := splitComposite(ref)
		if !ok {
			return notFoundf(entityAPIKey, "API key digest")
		}
		if err := getAPIKey(tx, orgID, keyID, &k); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(k.Digest, digest) != 1 {
			return notFoundf(entityAPIKey, "API key digest")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// APIKeys returns the organization's API keys, oldest first.
func (db *DB) APIKeys(orgID string) ([]APIKey, error) {
	var out []APIKey
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAPIKeys)
		if err != nil {
			return err
		}
		out, err = listJSON[APIKey](b)
		return err
	})
	return out, err
}

// APIKey returns one key of the organization, or ErrNotFound (also for another
// organization's key).
func (db *DB) APIKey(orgID, id string) (*APIKey, error) {
	var k APIKey
	err := db.view(func(tx txn) error {
		return getAPIKey(tx, orgID, id, &k)
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// DeleteAPIKey revokes a key: its record and its digest index entry go in one transaction.
func (db *DB) DeleteAPIKey(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var k APIKey
		if err := getAPIKey(tx, orgID, id, &k); err != nil {
			return err
		}
		return deleteAPIKey(tx, orgID, &k)
	})
}

// TouchAPIKey records when a key was last used. Callers throttle it (at most once a minute
// per key) because every call is a write transaction.
func (db *DB) TouchAPIKey(orgID, id string, at time.Time) error {
	return db.RecordAPIKeyUse(orgID, id, at, nil)
}

// RecordAPIKeyUse is TouchAPIKey that also writes used (an api_key.used entry; nil: none)
// to the audit log in the same transaction — unless the key's use was audited less than
// APIKeyUseAuditEvery before at, which this transaction checks itself, so two requests
// racing for the hour's entry write one.
func (db *DB) RecordAPIKeyUse(orgID, id string, at time.Time, used *AuditEntry) error {
	change := &Change{} // completed inside the transaction, which alone knows if it is due
	return db.update(orgID, change, func(tx txn) error {
		var k APIKey
		if err := getAPIKey(tx, orgID, id, &k); err != nil {
			return err
		}
		at = at.UTC()
		k.LastUsedAt = &at
		if used != nil && (k.UseAuditedAt == nil || at.Sub(*k.UseAuditedAt) >= APIKeyUseAuditEvery) {
			change.Audit = []*AuditEntry{used}
			k.UseAuditedAt = &at
		}
		keys, _ := orgSub(tx, orgID, subAPIKeys)
		return putJSON(keys, []byte(id), &k)
	})
}

// getAPIKey decodes orgs/<orgID>/api_keys/<id> into k.
func getAPIKey(tx txn, orgID, id string, k *APIKey) error {
	b, err := orgSub(tx, orgID, subAPIKeys)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), k, entityAPIKey)
}

// deleteAPIKey removes a key record and its digest index entry (if it still points at it).
func deleteAPIKey(tx txn, orgID string, k *APIKey) error {
	keys, err := orgSub(tx, orgID, subAPIKeys)
	if err != nil {
		return err
	}
	idx := tx.Bucket([]byte(bucketIdxAPIKey))
	if bytes.Equal(idx.Get(k.Digest), compositeKey(orgID, k.ID)) {
		if err := idx.Delete(k.Digest); err != nil {
			return err
		}
	}
	return keys.Delete([]byte(k.ID))
}

// removeKeysCreatedBy deletes the organization's keys created by userID (RemoveMember).
func removeKeysCreatedBy(tx txn, orgID, userID string) error {
	keys, err := orgSub(tx, orgID, subAPIKeys)
	if err != nil {
		return err
	}
	all, err := listJSON[APIKey](keys)
	if err != nil {
		return err
	}
	for i := range all {
		if all[i].CreatedBy == userID {
			if err := deleteAPIKey(tx, orgID, &all[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

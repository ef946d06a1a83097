package store

import (
	"errors"
	"time"
)

// subSecrets is the organization child holding its secrets (docs: Settings → Secrets):
// name → Secret JSON; created on first write. Names are upper-case ([A-Z0-9_]{1,64},
// checked by the API), so the key is the name itself and the bucket lists in name order.
const subSecrets = "secrets"

// Secret is one organization secret that checks and channels refer to as
// {{secrets.NAME}}. The value is sealed by the API before it reaches the store, bound to
// the organization and the record "secret:<NAME>" (vault.RecordID), so the store never
// holds it in plaintext and a sealed value copied to another name or organization does
// not open.
type Secret struct {
	Name      string    `json:"name"`
	OrgID     string    `json:"org_id"`
	Sealed    []byte    `json:"sealed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateSecret stores a new secret in organization orgID; a name the organization already
// has is ErrConflict. CreatedAt and UpdatedAt are set, OrgID is set to orgID.
func (db *DB) CreateSecret(orgID string, s *Secret, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil {
			return err
		}
		if b.Get([]byte(s.Name)) != nil {
			return conflictf(entitySecret, "A secret named %s already exists in this organization.", s.Name)
		}
		now := db.stamp()
		s.OrgID, s.CreatedAt, s.UpdatedAt = orgID, now, now
		return putJSON(b, []byte(s.Name), s)
	})
}

// Secret returns secret name of organization orgID, or ErrNotFound (also when only
// another organization has one of that name).
func (db *DB) Secret(orgID, name string) (*Secret, error) {
	var s Secret
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(name), &s, entitySecret)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Secrets returns every secret of organization orgID in name order; never nil.
func (db *DB) Secrets(orgID string) ([]Secret, error) {
	var out []Secret
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil {
			return err
		}
		out, err = listJSON[Secret](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SecretsNamed returns the secrets of organization orgID among names, read in one
// transaction, keyed by name; names the organization lacks are simply absent.
func (db *DB) SecretsNamed(orgID string, names []string) (map[string]Secret, error) {
	out := make(map[string]Secret, len(names))
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil || !b.exists() {
			return err
		}
		for _, name := range names {
			var s Secret
			if err := getJSON(b, []byte(name), &s, entitySecret); err == nil {
				out[name] = s
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListSecrets pages through orgID's secrets in name order.
func (db *DB) ListSecrets(orgID string, q ListQuery, keep func(*Secret) bool) ([]Secret, string, error) {
	return listOrgBucket(db, orgID, subSecrets, q, keep)
}

// UpdateSecret loads secret name of orgID, lets fn change it (a new sealed value) and
// stores it, in one write transaction. Name, OrgID and CreatedAt cannot be changed;
// UpdatedAt is set.
func (db *DB) UpdateSecret(orgID, name string, fn func(*Secret) error, change *Change) (*Secret, error) {
	var s Secret
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(name), &s, entitySecret); err != nil {
			return err
		}
		created := s.CreatedAt
		if err := fn(&s); err != nil {
			return err
		}
		s.Name, s.OrgID, s.CreatedAt, s.UpdatedAt = name, orgID, created, db.stamp()
		return putJSON(b, []byte(name), &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteSecret removes secret name of orgID; ErrNotFound otherwise. What still refers to
// it fails at its next use with "secret NAME was deleted".
func (db *DB) DeleteSecret(orgID, name string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subSecrets)
		if err != nil {
			return err
		}
		if b.Get([]byte(name)) == nil {
			return notFoundf(entitySecret, "secret %s", name)
		}
		return b.Delete([]byte(name))
	})
}

package store

import (
	"crypto/subtle"
	"errors"
	"sort"
	"time"
)

// SCIM tokens (SPEC §10) are the bearer tokens an identity provider provisions one
// organization with. The SCIM URL names the organization, so a token is looked up inside
// that organization only and needs no global index:
//
//	orgs/<orgID>/scim_tokens    tokenID → SCIMToken JSON (SHA-256 digest, never the secret)
const (
	subSCIMTokens   = "scim_tokens"
	entitySCIMToken = "SCIM token"
)

// SCIMToken is an organization's SCIM bearer token. The secret is shown once at creation.
type SCIMToken struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	Digest    []byte    `json:"digest"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateSCIMToken stores t in the organization; t.Digest must be set, an empty ID and
// CreatedAt are filled.
func (db *DB) CreateSCIMToken(orgID string, t *SCIMToken, change *Change) error {
	if len(t.Digest) == 0 {
		return errors.New("store: SCIM token digest is empty")
	}
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subSCIMTokens)
		if err != nil {
			return err
		}
		if t.ID == "" {
			t.ID = NewID()
		}
		if b.Get([]byte(t.ID)) != nil {
			return conflictf(entitySCIMToken, "A SCIM token with ID %s already exists.", t.ID)
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = db.stamp()
		}
		return putJSON(b, []byte(t.ID), t)
	})
}

// SCIMTokens lists the organization's SCIM tokens, oldest first.
func (db *DB) SCIMTokens(orgID string) ([]SCIMToken, error) {
	var out []SCIMToken
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subSCIMTokens)
		if err != nil {
			return err
		}
		out, err = listJSON[SCIMToken](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// DeleteSCIMToken revokes token id of the organization and returns it; ErrNotFound when
// the organization has no such token.
func (db *DB) DeleteSCIMToken(orgID, id string, change *Change) (*SCIMToken, error) {
	var t SCIMToken
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subSCIMTokens)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(id), &t, entitySCIMToken); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// SCIMTokenByDigest returns the organization's token whose digest is digest, or
// ErrNotFound. Every stored digest is compared in constant time, and all of them are
// compared, so the answer's timing says nothing about which token came close.
func (db *DB) SCIMTokenByDigest(orgID string, digest []byte) (*SCIMToken, error) {
	list, err := db.SCIMTokens(orgID)
	if err != nil {
		return nil, err
	}
	var found *SCIMToken
	for i := range list {
		if subtle.ConstantTimeCompare(list[i].Digest, digest) == 1 && found == nil {
			found = &list[i]
		}
	}
	if found == nil {
		return nil, notFoundf(entitySCIMToken, "no SCIM token with that digest")
	}
	return found, nil
}

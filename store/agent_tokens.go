package store

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Agent tokens (SPEC §8) let an agent connect as one location. Only the SHA-256 digest of
// a token is stored, in the location's home, and indexed globally so the agent channel can
// find the token before it knows the organization:
//
//	orgs/<orgID>/agent_tokens    locationID + "/" + tokenID → AgentToken JSON
//	instance_agent_tokens        locationID + "/" + tokenID → AgentToken JSON  (created on first write)
//	idx_agent_token              sha256(token) → owner + "/" + locationID + "/" + tokenID
//
// owner is the organization ID, or "instance"; the index is organization-scoped
// (orgScopedIndexes), so deleting an organization drops its tokens' entries with the rest.
const (
	subAgentTokens            = "agent_tokens"
	bucketInstanceAgentTokens = "instance_agent_tokens"
	bucketIdxAgentToken       = "idx_agent_token"
	entityAgentToken          = "Agent token"
)

// AgentToken is a location's agent token. The secret is shown once at creation.
type AgentToken struct {
	ID         string     `json:"id"`
	LocationID string     `json:"location_id"`
	OrgID      string     `json:"org_id,omitempty"` // "" for an instance location's token
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Digest     []byte     `json:"digest"`
	CreatedBy  string     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// agentTokenKey is a token's key in its home's token bucket: a location's tokens are one
// key range.
func agentTokenKey(locationID, tokenID string) []byte {
	return []byte(locationID + keySeparator + tokenID)
}

// createAgentToken stores t for location locationID of home h and indexes its digest.
func (db *DB) createAgentToken(h locationHome, locationID string, t *AgentToken, logOrgID string, change *Change) error {
	if len(t.Digest) == 0 {
		return errors.New("store: agent token digest is empty")
	}
	return db.update(logOrgID, change, func(tx txn) error {
		var l Location
		if err := h.location(tx, locationID, &l); err != nil {
			return err
		}
		tokens, err := h.bucket(tx, subAgentTokens)
		if err != nil {
			return err
		}
		idx, err := tx.CreateBucketIfNotExists([]byte(bucketIdxAgentToken))
		if err != nil {
			return err
		}
		if idx.Get(t.Digest) != nil {
			return conflictf(entityAgentToken, "An agent token with that digest already exists.")
		}
		if t.ID == "" {
			t.ID = NewID()
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = db.stamp()
		}
		t.LocationID, t.OrgID = locationID, h.orgID
		key := agentTokenKey(locationID, t.ID)
		if tokens.Get(key) != nil {
			return conflictf(entityAgentToken, "An agent token with ID %s already exists.", t.ID)
		}
		if err := putJSON(tokens, key, t); err != nil {
			return err
		}
		return idx.Put(bytes.Clone(t.Digest), []byte(h.owner()+keySeparator+string(key)))
	})
}

// listAgentTokens returns the tokens of location locationID of home h, oldest first;
// ErrNotFound when the home has no such location.
func (db *DB) listAgentTokens(h locationHome, locationID string) ([]AgentToken, error) {
	out := make([]AgentToken, 0)
	err := db.view(func(tx txn) error {
		var l Location
		if err := h.location(tx, locationID, &l); err != nil {
			return err
		}
		tokens, err := h.bucket(tx, subAgentTokens)
		if err != nil || !tokens.exists() {
			return err
		}
		prefix := []byte(locationID + keySeparator)
		c := tokens.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var t AgentToken
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// deleteAgentToken removes token tokenID of location locationID (record and digest) and
// returns it.
func (db *DB) deleteAgentToken(h locationHome, locationID, tokenID, logOrgID string, change *Change) (*AgentToken, error) {
	var t AgentToken
	err := db.update(logOrgID, change, func(tx txn) error {
		var l Location
		if err := h.location(tx, locationID, &l); err != nil {
			return err
		}
		tokens, err := h.bucket(tx, subAgentTokens)
		if err != nil {
			return err
		}
		if err := getJSON(tokens, agentTokenKey(locationID, tokenID), &t, entityAgentToken); err != nil {
			return err
		}
		return deleteAgentTokenRecord(tx, h, tokens, &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// deleteAgentTokenRecord removes t's record from tokens and its digest from the index (if
// the entry still points at it).
func deleteAgentTokenRecord(tx txn, h locationHome, tokens bucket, t *AgentToken) error {
	key := agentTokenKey(t.LocationID, t.ID)
	if idx := tx.Bucket([]byte(bucketIdxAgentToken)); idx.exists() &&
		string(idx.Get(t.Digest)) == h.owner()+keySeparator+string(key) {
		if err := idx.Delete(t.Digest); err != nil {
			return err
		}
	}
	return tokens.Delete(key)
}

// deleteLocationTokens removes every token of location locationID of home h (collected
// first, deleted after the scan).
func deleteLocationTokens(tx txn, h locationHome, locationID string) error {
	tokens, err := h.bucket(tx, subAgentTokens)
	if err != nil {
		return err
	}
	var doomed []AgentToken
	prefix := []byte(locationID + keySeparator)
	c := tokens.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var t AgentToken
		if err := decodeJSON(k, v, &t); err != nil {
			return err
		}
		doomed = append(doomed, t)
	}
	for i := range doomed {
		if err := deleteAgentTokenRecord(tx, h, tokens, &doomed[i]); err != nil {
			return err
		}
	}
	return nil
}

// AgentTokenByDigest finds a token by the SHA-256 of its secret (the agent channel's
// authentication) and returns it with its location. The index hit is confirmed by a
// constant-time compare with the stored digest. A token of an organization that is gone
// or being deleted is ErrNotFound.
func (db *DB) AgentTokenByDigest(digest []byte) (*AgentToken, *Location, error) {
	var t AgentToken
	var l Location
	err := db.view(func(tx txn) error {
		idx := tx.Bucket([]byte(bucketIdxAgentToken))
		if len(digest) == 0 || !idx.exists() {
			return notFoundf(entityAgentToken, "agent token digest")
		}
		ref := idx.Get(digest)
		owner, key, ok := splitComposite(ref)
		locationID, tokenID, ok2 := strings.Cut(key, keySeparator)
		if ref == nil || !ok || !ok2 {
			return notFoundf(entityAgentToken, "agent token digest")
		}
		h := locationHome{}
		if owner != instanceOwner {
			h.orgID = owner
		}
		tokens, err := h.bucket(tx, subAgentTokens)
		if err != nil {
			return err
		}
		if err := getJSON(tokens, agentTokenKey(locationID, tokenID), &t, entityAgentToken); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(t.Digest, digest) != 1 {
			return notFoundf(entityAgentToken, "agent token digest")
		}
		return h.location(tx, locationID, &l)
	})
	if err != nil {
		return nil, nil, err
	}
	return &t, &l, nil
}

// decodeJSON decodes the value v stored at key k into out.
func decodeJSON(k, v []byte, out any) error {
	if err := json.Unmarshal(v, out); err != nil {
		return fmt.Errorf("store: decode %q: %w", k, err)
	}
	return nil
}

// TouchAgentToken records when a token was last used to connect. Callers throttle it: every
// call is a write transaction.
func (db *DB) TouchAgentToken(t *AgentToken, at time.Time) error {
	return db.update(t.OrgID, nil, func(tx txn) error {
		h := locationHome{t.OrgID}
		tokens, err := h.bucket(tx, subAgentTokens)
		if err != nil {
			return err
		}
		var cur AgentToken
		key := agentTokenKey(t.LocationID, t.ID)
		if err := getJSON(tokens, key, &cur, entityAgentToken); err != nil {
			return err
		}
		at = at.UTC()
		cur.LastUsedAt = &at
		return putJSON(tokens, key, &cur)
	})
}

package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// apiKeyPrefix starts every API key secret (SPEC §2.3), which is how
// authenticate tells a key from a JWT.
const apiKeyPrefix = "ak_"

const (
	// apiKeySecretBytes is the randomness of a key: 256 bits (SPEC §2.3 asks
	// for at least 32 bytes), base64url-encoded after the prefix.
	apiKeySecretBytes = 32
	// apiKeyShownPrefix is how much of the secret stays visible after
	// creation: "ak_" plus 7 characters (42 bits), enough to tell keys apart
	// in a list without weakening the remaining 214 bits.
	apiKeyShownPrefix = 10
)

// apiKeyHandlers serves /api/v1/api-keys: members manage their own keys,
// admins and owners see and revoke every key of the organization.
type apiKeyHandlers struct {
	*base
}

// apiKeyRequest is the create body. Role and ExpiresAt are pointers so that
// "absent" (take the default) differs from an empty or null value; ExpiresAt
// is a string so a malformed time is a 422 on the field, not a 400.
type apiKeyRequest struct {
	Name      string  `json:"name"`
	Role      *string `json:"role"`
	ExpiresAt *string `json:"expires_at"`
}

// apiKeyView is a key as every response shows it: never the digest. Key
// holds the secret and is filled only in the create response.
type apiKeyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Key        string     `json:"key,omitempty"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func newAPIKeyView(k *store.APIKey) apiKeyView {
	return apiKeyView{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: k.Role, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt.UTC(), ExpiresAt: utcPtr(k.ExpiresAt), LastUsedAt: utcPtr(k.LastUsedAt)}
}

// refuseAPIKeyCaller keeps API keys out of key management: a leaked key must
// not be able to mint fresh keys (which would survive its own revocation) or
// revoke the owner's other keys. Keys are managed from a signed-in session.
func refuseAPIKeyCaller(a *actor) error {
	if a.apiKey != nil {
		return errForbidden("API keys cannot create or revoke API keys; sign in to manage keys.")
	}
	return nil
}

func (h *apiKeyHandlers) create(c *gin.Context) error {
	a := actorOf(c)
	if err := refuseAPIKeyCaller(a); err != nil {
		return err
	}
	var req apiKeyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	now := h.now().UTC()
	f := fieldErrors{}
	name := f.name("name", req.Name, true, maxNameLen)
	role := a.role
	if req.Role != nil {
		r, ok := normalizeRole(*req.Role)
		switch {
		case !ok:
			f.add("role", "must be one of viewer, responder, member (editor), admin, owner")
		case !roleAtLeast(a.role, r):
			f.add("role", "must not be above your own role ("+a.role+")")
		default:
			role = r
		}
	}
	var expires *time.Time
	if req.ExpiresAt != nil {
		t, err := time.Parse(time.RFC3339, *req.ExpiresAt)
		switch {
		case err != nil:
			f.add("expires_at", "must be an RFC 3339 time, e.g. 2030-01-02T15:04:05Z")
		case !t.After(now):
			f.add("expires_at", "must be in the future")
		default:
			t = t.UTC()
			expires = &t
		}
	}
	if err := f.err(); err != nil {
		return err
	}

	secret, err := crypto.RandomToken(apiKeyPrefix, apiKeySecretBytes)
	if err != nil {
		return err
	}
	k := &store.APIKey{ID: store.NewID(), Name: name, Prefix: secret[:apiKeyShownPrefix], Role: role, CreatedBy: a.user.ID,
		Digest: crypto.Digest(secret), ExpiresAt: expires, CreatedAt: now}
	r := h.keys(a)
	r.view = func(k *store.APIKey) apiKeyView {
		v := newAPIKeyView(k)
		v.Key = secret // the only time the secret leaves the server
		return v
	}
	return r.create(c, k, map[string]any{"role": k.Role, "prefix": k.Prefix, "expires_at": expires})
}

// keys is the resource the key routes share, as actor a sees it: admins manage every key,
// everyone else only the keys they made. Someone else's key answers as a missing one, so
// members cannot probe which key IDs exist.
func (h *apiKeyHandlers) keys(a *actor) resource[store.APIKey, apiKeyView] {
	return resource[store.APIKey, apiKeyView]{base: h.base, event: "api_key",
		load: func(orgID, id string) (*store.APIKey, error) {
			k, err := h.store.APIKey(orgID, id)
			if err == nil && !sees(a, k) {
				return nil, errNotFound("API key")
			}
			return k, err
		},
		page: h.store.ListAPIKeys, insert: h.store.CreateAPIKey,
		id: func(k *store.APIKey) string { return k.ID }, audit: apiKeyRes, view: newAPIKeyView}
}

// sees reports whether a manages key k.
func sees(a *actor, k *store.APIKey) bool {
	return allowed(a.role, permAdmin) || k.CreatedBy == a.user.ID
}

// apiKeyRes names a key in the audit log.
func apiKeyRes(k *store.APIKey) store.AuditResource {
	return store.AuditResource{Type: "api_key", ID: k.ID, Name: k.Name}
}

func (h *apiKeyHandlers) list(c *gin.Context) error {
	a := actorOf(c)
	return h.keys(a).listWhere(c, func() (func(*store.APIKey) bool, error) {
		return func(k *store.APIKey) bool { return sees(a, k) }, nil
	})
}

// revoke deletes a key (audited as revoked, with who made it).
func (h *apiKeyHandlers) revoke(c *gin.Context) error {
	a := actorOf(c)
	if err := refuseAPIKeyCaller(a); err != nil {
		return err
	}
	k, err := h.keys(a).one(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "api_key.revoked", apiKeyRes(k),
		map[string]any{"role": k.Role, "prefix": k.Prefix, "created_by": k.CreatedBy})
	if err := h.store.DeleteAPIKey(a.org.ID, k.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

const (
	// scimTokenPrefix marks SCIM tokens, so a leaked one is recognisable in a scan.
	scimTokenPrefix = "scim_"
	// scimTokenBytes is a token's randomness: 256 bits.
	scimTokenBytes = 32
	// scimTokenShownPrefix is how much of a token lists show: "scim_" and 8 characters.
	scimTokenShownPrefix = 13
)

// scimTokenHandlers serves /api/v1/organization/scim-tokens (SPEC §10), for admins.
type scimTokenHandlers struct {
	*base
}

// scimTokenView is a token as lists show it; Token, the secret, and BaseURL only in the
// create answer (the two things to paste into the identity provider).
type scimTokenView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Token     string    `json:"token,omitempty"`
	BaseURL   string    `json:"scim_base_url,omitempty"`
	Prefix    string    `json:"prefix"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func newSCIMTokenView(t *store.SCIMToken) scimTokenView {
	return scimTokenView{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt.UTC()}
}

// scimTokenResource is how the audit log names a SCIM token.
func scimTokenResource(t *store.SCIMToken) store.AuditResource {
	return store.AuditResource{Type: "scim_token", ID: t.ID, Name: t.Name}
}

// list answers the organization's SCIM tokens, without secrets, and the SCIM base URL.
func (h *scimTokenHandlers) list(c *gin.Context) error {
	org := actorOf(c).org
	list, err := h.store.SCIMTokens(org.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"scim_base_url": h.cfg.BaseURL + "/scim/v2/" + org.Slug,
		"tokens": viewsOf(list, newSCIMTokenView)})
	return nil
}

// create makes a SCIM token (201); the secret is answered once and only its SHA-256 is
// kept. An API key cannot mint one: a SCIM token adds accounts to the organization, and
// keys never grant access (SPEC §12).
func (h *scimTokenHandlers) create(c *gin.Context) error {
	a := actorOf(c)
	if a.apiKey != nil {
		return errForbidden("API keys cannot create SCIM tokens; sign in to create one.")
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	name := f.name("name", req.Name, true, maxNameLen)
	if err := f.err(); err != nil {
		return err
	}
	secret, err := crypto.RandomToken(scimTokenPrefix, scimTokenBytes)
	if err != nil {
		return err
	}
	t := &store.SCIMToken{ID: store.NewID(), Name: name, Prefix: secret[:scimTokenShownPrefix],
		Digest: crypto.Digest(secret), CreatedBy: a.id(), CreatedAt: h.now().UTC()}
	entry := h.auditEntry(c, "scim.token_created", scimTokenResource(t), map[string]any{"prefix": t.Prefix})
	if err := h.store.CreateSCIMToken(a.org.ID, t, audited(entry)); err != nil {
		return err
	}
	v := newSCIMTokenView(t)
	v.Token = secret // the only time the secret leaves the server
	v.BaseURL = h.cfg.BaseURL + "/scim/v2/" + a.org.Slug
	c.JSON(http.StatusCreated, v)
	return nil
}

// revoke deletes a SCIM token (204); the identity provider's next call gets 401.
func (h *scimTokenHandlers) revoke(c *gin.Context) error {
	org := actorOf(c).org
	list, err := h.store.SCIMTokens(org.ID)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].ID != c.Param("id") {
			continue
		}
		entry := h.auditEntry(c, "scim.token_revoked", scimTokenResource(&list[i]), map[string]any{"prefix": list[i].Prefix})
		if _, err := h.store.DeleteSCIMToken(org.ID, list[i].ID, audited(entry)); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
	return errNotFound("SCIM token")
}

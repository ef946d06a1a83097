package api

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

const (
	// agentTokenBytes is a token's randomness: 256 bits (SPEC §8 asks for at least 32 bytes).
	agentTokenBytes = 32
	// agentTokenShownPrefix is how much of a token lists show: "agt_" and 8 characters.
	agentTokenShownPrefix = 12
)

// agentTokenView is a token as lists show it; Token, the secret, only in the create answer.
type agentTokenView struct {
	ID         string `json:"id"`
	LocationID string `json:"location_id"`
	Name       string `json:"name"`
	Token      string `json:"token,omitempty"`
	// ServerURL, in the create answer only, is the instance's BASE_URL: what the agent's
	// AGENT_SERVER_URL must be, so the UI can show a command line ready to paste.
	ServerURL  string     `json:"server_url,omitempty"`
	Prefix     string     `json:"prefix"`
	CreatedBy  string     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func newAgentTokenView(t *store.AgentToken) agentTokenView {
	return agentTokenView{ID: t.ID, LocationID: t.LocationID, Name: t.Name, Prefix: t.Prefix, CreatedBy: t.CreatedBy,
		CreatedAt: t.CreatedAt.UTC(), LastUsedAt: utcPtr(t.LastUsedAt)}
}

// listTokens answers the tokens of one of the organization's locations.
func (h *locationHandlers) listTokens(c *gin.Context) error {
	return h.inOwnLocation(c, h.listTokensIn)
}

// createToken makes a token for one of the organization's locations (201).
func (h *locationHandlers) createToken(c *gin.Context) error {
	return h.inOwnLocation(c, h.createTokenIn)
}

// revokeToken revokes a token; its agents are disconnected.
func (h *locationHandlers) revokeToken(c *gin.Context) error {
	return h.inOwnLocation(c, h.revokeTokenIn)
}

func (h *locationHandlers) listTokensIn(c *gin.Context, sc locationScope) error {
	list, err := sc.tokens(c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, viewsOf(list, newAgentTokenView))
	return nil
}

// tokenRequest is the optional body of a token create.
type tokenRequest struct {
	Name string `json:"name"`
}

// createTokenIn makes a token for :id of sc. The secret is answered once, in the token
// field; only its SHA-256 is stored. An API key cannot mint one: a token receives every
// service's credentials of the location's scope, so minting it takes a signed-in admin.
func (h *locationHandlers) createTokenIn(c *gin.Context, sc locationScope) error {
	if actorOf(c).apiKey != nil {
		return errForbidden("API keys cannot create agent tokens; sign in to create one.")
	}
	l, err := sc.load(c.Param("id"))
	if err != nil {
		return err
	}
	var req tokenRequest
	if err := bindOptionalJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	name := f.name("name", req.Name, false, maxNameLen)
	if err := f.err(); err != nil {
		return err
	}
	if name == "" {
		name = "Agent token"
	}
	secret, err := crypto.RandomToken(config.AgentTokenPrefix, agentTokenBytes)
	if err != nil {
		return err
	}
	t := &store.AgentToken{ID: store.NewID(), Name: name, Prefix: secret[:agentTokenShownPrefix],
		Digest: crypto.Digest(secret), CreatedBy: actorOf(c).id(), CreatedAt: h.now().UTC()}
	entry := h.auditEntry(c, "location.token_created", locationResource(l),
		map[string]any{"token_id": t.ID, "token_name": name, "prefix": t.Prefix})
	if err := sc.addToken(l.ID, t, sc.change(entry)); err != nil {
		return err
	}
	v := newAgentTokenView(t)
	v.Token = secret // the only time the secret leaves the server
	v.ServerURL = strings.TrimRight(h.cfg.BaseURL, "/")
	c.JSON(http.StatusCreated, v)
	return nil
}

// revokeTokenIn revokes :token_id of location :id of sc and disconnects its agents.
func (h *locationHandlers) revokeTokenIn(c *gin.Context, sc locationScope) error {
	l, err := sc.load(c.Param("id"))
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "location.token_revoked", locationResource(l), map[string]any{"token_id": c.Param("token_id")})
	t, err := sc.revokeToken(l.ID, c.Param("token_id"), sc.change(entry))
	if err != nil {
		return err
	}
	if h.agents != nil {
		h.agents.Revoke(t.ID)
	}
	c.Status(http.StatusNoContent)
	return nil
}

// bindOptionalJSON is bindJSON for a body that may be left out altogether (no bytes):
// then v keeps its zero value.
func bindOptionalJSON(c *gin.Context, v any) error {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errorReader{err}))
		return bindJSON(c, v)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(raw))
	return bindJSON(c, v)
}

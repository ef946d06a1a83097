package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// oidcConfigView is the OIDC configuration as the API shows it: the client secret is
// write-only (client_secret_set says whether one is stored).
type oidcConfigView struct {
	Issuer          string            `json:"issuer"`
	ClientID        string            `json:"client_id"`
	ClientSecretSet bool              `json:"client_secret_set"`
	Scopes          []string          `json:"scopes"`
	AllowedDomains  []string          `json:"allowed_domains"`
	DefaultRole     string            `json:"default_role"`
	GroupsClaim     string            `json:"groups_claim"`
	GroupRoles      map[string]string `json:"group_roles"`
	Enabled         bool              `json:"enabled"`
	RedirectURI     string            `json:"redirect_uri"` // to register at the provider
	LoginURL        string            `json:"login_url"`
}

func (h *ssoHandlers) oidcView(org *store.Organization, o *store.OIDCConfig) oidcConfigView {
	v := oidcConfigView{RedirectURI: h.oidcRedirectURI(org), LoginURL: h.ssoURL("/api/v1/sso/" + org.Slug + "/oidc/login"),
		Scopes: []string{}, AllowedDomains: []string{}, GroupRoles: map[string]string{}, DefaultRole: roleViewer}
	if o == nil {
		return v
	}
	v.Issuer, v.ClientID, v.ClientSecretSet, v.Enabled = o.Issuer, o.ClientID, len(o.SealedClientSecret) > 0, o.Enabled
	v.Scopes, v.AllowedDomains, v.DefaultRole, v.GroupsClaim = o.Scopes, o.AllowedDomains, o.DefaultRole, o.GroupsClaim
	if o.GroupRoles != nil {
		v.GroupRoles = o.GroupRoles
	}
	return v
}

func (h *ssoHandlers) oidcRedirectURI(org *store.Organization) string {
	return h.ssoURL("/api/v1/sso/" + org.Slug + "/oidc/callback")
}

// oidcConfigView shows the OIDC form (ssoConfigView).
func (h *ssoHandlers) oidcConfigView(org *store.Organization, cfg *store.SSOConfig) any {
	return h.oidcView(org, cfg.OIDC)
}

// getOIDC is GET /organization/sso/oidc.
func (h *ssoHandlers) getOIDC(c *gin.Context) error { return h.showSSO(c, h.oidcConfigView) }

// oidcRequest is PUT /organization/sso/oidc. An empty client_secret keeps the stored one.
type oidcRequest struct {
	ssoMappingRequest
	Issuer       string   `json:"issuer"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	Scopes       []string `json:"scopes"`
	GroupsClaim  string   `json:"groups_claim"`
	Enabled      bool     `json:"enabled"`
}

// putOIDC is PUT /organization/sso/oidc: validates the form, runs discovery against the
// issuer (so a typo is found now, not at the first sign-in), seals the client secret and
// stores the configuration with sso.config_updated.
func (h *ssoHandlers) putOIDC(c *gin.Context) error {
	var req oidcRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	org := actorOf(c).org
	old, err := h.store.SSOConfig(org.ID)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	o := &store.OIDCConfig{SSOMapping: req.mapping(f), Enabled: req.Enabled,
		Issuer:      strings.TrimRight(h.outboundURL(f, "issuer", req.Issuer), "/"),
		ClientID:    f.text("client_id", req.ClientID, true, 256),
		GroupsClaim: f.text("groups_claim", req.GroupsClaim, false, 128)}
	if len(req.ClientSecret) > 1024 {
		f.add("client_secret", "at most 1024 characters")
	}
	if req.ClientSecret == "" && (old.OIDC == nil || len(old.OIDC.SealedClientSecret) == 0) {
		f.add("client_secret", "is required")
	}
	for _, s := range req.Scopes {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, " \t\"") || len(s) > 64 {
			f.add("scopes", "each scope is one word")
			break
		}
		o.Scopes = append(o.Scopes, s)
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{"email", "profile"}
	}
	if err := f.err(); err != nil {
		return err
	}
	if req.Enabled {
		if _, err := identity.NewOIDCClient(c.Request.Context(), h.discovery, identity.OIDCSettings{Issuer: o.Issuer, ClientID: o.ClientID},
			h.ssoHTTPClient(), true); err != nil {
			return errValidation(map[string]string{"issuer": "OpenID Connect discovery failed: " + err.Error()})
		}
	}
	if req.ClientSecret != "" {
		if o.SealedClientSecret, err = h.sealer.Seal([]byte(req.ClientSecret), org.ID, ssoSealOIDCSecret); err != nil {
			return err
		}
	}
	meta := map[string]any{"protocol": "oidc", "issuer": o.Issuer, "enabled": o.Enabled, "client_secret_changed": req.ClientSecret != ""}
	return h.saveSSO(c, meta, func(cfg *store.SSOConfig) error {
		if len(o.SealedClientSecret) == 0 && cfg.OIDC != nil {
			o.SealedClientSecret = cfg.OIDC.SealedClientSecret
		}
		cfg.OIDC = o
		return nil
	}, h.oidcConfigView)
}

package api

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// ssoHandlers serves single sign-on (SPEC §10): each organization's OIDC and SAML
// configuration, the sign-in flows, "Test sign-in", enforcement and discovery by e-mail.
// Every sign-in it completes ends in mfaHandlers.issueSessionIn.
type ssoHandlers struct {
	*base
	mfa       *mfaHandlers
	discovery *identity.OIDCDiscovery // per node: each sign-in reuses the provider's discovery and keys
	// samlFetchFailed is when each organization's SAML metadata URL last failed (org ID →
	// time.Time), so sign-ins do not all wait on a provider that is down.
	samlFetchFailed sync.Map
}

// ssoSealRecord is the associated data naming what a sealed SSO secret belongs to, so a
// sealed client secret cannot be replayed as another record's.
const (
	ssoSealOIDCSecret = "sso/oidc/client_secret"
	ssoSealSAMLKey    = "sso/saml/sp_key"
	ssoFetchTimeout   = 15 * time.Second
)

// ssoSettingsView is GET/PUT /organization/sso: enforcement and what is enabled.
type ssoSettingsView struct {
	Enforced    bool `json:"sso_enforced"`
	OIDCEnabled bool `json:"oidc_enabled"`
	SAMLEnabled bool `json:"saml_enabled"`
}

func ssoSettingsOf(cfg *store.SSOConfig) ssoSettingsView {
	return ssoSettingsView{Enforced: cfg.Enforced, OIDCEnabled: cfg.OIDC != nil && cfg.OIDC.Enabled,
		SAMLEnabled: cfg.SAML != nil && cfg.SAML.Enabled}
}

// ssoConfigView is how one of the /organization/sso routes shows the configuration.
type ssoConfigView func(org *store.Organization, cfg *store.SSOConfig) any

// ssoSettingsConfigView shows the enforcement settings (ssoConfigView).
func ssoSettingsConfigView(_ *store.Organization, cfg *store.SSOConfig) any {
	return ssoSettingsOf(cfg)
}

// showSSO answers the active organization's SSO configuration as view shows it.
func (h *ssoHandlers) showSSO(c *gin.Context, view ssoConfigView) error {
	org := actorOf(c).org
	cfg, err := h.store.SSOConfig(org.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, view(org, cfg))
	return nil
}

// saveSSO runs fn on the active organization's SSO configuration in one write with the
// audit entry sso.config_updated (meta), and answers the result as view shows it.
func (h *ssoHandlers) saveSSO(c *gin.Context, meta map[string]any, fn func(*store.SSOConfig) error, view ssoConfigView) error {
	org := actorOf(c).org
	cfg, err := h.store.UpdateSSOConfig(org.ID, fn, h.ssoChange(c, org, meta))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, view(org, cfg))
	return nil
}

// getSettings is GET /organization/sso.
func (h *ssoHandlers) getSettings(c *gin.Context) error { return h.showSSO(c, ssoSettingsConfigView) }

type ssoSettingsRequest struct {
	Enforced *bool `json:"sso_enforced"`
}

// updateSettings is PUT /organization/sso: turns enforcement on or off. Enforcing needs
// an enabled protocol, or nobody but owners could sign in.
func (h *ssoHandlers) updateSettings(c *gin.Context) error {
	var req ssoSettingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Enforced == nil {
		return errValidation(map[string]string{"sso_enforced": "is required"})
	}
	return h.saveSSO(c, map[string]any{"sso_enforced": *req.Enforced}, func(cfg *store.SSOConfig) error {
		v := ssoSettingsOf(cfg)
		if *req.Enforced && !v.OIDCEnabled && !v.SAMLEnabled {
			return errValidation(map[string]string{"sso_enforced": "enable OIDC or SAML sign-in before enforcing it"})
		}
		cfg.Enforced = *req.Enforced
		return nil
	}, ssoSettingsConfigView)
}

// ssoChange is the audit entry sso.config_updated riding in a configuration write.
func (h *ssoHandlers) ssoChange(c *gin.Context, org *store.Organization, meta map[string]any) *store.Change {
	res := store.AuditResource{Type: "organization", ID: org.ID, Name: org.Name}
	return &store.Change{Audit: []*store.AuditEntry{h.auditEntry(c, "sso.config_updated", res, meta)}}
}

// ssoMappingRequest is the part of both forms that maps identities to members.
type ssoMappingRequest struct {
	AllowedDomains []string          `json:"allowed_domains"`
	DefaultRole    string            `json:"default_role"`
	GroupRoles     map[string]string `json:"group_roles"`
}

// mapping validates the request into the store's form. A provider may grant any role
// but owner: ownership is given by an owner, never by a group.
func (r ssoMappingRequest) mapping(f fieldErrors) store.SSOMapping {
	m := store.SSOMapping{DefaultRole: roleViewer}
	domains, bad := identity.NormalizeDomains(r.AllowedDomains)
	switch {
	case bad != "":
		f.add("allowed_domains", "\""+bad+"\" is not a domain name such as example.com")
	case len(domains) == 0:
		f.add("allowed_domains", "name at least one e-mail domain allowed to sign in")
	}
	m.AllowedDomains = domains
	if r.DefaultRole != "" {
		role, ok := normalizeRole(r.DefaultRole)
		if !ok || role == roleOwner {
			f.add("default_role", "must be viewer, responder, member or admin")
		}
		m.DefaultRole = role
	}
	if len(r.GroupRoles) > 100 {
		f.add("group_roles", "at most 100 groups")
	}
	m.GroupRoles = map[string]string{}
	for g, r := range r.GroupRoles {
		role, ok := normalizeRole(r)
		if strings.TrimSpace(g) == "" || len(g) > 256 || !ok || role == roleOwner {
			f.add("group_roles", "each group maps to viewer, responder, member or admin")
			break
		}
		m.GroupRoles[g] = role
	}
	return m
}

// outboundURL checks a URL the server will fetch on the organization's behalf (an OIDC
// issuer, a SAML metadata URL): https, or http when EGRESS_POLICY is private (a homelab
// identity provider); where it may connect is the egress guard's call at dial time.
func (h *ssoHandlers) outboundURL(f fieldErrors, field, raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" {
		f.add(field, "must be an absolute https URL")
		return raw
	}
	private := h.cfg != nil && strings.EqualFold(strings.TrimSpace(h.cfg.EgressPolicy), egress.ModePrivate)
	if u.Scheme != "https" && !(u.Scheme == "http" && private) {
		f.add(field, "must be an https URL")
	}
	return raw
}

// ssoHTTPClient is the egress-guarded client of every SSO request: discovery, keys, the
// token endpoint and SAML metadata. It follows at most three redirects and gives up after
// ssoFetchTimeout.
func (h *ssoHandlers) ssoHTTPClient() *http.Client {
	return &http.Client{Transport: h.guard.Transport(false), CheckRedirect: h.guard.CheckRedirect(3), Timeout: ssoFetchTimeout}
}

// ssoURL is an absolute URL of this server (BASE_URL + path).
func (h *ssoHandlers) ssoURL(path string) string {
	return strings.TrimRight(h.cfg.BaseURL, "/") + path
}

// orgBySlug loads the organization a public SSO URL names; an unknown slug is 404.
func (h *ssoHandlers) orgBySlug(c *gin.Context) (*store.Organization, error) {
	org, err := h.store.OrganizationBySlug(c.Param("slug"))
	if err != nil {
		return nil, errNotFound("Organization")
	}
	return org, nil
}

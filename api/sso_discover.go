package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// ssoLoginOption is one way to sign in with single sign-on.
type ssoLoginOption struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
	LoginURL string `json:"login_url"`
}

// ssoOptions lists the enabled protocols of org with their login URLs.
func (h *ssoHandlers) ssoOptions(org *store.Organization, cfg *store.SSOConfig) []ssoLoginOption {
	var out []ssoLoginOption
	if cfg.OIDC != nil && cfg.OIDC.Enabled {
		out = append(out, ssoLoginOption{Slug: org.Slug, Name: org.Name, Protocol: protocolOIDC,
			LoginURL: "/api/v1/sso/" + org.Slug + "/oidc/login"})
	}
	if cfg.SAML != nil && cfg.SAML.Enabled {
		out = append(out, ssoLoginOption{Slug: org.Slug, Name: org.Name, Protocol: protocolSAML,
			LoginURL: "/api/v1/sso/" + org.Slug + "/saml/login"})
	}
	return out
}

type ssoDiscoverRequest struct {
	Email string `json:"email"`
	Slug  string `json:"slug"`
}

// discover is POST /auth/sso/discover: by e-mail, the organizations whose enabled
// provider allows that address's domain; by slug, that organization's providers. The
// answer has the same shape whether or not anything matched, and names nothing for a
// domain no organization allows (SPEC §10).
func (h *ssoHandlers) discover(c *gin.Context) error {
	var req ssoDiscoverRequest
	if err := h.limitSSOBind(c, &req); err != nil {
		return err
	}
	out := []ssoLoginOption{}
	switch {
	case strings.TrimSpace(req.Slug) != "":
		if org, err := h.store.OrganizationBySlug(strings.ToLower(strings.TrimSpace(req.Slug))); err == nil {
			if cfg, err := h.store.SSOConfig(org.ID); err == nil {
				out = append(out, h.ssoOptions(org, cfg)...)
			}
		}
	case strings.TrimSpace(req.Email) != "":
		domain := identity.EmailDomain(strings.TrimSpace(req.Email))
		if domain == "" {
			return errValidation(map[string]string{"email": "must be an e-mail address"})
		}
		orgs, err := h.store.SSOConfigsWithDomain(domain)
		if err != nil {
			return err
		}
		for i := range orgs {
			if cfg, err := h.store.SSOConfig(orgs[i].ID); err == nil {
				out = append(out, h.ssoOptions(&orgs[i], cfg)...)
			}
		}
	default:
		return errValidation(map[string]string{"email": "give an e-mail address or an organization slug"})
	}
	c.JSON(http.StatusOK, gin.H{"options": out})
	return nil
}

type ssoTestRequest struct {
	Protocol string `json:"protocol"`
}

// ssoStarter begins a sign-in of one protocol for org: the provider URL to send the
// browser to, or the refusal that says why it cannot. testBy names the admin of a Test
// sign-in ("" for a real one).
type ssoStarter func(c *gin.Context, org *store.Organization, testBy string) (string, *identity.SSORefusal, error)

// login is the public GET /sso/{slug}/{protocol}/login of either protocol: rate-limited
// per client, it sends the browser on to the provider or shows the refusal.
func (h *ssoHandlers) login(c *gin.Context, protocol string, start ssoStarter) error {
	if err := h.limitSSO(c); err != nil {
		return err
	}
	org, err := h.orgBySlug(c)
	if err != nil {
		return err
	}
	to, refusal, err := start(c, org, "")
	if err != nil {
		return err
	}
	if refusal != nil {
		return h.ssoRefused(c, org, protocol, refusal)
	}
	c.Redirect(http.StatusSeeOther, to)
	return nil
}

// startTest is POST /organization/sso/test: "Test sign-in" runs the flow of one protocol
// (enabled or not) for the calling admin and answers the provider URL to open. Its end
// provisions nothing and enforces nothing: the browser comes back to Settings → Security
// with a code that reads the mapped identity (testResult).
func (h *ssoHandlers) startTest(c *gin.Context) error {
	var req ssoTestRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	a := actorOf(c)
	var (
		to      string
		refusal *identity.SSORefusal
		err     error
	)
	switch req.Protocol {
	case protocolOIDC:
		to, refusal, err = h.startOIDC(c, a.org, a.user.ID)
	case protocolSAML:
		to, refusal, err = h.startSAML(c, a.org, a.user.ID)
	default:
		return errValidation(map[string]string{"protocol": "must be oidc or saml"})
	}
	if err != nil {
		return err
	}
	if refusal != nil {
		return errBadRequest("%s", refusal.Message)
	}
	c.JSON(http.StatusOK, gin.H{"url": to})
	return nil
}

// ssoStartLimit bounds, per client IP, the public SSO endpoints that need no credential:
// each start stores a pending sign-in (a few hundred bytes for ten minutes), and discovery
// reads every organization's configuration.
var ssoStartLimit = rateLimit{perMinute: 30, burst: 30}

// limitSSO counts one request of the client against ssoStartLimit.
func (h *ssoHandlers) limitSSO(c *gin.Context) error {
	now := h.now()
	d := h.mfa.limits.take(rateKey{kind: 'o', id: clientBucket(c)}, ssoStartLimit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return errRateLimited(now, d.retryAt)
	}
	return nil
}

// limitSSOBind is limitSSO, then the body decoded into req: the public SSO endpoints
// with a body count the request before reading it.
func (h *ssoHandlers) limitSSOBind(c *gin.Context, req any) error {
	if err := h.limitSSO(c); err != nil {
		return err
	}
	return bindJSON(c, req)
}

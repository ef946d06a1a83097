package api

import (
	"errors"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

const ctxActor = "actor"

// actor is who is calling and in which organization: a user with a JWT, or
// an API key acting in its own organization with its own role.
type actor struct {
	kind   string              // "user" or "api_key"
	user   *store.User         // the user (for an API key: its creator)
	apiKey *store.APIKey       // set for API keys
	org    *store.Organization // the active organization; nil when the user has none
	role   string              // the caller's role in org
	ip     string
}

// id is the actor's identifier as the audit log records it.
func (a *actor) id() string {
	if a.apiKey != nil {
		return a.apiKey.ID
	}
	return a.user.ID
}

// actorOf returns the authenticated caller; authenticate guarantees it.
func actorOf(c *gin.Context) *actor {
	return c.MustGet(ctxActor).(*actor)
}

// authenticate verifies the bearer token (JWT or API key), loads the user and
// the active organization (token tenant, or ?org=<slug> for a member), and
// refuses anything doubtful with the bare 401.
func (b *base) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := bearerToken(c.GetHeader("Authorization"))
		if !ok {
			writeError(c, errUnauthorized())
			return
		}
		var a *actor
		var err error
		if strings.HasPrefix(token, apiKeyPrefix) {
			a, err = b.actorFromAPIKey(c, token)
		} else {
			a, err = b.actorFromJWT(c, token)
		}
		if err != nil {
			writeError(c, err)
			return
		}
		a.ip = c.ClientIP()
		c.Set(ctxActor, a)
		c.Next()
	}
}

// bearerToken extracts the token of an "Authorization: Bearer <token>" header.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func (b *base) actorFromJWT(c *gin.Context, token string) (*actor, error) {
	claims, err := b.tokens.Verify(token)
	if err != nil {
		return nil, errUnauthorized()
	}
	user, err := b.store.User(claims.UserID)
	if err != nil || user.TokenVersion != claims.TokenVersion {
		// A deleted user, or a token older than the last password change
		// or "log out everywhere".
		return nil, errUnauthorized()
	}
	a := &actor{kind: "user", user: user}
	if slug := c.Query("org"); slug != "" {
		org, err := b.store.OrganizationBySlug(slug)
		if err != nil {
			return nil, errNotFound("Organization")
		}
		m, err := b.store.Membership(org.ID, user.ID)
		if err != nil {
			return nil, errNotFound("Organization")
		}
		a.org, a.role = org, m.Role
		return a, nil
	}
	if err := b.useTokenOrg(a, claims.TenantID); err != nil {
		return nil, err
	}
	return a, nil
}

// useTokenOrg selects the token's organization, or the user's first one when
// they have since left it; a user with no organization keeps org nil and can
// still reach their profile.
func (b *base) useTokenOrg(a *actor, orgID string) error {
	if m, err := b.store.Membership(orgID, a.user.ID); err == nil {
		org, err := b.store.Organization(orgID)
		if err == nil {
			a.org, a.role = org, m.Role
			return nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	orgs, err := b.store.UserOrganizations(a.user.ID)
	if err != nil {
		return err
	}
	if len(orgs) > 0 {
		org := orgs[0].Organization
		a.org, a.role = &org, orgs[0].Role
	}
	return nil
}

func (b *base) actorFromAPIKey(c *gin.Context, token string) (*actor, error) {
	key, err := b.store.APIKeyByDigest(crypto.Digest(token))
	if err != nil {
		return nil, errUnauthorized()
	}
	now := b.now()
	if key.ExpiresAt != nil && !now.Before(*key.ExpiresAt) {
		return nil, errUnauthorized()
	}
	creator, err := b.store.User(key.CreatedBy)
	if err != nil {
		return nil, errUnauthorized()
	}
	m, err := b.store.Membership(key.OrgID, key.CreatedBy)
	if err != nil {
		return nil, errUnauthorized()
	}
	org, err := b.store.Organization(key.OrgID)
	if err != nil {
		return nil, errUnauthorized()
	}
	if slug := c.Query("org"); slug != "" && slug != org.Slug {
		// A key belongs to exactly one organization.
		return nil, errNotFound("Organization")
	}
	// A key never acts above its creator's current role.
	role := key.Role
	if !roleAtLeast(m.Role, role) {
		role = m.Role
	}
	if key.LastUsedAt == nil || now.Sub(*key.LastUsedAt) > time.Minute {
		if err := b.store.TouchAPIKey(key.OrgID, key.ID, now); err != nil {
			loggerFrom(c).Warn("api key last_used_at not updated", "error", err)
		}
	}
	return &actor{kind: "api_key", user: creator, apiKey: key, org: org, role: role}, nil
}

// useBodyOrganization switches the active organization to the create body's
// organization_id (SPEC §2: body > ?org= > token) after checking that the
// caller belongs to it and holds p there. An empty id keeps the current one.
func (b *base) useBodyOrganization(c *gin.Context, orgID string, p permission) error {
	a := actorOf(c)
	if orgID == "" || (a.org != nil && orgID == a.org.ID) {
		return nil
	}
	if a.apiKey != nil {
		return errNotFound("Organization")
	}
	m, err := b.store.Membership(orgID, a.user.ID)
	if err != nil {
		return errNotFound("Organization")
	}
	org, err := b.store.Organization(orgID)
	if err != nil {
		return errNotFound("Organization")
	}
	if !allowed(m.Role, p) {
		return errForbidden("Your role (" + m.Role + ") does not allow this; it needs " + minRole[p] + " or higher.")
	}
	a.org, a.role = org, m.Role
	return nil
}

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

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
	scope  string // a session's scope: "" (full) or crypto.ScopeMFAEnrollment
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
		switch {
		case strings.HasPrefix(token, apiKeyPrefix):
			a, err = b.actorFromAPIKey(c, token)
		case strings.HasPrefix(token, mfaTokenPrefix):
			// A second-factor step is never a session; the attempt is audited.
			b.refuseMFATokenAsSession(c, token)
			return
		default:
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
	a := &actor{kind: "user", user: user, scope: claims.Scope}
	if claims.Scope != "" && (claims.Scope != crypto.ScopeMFAEnrollment || !enrolmentRoute(c)) {
		// A session limited to enrolling a second factor reaches nothing else (SPEC §10).
		return nil, errMFAEnrollmentRequired()
	}
	// The token's own organization must still be the user's, whichever
	// organization the request then selects (SPEC §12): a token of an
	// organization the user left is 401, never moved to another one.
	tokenOrg, tokenRole, err := b.tokenOrg(user, claims.TenantID)
	if err != nil {
		return nil, err
	}
	// SPEC §2 precedence: body organization_id > ?org=<slug> > token tenant.
	// The choice is made here, before the route's permission check, so the
	// role that is checked is the caller's role in the organization acted on.
	if id := bodyOrganizationID(c); id != "" {
		return a, b.useMembership(a, func() (*store.Organization, error) { return b.store.Organization(id) })
	}
	if slug := c.Query("org"); slug != "" {
		return a, b.useMembership(a, func() (*store.Organization, error) { return b.store.OrganizationBySlug(slug) })
	}
	a.org, a.role = tokenOrg, tokenRole
	return a, nil
}

// useMembership makes the organization that find returns the active one
// when the user belongs to it; otherwise, or when it does not exist, 404.
func (b *base) useMembership(a *actor, find func() (*store.Organization, error)) error {
	org, err := find()
	if err != nil {
		return errNotFound("Organization")
	}
	m, err := b.store.Membership(org.ID, a.user.ID)
	if err != nil {
		return errNotFound("Organization")
	}
	a.org, a.role = org, m.Role
	return nil
}

// bodyOrganizationID peeks at a JSON write body's "organization_id" and puts
// the body back for the handler. Problems with the body are left for
// bindJSON to report (including a body over the limit: the read error is
// replayed after the bytes that were read).
func bodyOrganizationID(c *gin.Context) string {
	r := c.Request
	if r.Body == nil || (r.Method != "POST" && r.Method != "PUT" && r.Method != "PATCH") ||
		!strings.HasPrefix(c.ContentType(), "application/json") {
		return ""
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errorReader{err}))
		return ""
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if !bytes.Contains(raw, []byte(`"organization_id"`)) {
		return ""
	}
	var peek struct {
		OrganizationID string `json:"organization_id"`
	}
	_ = json.Unmarshal(raw, &peek) // a malformed body is bindJSON's to report
	return peek.OrganizationID
}

// errorReader replays a read error after the bytes that were read.
type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// tokenOrg loads the organization a JWT was issued for and the user's role
// in it. A token of an organization the user no longer belongs to (removed,
// or the organization deleted) is 401: acting anywhere else would be a
// silent move the caller never asked for. An empty tenant is a token issued
// while the account had no organization; it names none, so it acts in the
// one login would pick now (the first), or none, which still reaches the
// profile.
func (b *base) tokenOrg(user *store.User, orgID string) (*store.Organization, string, error) {
	if orgID == "" {
		orgs, err := b.store.UserOrganizations(user.ID)
		if err != nil || len(orgs) == 0 {
			return nil, "", err
		}
		return &orgs[0].Organization, orgs[0].Role, nil
	}
	m, err := b.store.Membership(orgID, user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errUnauthorized()
	} else if err != nil {
		return nil, "", err
	}
	org, err := b.store.Organization(orgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errUnauthorized()
	} else if err != nil {
		return nil, "", err
	}
	return org, m.Role, nil
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
	// A key belongs to exactly one organization: naming another is 404.
	if slug := c.Query("org"); slug != "" && slug != org.Slug {
		return nil, errNotFound("Organization")
	}
	if id := bodyOrganizationID(c); id != "" && id != org.ID {
		return nil, errNotFound("Organization")
	}
	// A key never acts above its creator's current role.
	role := key.Role
	if !roleAtLeast(m.Role, role) {
		role = m.Role
	}
	// A follower of a cluster cannot write; the leader records the uses it serves (every
	// write a follower forwards), so a key in use still shows it.
	if b.cluster == nil || b.cluster.Writable() == nil {
		b.recordKeyUse(c, key, creator, now)
	}
	return &actor{kind: "api_key", user: creator, apiKey: key, org: org, role: role}, nil
}

// sessionActor is the caller of an account-level route, who must be signed in with a
// session: an API key acts inside one organization and must not change its creator's
// account (errSessionOnly).
func sessionActor(c *gin.Context) (*actor, error) {
	a := actorOf(c)
	if a.apiKey != nil {
		return nil, errSessionOnly()
	}
	return a, nil
}

// sessionBind is sessionActor, then the body decoded into req.
func sessionBind(c *gin.Context, req any) (*actor, error) {
	a, err := sessionActor(c)
	if err != nil {
		return nil, err
	}
	return a, bindJSON(c, req)
}

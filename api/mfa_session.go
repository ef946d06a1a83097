package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// Sign-in methods as the audit log names them (metadata "method" of auth.login).
const (
	methodPassword        = "password"
	methodPasswordTOTP    = "password+totp"
	methodPasswordRecover = "password+recovery_code"
	methodPasswordPasskey = "password+passkey"
	methodPasskey         = "passkey"
)

// mfaHandlers serves the second factor (SPEC §10): TOTP and recovery codes, passkeys in
// the profile and at sign-in, and the one step that turns a finished sign-in into a
// session (issueSession).
type mfaHandlers struct {
	*base
	rp     *identity.RelyingParty // nil: BASE_URL names no domain, passkeys unavailable
	limits *rateLimiter           // per-IP limit of the password-less endpoints
}

// sessionResponse is the answer to a finished sign-in: login's tokenResponse, and
// mfa_enrollment_required when the token is limited to enrolling a second factor.
type sessionResponse struct {
	tokenResponse
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required,omitempty"`
}

// issueSession is the end of every sign-in, whatever proved who the user is (a password,
// a password and a second factor, a passkey; later single sign-on): it picks the user's
// first organization, limits the session to enrolment when an organization of theirs
// requires a second factor they do not have, audits auth.login with method, and answers
// the token.
func (h *mfaHandlers) issueSession(c *gin.Context, user *store.User, method string) error {
	return h.issueSessionIn(c, user, method, "")
}

// issueSessionIn is issueSession landing in organization orgID (a single sign-on lands
// in the organization whose provider signed the user in); "" picks the first.
func (h *mfaHandlers) issueSessionIn(c *gin.Context, user *store.User, method, orgID string) error {
	orgs, err := h.store.UserOrganizations(user.ID)
	if err != nil {
		return err
	}
	firstOrg := ""
	if len(orgs) > 0 {
		firstOrg = orgs[0].Organization.ID
	}
	for _, o := range orgs {
		if orgID != "" && o.Organization.ID == orgID {
			firstOrg = orgID
		}
	}
	enrol := false
	if method == methodPassword {
		// Only a sign-in without a second factor can lack one.
		for _, o := range orgs {
			enrol = enrol || o.Organization.Settings.RequireMFA
		}
	}
	scope := ""
	if enrol {
		scope = crypto.ScopeMFAEnrollment
	}
	token, err := h.tokens.IssueScoped(user.ID, firstOrg, user.Email, user.TokenVersion, scope)
	if err != nil {
		return err
	}
	setUserActor(c, user)
	meta := map[string]any{"method": method}
	if enrol {
		meta["mfa_enrollment_required"] = true
	}
	// A sign-in changes nothing else, so its entry is a write of its own; no token is
	// handed out without it.
	if firstOrg != "" {
		if err := h.store.AppendAudit(firstOrg, h.auditEntry(c, "auth.login", userResource(user), meta)); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, sessionResponse{tokenResponse: tokenResponse{Token: token, UserID: user.ID, OrgID: firstOrg},
		MFAEnrollmentRequired: enrol})
	return nil
}

// firstOrgID is the organization a sign-in step of user is audited in: their first, as
// login picks it; "" for a user in none.
func (h *mfaHandlers) firstOrgID(user *store.User) string {
	orgs, err := h.store.UserOrganizations(user.ID)
	if err != nil || len(orgs) == 0 {
		return ""
	}
	return orgs[0].Organization.ID
}

// auditSignIn writes a sign-in step's entry (a failure, a recovery code used) to user's
// first organization; a failed write is logged, since the answer does not depend on it.
func (h *mfaHandlers) auditSignIn(c *gin.Context, user *store.User, event string, meta map[string]any) {
	orgID := h.firstOrgID(user)
	if orgID == "" {
		loggerFrom(c).Info("sign-in step", "event", event, "user", user.ID, "meta", meta)
		return
	}
	if err := h.store.AppendAudit(orgID, h.auditEntry(c, event, userResource(user), meta)); err != nil {
		loggerFrom(c).Error("audit entry not written", "event", event, "error", err)
	}
}

// enrolmentRoutes are what a session limited to enrolment may reach: reading the
// profile and enrolling a factor.
func enrolmentRoute(c *gin.Context) bool {
	p := c.FullPath()
	return (p == "/api/v1/profile" && c.Request.Method == http.MethodGet) ||
		strings.HasPrefix(p, "/api/v1/profile/mfa") || strings.HasPrefix(p, "/api/v1/profile/passkeys")
}

// errMFAEnrollmentRequired refuses everything but enrolment to a session limited to it.
func errMFAEnrollmentRequired() *Error {
	return &Error{Status: http.StatusForbidden, Code: "mfa_enrollment_required",
		Message: "Your organization requires two-factor sign-in: set up an authenticator app or a passkey in your profile first."}
}

// fullSessionAfterEnrolment returns a full session token when the caller's session was
// limited to enrolment and they now have a factor; "" otherwise.
func (h *mfaHandlers) fullSessionAfterEnrolment(c *gin.Context, user *store.User) (string, error) {
	a := actorOf(c)
	if a.scope != crypto.ScopeMFAEnrollment {
		return "", nil
	}
	tenant := ""
	if a.org != nil {
		tenant = a.org.ID
	}
	return h.tokens.Issue(user.ID, tenant, user.Email, user.TokenVersion)
}

// answerEnrolled answers a newly enrolled factor with body and, when the caller's session
// was limited to enrolment, the full session token that replaces it.
func (h *mfaHandlers) answerEnrolled(c *gin.Context, user *store.User, status int, body gin.H) error {
	token, err := h.fullSessionAfterEnrolment(c, user)
	if err != nil {
		return err
	}
	if token != "" {
		body["token"] = token
	}
	c.JSON(status, body)
	return nil
}

// relyingParty is the WebAuthn relying party, or the error that says why passkeys are
// unavailable on this server.
func (h *mfaHandlers) relyingParty() (*identity.RelyingParty, error) {
	if h.rp == nil {
		return nil, errBadRequest("Passkeys are unavailable: BASE_URL (%s) must name this server by a domain name, "+
			"such as https://uptime.example.com or http://localhost:3001, not an IP address.", h.cfg.BaseURL)
	}
	return h.rp, nil
}

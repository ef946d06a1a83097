package api

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// Registration modes (SPEC §1.2, REGISTRATION_MODE).
const (
	registrationOpen      = "open"
	registrationFirstUser = "first-user"
	registrationClosed    = "closed"
)

// errInvalidCredentials is the one answer to a failed login, whether the
// e-mail is unknown or the password wrong, so the two cannot be told apart.
func errInvalidCredentials() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "Invalid e-mail or password."}
}

// errRegistrationClosed refuses a sign-up that REGISTRATION_MODE does not
// allow without an invitation.
func errRegistrationClosed() *Error {
	return &Error{Status: http.StatusForbidden, Code: "registration_closed",
		Message: "Registration on this instance needs an invitation; ask an organization admin to invite you."}
}

// errSessionOnly refuses account-level changes to callers using an API key:
// a key acts inside one organization and must not take over its creator's
// account (password, e-mail, sessions).
func errSessionOnly() *Error {
	return errForbidden("API keys cannot do this; sign in with your password.")
}

// authHandlers serves /auth: registration, login and "log out everywhere".
type authHandlers struct {
	*base
	guard *loginGuard
	mfa   *mfaHandlers // the second step and the session (mfa_session.go)
	// registerMu makes "may this person register freely?" and the insert
	// one step in first-user mode, so two simultaneous first sign-ups
	// cannot both pass. One process owns the bbolt file (it is locked), so
	// an in-process mutex is enough.
	registerMu sync.Mutex
}

// tokenResponse is the answer to login (and the first part of register's).
type tokenResponse struct {
	Token  string `json:"token"`
	UserID string `json:"user_id"`
	OrgID  string `json:"org_id"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// login checks an e-mail and password and issues a token for the user's
// first organization (empty tenant for a user who belongs to none). The
// guard is consulted before bcrypt; unknown e-mails burn a dummy hash so
// every refusal takes as long and reads the same.
func (h *authHandlers) login(c *gin.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	email := f.email("email", req.Email)
	if req.Password == "" {
		f.add("password", "is required")
	}
	if err := f.err(); err != nil {
		return err
	}
	ip, bucket := c.ClientIP(), clientBucket(c)
	d, err := h.guard.beginLogin(bucket, email)
	setRateHeaders(c, d)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	user, err := h.store.UserByEmail(email)
	if errors.Is(err, store.ErrNotFound) {
		h.passwords.VerifyDummy(ctx, req.Password)
		// No organization to audit into; the log keeps the trace.
		loggerFrom(c).Info("login failed: unknown e-mail", "email", email, "ip", ip)
		return errInvalidCredentials()
	} else if err != nil {
		return err
	}
	orgs, err := h.store.UserOrganizations(user.ID)
	if err != nil {
		return err
	}
	firstOrg := ""
	if len(orgs) > 0 {
		firstOrg = orgs[0].Organization.ID
	}
	if !h.passwords.Verify(ctx, user.PasswordHash, req.Password) {
		// The refusal goes out before the audit entry commits: an unknown e-mail has no
		// organization to audit into, so a wrong password that waited for an fsync would
		// take measurably longer and tell which addresses have accounts (SPEC §5).
		writeError(c, errInvalidCredentials())
		c.Writer.Flush()
		if firstOrg != "" {
			// Logged, not answered: the answer is already out.
			entry := h.auditEntry(c, "auth.login_failed", userResource(user), map[string]any{"email": email})
			if err := h.store.AppendAudit(firstOrg, entry); err != nil {
				loggerFrom(c).Error("audit entry not written", "event", entry.Event, "error", err)
			}
		}
		return nil
	}
	setRateHeaders(c, h.guard.loginSucceeded(bucket, email))
	// An organization that enforces single sign-on refuses the password (owners excepted).
	if err := h.enforceSSO(c, user, "password"); err != nil {
		return err
	}
	// The session now, or the second step for an account with a second factor (SPEC §10).
	return h.mfa.afterPassword(c, user)
}

// logoutAll bumps the user's token version, so every token issued before
// (this one included) answers 401 from now on.
func (h *authHandlers) logoutAll(c *gin.Context) error {
	a := actorOf(c)
	if a.apiKey != nil {
		return errSessionOnly()
	}
	_, err := h.updateAccount(c, "auth.logout_all", nil, func(u *store.User) error {
		u.TokenVersion++
		return nil
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"message": "Every session of this account has been signed out; sign in again."})
	return nil
}

// setUserActor records user as the caller of an unauthenticated request
// once their identity is proven (login, registration), so the audit entry
// names them rather than "system".
func setUserActor(c *gin.Context, user *store.User) {
	c.Set(ctxActor, &actor{kind: "user", user: user, ip: c.ClientIP()})
}

// userResource is how the audit log names a user.
func userResource(u *store.User) store.AuditResource {
	return store.AuditResource{Type: "user", ID: u.ID, Name: u.Email}
}

// passwordProblem explains why a password is refused, or "" when it is fine.
// The length is counted in bytes, as bcrypt reads them; a longer password is
// refused, never truncated.
func passwordProblem(p string) string {
	if crypto.ValidatePassword(p) != nil {
		return "must be between 8 and 72 bytes long"
	}
	return ""
}

// sameEmail compares two e-mail addresses the way accounts are indexed.
func sameEmail(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

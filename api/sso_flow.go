package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// A single sign-on keeps its state on the server (SPEC §10): the state token the browser
// carries to the provider and back names a pending step holding the organization, the
// nonce, the PKCE verifier (or the SAML request ID) and whether it is a test; it is taken
// once and expires. A finished sign-in hands the browser a one-time code, not a session,
// in the URL fragment (never sent to a server, so never in an access log): the UI
// exchanges it by POST and drops it from the address bar, so no session token ever sits
// in a URL or the history.
const (
	challengeSSOState = "sso_state"
	challengeSSOCode  = "sso_code"
	challengeSSOTest  = "sso_test"
	ssoStateTTL       = 10 * time.Minute
	ssoCodeTTL        = time.Minute
	ssoTestTTL        = 10 * time.Minute
	protocolOIDC      = "oidc"
	protocolSAML      = "saml"
)

// ssoState is what a pending single sign-on remembers.
type ssoState struct {
	OrgID     string `json:"org_id"`
	Protocol  string `json:"protocol"`
	Nonce     string `json:"nonce,omitempty"`
	Verifier  string `json:"verifier,omitempty"`
	RequestID string `json:"request_id,omitempty"` // SAML AuthnRequest ID
	TestBy    string `json:"test_by,omitempty"`    // the admin running "Test sign-in"
}

// ssoResult is a finished sign-in waiting for its code: a session's landing, or a test's
// mapped identity.
type ssoResult struct {
	OrgID    string                `json:"org_id"`
	Protocol string                `json:"protocol"`
	Identity *identity.SSOIdentity `json:"identity,omitempty"`
	Role     string                `json:"role,omitempty"`
}

// putSSOStep stores a pending step of purpose holding v and returns its token.
func (h *ssoHandlers) putSSOStep(purpose, prefix, userID string, v any, ttl time.Duration) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return h.putChallenge(purpose, prefix, userID, raw, ttl)
}

// takeSSOStep takes the step of token once: ok is false when it is unknown, used, of
// another purpose or expired.
func (h *ssoHandlers) takeSSOStep(token, purpose string, v any) (*store.AuthChallenge, bool) {
	if token == "" {
		return nil, false
	}
	ch, err := h.store.TakeAuthChallenge(crypto.Digest(token))
	if err != nil || ch.Purpose != purpose || !h.now().Before(ch.ExpiresAt) {
		return nil, false
	}
	return ch, json.Unmarshal(ch.Session, v) == nil
}

// ssoRefused audits auth.sso_failed in org (when known) and answers the refusal.
func (h *ssoHandlers) ssoRefused(c *gin.Context, org *store.Organization, protocol string, r *identity.SSORefusal) error {
	meta := map[string]any{"protocol": protocol, "reason": r.Reason}
	if org != nil {
		res := store.AuditResource{Type: "organization", ID: org.ID, Name: org.Name}
		if err := h.store.AppendAudit(org.ID, h.auditEntry(c, "auth.sso_failed", res, meta)); err != nil {
			loggerFrom(c).Error("audit entry not written", "event", "auth.sso_failed", "error", err)
		}
	}
	loggerFrom(c).Info("single sign-on refused", "protocol", protocol, "reason", r.Reason)
	return &Error{Status: http.StatusForbidden, Code: "sso_refused", Message: "Single sign-on refused: " + r.Message}
}

// asRefusal is err as a refusal (the provider's answer did not hold), keeping its reason.
func asRefusal(err error, reason string) *identity.SSORefusal {
	var r *identity.SSORefusal
	if errors.As(err, &r) {
		return r
	}
	return &identity.SSORefusal{Reason: reason, Message: err.Error()}
}

// finishSSO ends a sign-in whose provider answer verified: the e-mail domain must be
// allowed; a test reports the mapped identity; a sign-in provisions the member (into org
// only) and sends the browser back to the UI with a one-time code.
func (h *ssoHandlers) finishSSO(c *gin.Context, org *store.Organization, m store.SSOMapping, st *ssoState, id *identity.SSOIdentity) error {
	if err := identity.CheckDomain(id, m.AllowedDomains); err != nil {
		return h.ssoRefused(c, org, st.Protocol, asRefusal(err, "email_domain_not_allowed"))
	}
	role := identity.MapRole(id.Groups, m.GroupRoles, m.DefaultRole, func(r string) int { return roleRank[r] })
	result := ssoResult{OrgID: org.ID, Protocol: st.Protocol, Identity: id, Role: role}
	if st.TestBy != "" {
		token, err := h.putSSOStep(challengeSSOTest, "ssot_", st.TestBy, result, ssoTestTTL)
		if err != nil {
			return err
		}
		c.Redirect(http.StatusSeeOther, h.ssoURL("/settings/security#sso_test="+url.QueryEscape(token)))
		return nil
	}
	meta := map[string]any{"protocol": st.Protocol, "email": id.Email, "role": role, "groups": id.Groups}
	res := store.AuditResource{Type: "user", Name: id.Email}
	change := &store.Change{Audit: []*store.AuditEntry{h.auditEntry(c, "member.provisioned", res, meta)}}
	user, created, joined, err := h.store.ProvisionSSOMember(org.ID,
		&store.User{Email: id.Email, ConfirmedEmail: id.Email, FullName: id.Name}, role, change)
	if err != nil {
		return err
	}
	setUserActor(c, user)
	meta["created"], meta["joined"] = created, joined
	if err := h.store.AppendAudit(org.ID, h.auditEntry(c, "auth.sso_login", userResource(user), meta)); err != nil {
		return err
	}
	token, err := h.putSSOStep(challengeSSOCode, "ssoc_", user.ID, ssoResult{OrgID: org.ID, Protocol: st.Protocol}, ssoCodeTTL)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, h.ssoURL("/login#sso_code="+url.QueryEscape(token)))
	return nil
}

type ssoCodeRequest struct {
	Code string `json:"code"`
}

// exchange is POST /auth/sso/exchange: the UI trades the one-time code for the session.
// A single sign-on is the whole sign-in: the provider is trusted for the second factor,
// so no TOTP or passkey step follows and no enrolment is forced (SPEC §10).
func (h *ssoHandlers) exchange(c *gin.Context) error {
	var req ssoCodeRequest
	if err := h.limitSSOBind(c, &req); err != nil {
		return err
	}
	var res ssoResult
	ch, ok := h.takeSSOStep(req.Code, challengeSSOCode, &res)
	if !ok {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
			Message: "This sign-in code is unknown, used or expired; sign in again."}
	}
	user, err := h.store.User(ch.UserID)
	if err != nil {
		return errUnauthorized()
	}
	return h.mfa.issueSessionIn(c, user, "sso_"+res.Protocol, res.OrgID)
}

// testResult is POST /organization/sso/test/result: the mapped identity of a finished
// "Test sign-in", for the admin who started it only.
func (h *ssoHandlers) testResult(c *gin.Context) error {
	var req ssoCodeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	a := actorOf(c)
	var res ssoResult
	ch, ok := h.takeSSOStep(req.Code, challengeSSOTest, &res)
	if !ok || ch.UserID != a.user.ID || res.OrgID != a.org.ID {
		return errNotFound("Test sign-in")
	}
	c.JSON(http.StatusOK, gin.H{"protocol": res.Protocol, "email": res.Identity.Email, "name": res.Identity.Name,
		"groups": res.Identity.Groups, "role": res.Role})
	return nil
}

package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// The second step of a password sign-in (SPEC §10): the mfa_token names it, lives five
// minutes and is good for nothing but POST /auth/mfa (authenticate refuses it as a
// session by its prefix).
const (
	mfaTokenPrefix = "mfa_"
	mfaTokenTTL    = 5 * time.Minute
)

// mfaChallengeResponse is login's answer for an account with a second factor.
type mfaChallengeResponse struct {
	MFARequired bool     `json:"mfa_required"`
	MFAToken    string   `json:"mfa_token"`
	Methods     []string `json:"methods"` // "totp", "recovery_code", "passkey"
}

// afterPassword continues a login whose password verified: the session at once, or the
// second step for an account that has a second factor.
func (h *mfaHandlers) afterPassword(c *gin.Context, user *store.User) error {
	m, err := h.store.UserMFA(user.ID)
	if err != nil {
		return err
	}
	keys, err := h.store.Passkeys(user.ID)
	if err != nil {
		return err
	}
	if !m.TOTPEnabled() && len(keys) == 0 {
		return h.issueSession(c, user, methodPassword)
	}
	var methods []string
	if m.TOTPEnabled() {
		methods = append(methods, "totp", "recovery_code")
	}
	if len(keys) > 0 {
		methods = append(methods, "passkey")
	}
	token, err := h.putChallenge(store.ChallengeMFA, mfaTokenPrefix, user.ID, nil, mfaTokenTTL)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, mfaChallengeResponse{MFARequired: true, MFAToken: token, Methods: methods})
	return nil
}

// mfaRequest is POST /auth/mfa: the step's token and exactly one proof.
type mfaRequest struct {
	MFAToken     string          `json:"mfa_token"`
	Code         string          `json:"code"`
	RecoveryCode string          `json:"recovery_code"`
	Credential   json.RawMessage `json:"credential"` // a WebAuthn assertion (PublicKeyCredential JSON)
}

// pendingMFA loads the step of token and its account. An unknown or used token, one of
// another purpose, or an expired one (audited, and dropped) is 401.
func (h *mfaHandlers) pendingMFA(c *gin.Context, token string) (*store.AuthChallenge, *store.User, error) {
	ch, err := h.store.AuthChallengeByDigest(crypto.Digest(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && ch.Purpose != store.ChallengeMFA) {
		loggerFrom(c).Info("second factor refused: unknown sign-in step", "ip", c.ClientIP())
		return nil, nil, (&mfaCheck{reason: "mfa_token_used"}).answer(h.now())
	} else if err != nil {
		return nil, nil, err
	}
	user, err := h.store.User(ch.UserID)
	if err != nil {
		return nil, nil, (&mfaCheck{reason: "mfa_token_used"}).answer(h.now())
	}
	if !h.now().Before(ch.ExpiresAt) {
		_, _ = h.store.TakeAuthChallenge(ch.Digest)
		h.auditSignIn(c, user, "auth.mfa_failed", map[string]any{"reason": "mfa_token_expired"})
		return nil, nil, (&mfaCheck{reason: "mfa_token_expired"}).answer(h.now())
	}
	return ch, user, nil
}

// completeMFA is POST /auth/mfa: checks the code, recovery code or passkey assertion
// against the step's account and, when it holds, ends the step and issues the session.
// Failures count against the account's limit and are audited (auth.mfa_failed).
func (h *mfaHandlers) completeMFA(c *gin.Context) error {
	var req mfaRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	given := 0
	for _, v := range []bool{req.Code != "", req.RecoveryCode != "", len(req.Credential) > 0} {
		if v {
			given++
		}
	}
	f := fieldErrors{}
	if req.MFAToken == "" {
		f.add("mfa_token", "is required")
	}
	if given != 1 {
		f.add("code", "give exactly one of code, recovery_code or credential")
	}
	if err := f.err(); err != nil {
		return err
	}
	ch, user, err := h.pendingMFA(c, req.MFAToken)
	if err != nil {
		return err
	}
	var keys []store.Passkey
	var rp *identity.RelyingParty
	if len(req.Credential) > 0 {
		if rp, err = h.relyingParty(); err != nil {
			return err
		}
		if keys, err = h.store.Passkeys(user.ID); err != nil {
			return err
		}
	}
	now := h.now()
	var out mfaCheck
	var usedCredential *identity.Assertion
	// The outcome is audited after the commit (auditSignIn): a refusal writes its entry
	// whether or not anything else changed.
	_, err = h.store.UpdateUserMFA(user.ID, func(m *store.MFA) error {
		if until, blocked := mfaBlockedUntil(m, now); blocked {
			out = mfaCheck{reason: "rate_limited", until: until}
			return nil
		}
		switch {
		case req.Code != "":
			h.checkTOTP(m, req.Code, now, &out)
		case req.RecoveryCode != "":
			checkRecoveryCode(m, req.RecoveryCode, now, &out)
		default:
			as, err := rp.FinishLogin(user, keys, ch.Session, req.Credential)
			if err != nil {
				reason := "passkey_refused"
				if len(ch.Session) == 0 {
					reason = "passkey_not_started"
				}
				loggerFrom(c).Info("passkey refused", "user", user.ID, "error", err)
				out.fail(m, now, reason)
				return nil
			}
			usedCredential, out = as, mfaCheck{ok: true, method: methodPasswordPasskey}
		}
		if out.ok {
			m.Failures = nil
		}
		return nil
	}, "", nil)
	if err != nil {
		return err
	}
	if !out.ok {
		if len(req.Credential) > 0 && len(ch.Session) > 0 {
			// A WebAuthn challenge is answered once, right or wrong: the next try asks
			// for a new one.
			if _, err := h.store.UpdateAuthChallenge(ch.Digest, func(a *store.AuthChallenge) error {
				a.Session = nil
				return nil
			}); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		h.auditSignIn(c, user, "auth.mfa_failed", map[string]any{"reason": out.reason})
		return out.answer(now)
	}
	// The step is used once: of two answers racing with the same token, one wins.
	if _, err := h.store.TakeAuthChallenge(ch.Digest); err != nil {
		return (&mfaCheck{reason: "mfa_token_used"}).answer(now)
	}
	if out.method == methodPasswordRecover {
		h.auditSignIn(c, user, "auth.recovery_code_used", nil)
	}
	if usedCredential != nil {
		h.recordPasskeyUse(user.ID, keys, usedCredential)
	}
	return h.issueSession(c, user, out.method)
}

// checkTOTP checks code against m's authenticator-app secret into out.
func (h *mfaHandlers) checkTOTP(m *store.MFA, code string, now time.Time, out *mfaCheck) {
	if !m.TOTPEnabled() {
		out.fail(m, now, "no_totp")
		return
	}
	secret, err := h.openTOTPSecret(m.UserID, m.TOTPSecret)
	if err != nil {
		out.fail(m, now, "wrong_code")
		return
	}
	step, ok := identity.CheckTOTP(secret, code, now, m.LastStep)
	switch {
	case ok:
		m.LastStep, *out = step, mfaCheck{ok: true, method: methodPasswordTOTP}
	case identity.TOTPReplayed(secret, code, now, m.LastStep):
		out.fail(m, now, "code_reused")
	default:
		out.fail(m, now, "wrong_code")
	}
}

// checkRecoveryCode spends code, if it is one of m's unused recovery codes, into out.
func checkRecoveryCode(m *store.MFA, code string, now time.Time, out *mfaCheck) {
	digests := make([][]byte, len(m.RecoveryCodes))
	for i, rc := range m.RecoveryCodes {
		digests[i] = rc.Digest
	}
	i := identity.MatchRecoveryCode(digests, code)
	switch {
	case i < 0:
		out.fail(m, now, "wrong_recovery_code")
	case m.RecoveryCodes[i].UsedAt != nil:
		out.fail(m, now, "recovery_code_reused")
	default:
		used := now
		m.RecoveryCodes[i].UsedAt = &used
		*out = mfaCheck{ok: true, method: methodPasswordRecover}
	}
}

// beginMFAPasskey is POST /auth/mfa/passkey {mfa_token}: the WebAuthn challenge for the
// step's account's passkeys, kept with the step.
func (h *mfaHandlers) beginMFAPasskey(c *gin.Context) error {
	var req struct {
		MFAToken string `json:"mfa_token"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.MFAToken == "" {
		return errValidation(map[string]string{"mfa_token": "is required"})
	}
	rp, err := h.relyingParty()
	if err != nil {
		return err
	}
	ch, user, err := h.pendingMFA(c, req.MFAToken)
	if err != nil {
		return err
	}
	keys, err := h.store.Passkeys(user.ID)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return errBadRequest("This account has no passkey; use a code from your authenticator app.")
	}
	cer, err := rp.BeginLogin(user, keys)
	if err != nil {
		return err
	}
	if _, err := h.store.UpdateAuthChallenge(ch.Digest, func(a *store.AuthChallenge) error {
		a.Session = cer.Session
		return nil
	}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"public_key": cer.Options})
	return nil
}

// refuseMFATokenAsSession answers 401 to an mfa_token presented as a bearer token, and
// audits the attempt in its account's organization when the token is a live step.
func (b *base) refuseMFATokenAsSession(c *gin.Context, token string) {
	if ch, err := b.store.AuthChallengeByDigest(crypto.Digest(token)); err == nil {
		if user, err := b.store.User(ch.UserID); err == nil {
			if orgs, err := b.store.UserOrganizations(user.ID); err == nil && len(orgs) > 0 {
				entry := b.auditEntry(c, "auth.mfa_failed", userResource(user), map[string]any{"reason": "mfa_token_as_session"})
				if err := b.store.AppendAudit(orgs[0].Organization.ID, entry); err != nil {
					loggerFrom(c).Error("audit entry not written", "event", entry.Event, "error", err)
				}
			}
		}
	}
	writeError(c, errUnauthorized())
}

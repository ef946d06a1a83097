package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// totpIssuer labels the account in authenticator apps.
const totpIssuer = "AlertifyPro"

// totpRecord is the record a TOTP secret is sealed to (AES-256-GCM associated data): a
// secret copied to another account does not open.
func totpRecord(userID string) string { return "totp:" + userID }

func (b *base) sealTOTPSecret(userID, secret string) ([]byte, error) {
	return b.sealer.Seal([]byte(secret), "", totpRecord(userID))
}

func (b *base) openTOTPSecret(userID string, sealed []byte) (string, error) {
	p, err := b.sealer.Open(sealed, "", totpRecord(userID))
	return string(p), err
}

// mfaStatusView is GET /profile/mfa: which factors the caller has.
type mfaStatusView struct {
	TOTPEnabled       bool `json:"totp_enabled"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
	Passkeys          int  `json:"passkeys"`
	// EnrollmentRequired is set while the session is limited to enrolling a factor.
	EnrollmentRequired bool `json:"enrollment_required"`
	// PasskeysAvailable is false when BASE_URL names no domain (no relying party).
	PasskeysAvailable bool `json:"passkeys_available"`
}

// status shows the caller's second factors.
func (h *mfaHandlers) status(c *gin.Context) error {
	a := actorOf(c)
	m, err := h.store.UserMFA(a.user.ID)
	if err != nil {
		return err
	}
	keys, err := h.store.Passkeys(a.user.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, mfaStatusView{TOTPEnabled: m.TOTPEnabled(), RecoveryCodesLeft: m.RecoveryCodesLeft(),
		Passkeys: len(keys), EnrollmentRequired: a.scope != "", PasskeysAvailable: h.rp != nil})
	return nil
}

// startTOTP is POST /profile/mfa/totp: a new secret, kept sealed as pending until a code
// from it is confirmed, answered once as {secret, otpauth_url, qr_svg}.
func (h *mfaHandlers) startTOTP(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	enrol, err := identity.NewTOTP(totpIssuer, a.user.Email)
	if err != nil {
		return err
	}
	sealed, err := h.sealTOTPSecret(a.user.ID, enrol.Secret)
	if err != nil {
		return err
	}
	now := h.now()
	_, err = h.store.UpdateUserMFA(a.user.ID, func(m *store.MFA) error {
		if m.TOTPEnabled() {
			return errConflict(mfaFailureMessages["totp_already_enabled"])
		}
		m.PendingSecret, m.PendingCreatedAt = sealed, &now
		return nil
	}, "", nil)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"secret": enrol.Secret, "otpauth_url": enrol.OTPAuthURL, "qr_svg": enrol.QRSVG})
	return nil
}

// verifyTOTP is POST /profile/mfa/totp/verify {code}: a code of the pending secret
// enables it and answers ten recovery codes, once (only their digests are kept).
func (h *mfaHandlers) verifyTOTP(c *gin.Context) error {
	var req struct {
		Code string `json:"code"`
	}
	a, err := sessionBind(c, &req)
	if err != nil {
		return err
	}
	if req.Code == "" {
		return errValidation(map[string]string{"code": "is required"})
	}
	codes, digests, err := identity.NewRecoveryCodes()
	if err != nil {
		return err
	}
	now := h.now()
	var out mfaCheck
	orgID, change := accountLog(c)
	_, err = h.store.UpdateUserMFA(a.user.ID, func(m *store.MFA) error {
		if m.TOTPEnabled() {
			return errConflict(mfaFailureMessages["totp_already_enabled"])
		}
		if len(m.PendingSecret) == 0 {
			return errBadRequest("%s", mfaFailureMessages["enrolment_not_started"])
		}
		if until, blocked := mfaBlockedUntil(m, now); blocked {
			out = mfaCheck{reason: "rate_limited", until: until}
			return nil
		}
		secret, err := h.openTOTPSecret(a.user.ID, m.PendingSecret)
		if err != nil {
			return err
		}
		step, ok := identity.CheckTOTP(secret, req.Code, now, m.LastStep)
		if !ok {
			out.fail(m, now, "enrolment_code_invalid")
			return nil
		}
		enabled := now
		m.TOTPSecret, m.TOTPEnabledAt, m.LastStep = m.PendingSecret, &enabled, step
		m.PendingSecret, m.PendingCreatedAt, m.Failures = nil, nil, nil
		m.RecoveryCodes = make([]store.RecoveryCode, len(digests))
		for i, d := range digests {
			m.RecoveryCodes[i] = store.RecoveryCode{Digest: d}
		}
		out.ok = true
		h.addAccountAudit(c, change, "auth.mfa_enabled", userResource(a.user), map[string]any{"method": "totp"})
		return nil
	}, orgID, change)
	if err != nil {
		return err
	}
	if !out.ok {
		return h.refuseProfileMFA(c, &out, now, "enrolment", map[string]string{"code": "is not valid"})
	}
	return h.answerEnrolled(c, a.user, http.StatusOK, gin.H{"recovery_codes": codes})
}

// disableTOTP is DELETE /profile/mfa/totp {password, code}: both must hold (the code may
// be a recovery code); the secret and the recovery codes are dropped.
func (h *mfaHandlers) disableTOTP(c *gin.Context) error {
	var req struct {
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	a, err := sessionBind(c, &req)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	if req.Password == "" {
		f.add("password", "is required")
	}
	if req.Code == "" {
		f.add("code", "is required")
	}
	if err := f.err(); err != nil {
		return err
	}
	passwordOK := h.passwords.Verify(c.Request.Context(), a.user.PasswordHash, req.Password)
	now := h.now()
	var out mfaCheck
	orgID, change := accountLog(c)
	_, err = h.store.UpdateUserMFA(a.user.ID, func(m *store.MFA) error {
		if !m.TOTPEnabled() {
			return errNotFound("Authenticator app")
		}
		if until, blocked := mfaBlockedUntil(m, now); blocked {
			out = mfaCheck{reason: "rate_limited", until: until}
			return nil
		}
		if !passwordOK {
			out.fail(m, now, "wrong_password")
			return nil
		}
		if isTOTPCode(req.Code) {
			h.checkTOTP(m, req.Code, now, &out)
		} else {
			checkRecoveryCode(m, req.Code, now, &out)
		}
		if !out.ok {
			return nil
		}
		m.TOTPSecret, m.TOTPEnabledAt, m.RecoveryCodes, m.PendingSecret, m.Failures = nil, nil, nil, nil, nil
		h.addAccountAudit(c, change, "auth.mfa_disabled", userResource(a.user), map[string]any{"method": "totp"})
		return nil
	}, orgID, change)
	if err != nil {
		return err
	}
	if !out.ok {
		fields := map[string]string{"code": "is not valid"}
		if out.reason == "wrong_password" {
			fields = map[string]string{"password": "is incorrect"}
		}
		return h.refuseProfileMFA(c, &out, now, "disable", fields)
	}
	c.Status(http.StatusNoContent)
	return nil
}

// auditAccount writes an entry about the caller's own account to the active
// organization's log, as a write of its own (a refusal changes nothing else).
func (h *mfaHandlers) auditAccount(c *gin.Context, event string, meta map[string]any) {
	a := actorOf(c)
	if a.org == nil {
		return
	}
	if err := h.store.AppendAudit(a.org.ID, h.auditEntry(c, event, userResource(a.user), meta)); err != nil {
		loggerFrom(c).Error("audit entry not written", "event", event, "error", err)
	}
}

// refuseProfileMFA answers a failed check of a profile change to the second factor (step
// enrolment or disable): audited as auth.mfa_failed, then 429 while the account's attempts
// are used up, else 400 with out's reason and fields naming what was wrong.
func (h *mfaHandlers) refuseProfileMFA(c *gin.Context, out *mfaCheck, now time.Time, step string, fields map[string]string) error {
	h.auditAccount(c, "auth.mfa_failed", map[string]any{"reason": out.reason, "step": step})
	if out.reason == "rate_limited" {
		return out.answer(now)
	}
	e := errBadRequest("%s", mfaFailureMessages[out.reason])
	e.Fields = fields
	return e
}

// isTOTPCode tells an authenticator app's code (six digits) from a recovery code.
func isTOTPCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

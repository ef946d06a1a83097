package api

import (
	"encoding/json"
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// passkeySignInLimit bounds the password-less endpoints per client IP: they need no
// credential, and each begin stores a ceremony (a few hundred bytes for 5 minutes).
var passkeySignInLimit = rateLimit{perMinute: 20, burst: 10}

// limitPasskeySignIn counts one request of the client against passkeySignInLimit.
func (h *mfaHandlers) limitPasskeySignIn(c *gin.Context) error {
	now := h.now()
	d := h.limits.take(rateKey{kind: 'w', id: clientBucket(c)}, passkeySignInLimit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return errRateLimited(now, d.retryAt)
	}
	return nil
}

// beginPasskeyLogin is POST /auth/passkey/begin: the challenge of a password-less sign-in
// (SPEC §10), for whichever passkey of this site the browser offers.
func (h *mfaHandlers) beginPasskeyLogin(c *gin.Context) error {
	if err := h.limitPasskeySignIn(c); err != nil {
		return err
	}
	rp, err := h.relyingParty()
	if err != nil {
		return err
	}
	cer, err := rp.BeginDiscoverableLogin()
	if err != nil {
		return err
	}
	token, err := h.putCeremony(store.ChallengePasskeyLogin, "", cer.Session)
	if err != nil {
		return err
	}
	c.JSON(200, ceremonyResponse{CeremonyToken: token, PublicKey: cer.Options})
	return nil
}

// finishPasskeyLogin is POST /auth/passkey/finish {ceremony_token, credential}: a verified
// assertion signs its account in, with no password and no further factor (the passkey
// verified its holder). A refusal is audited in the account the answer claims, if any.
func (h *mfaHandlers) finishPasskeyLogin(c *gin.Context) error {
	if err := h.limitPasskeySignIn(c); err != nil {
		return err
	}
	var req struct {
		CeremonyToken string          `json:"ceremony_token"`
		Credential    json.RawMessage `json:"credential"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if len(req.Credential) == 0 {
		return errValidation(map[string]string{"credential": "is required"})
	}
	rp, err := h.relyingParty()
	if err != nil {
		return err
	}
	ch, err := h.takeCeremony(req.CeremonyToken, store.ChallengePasskeyLogin, "")
	if err != nil {
		return err
	}
	var keys []store.Passkey
	user, as, err := rp.FinishDiscoverableLogin(ch.Session, req.Credential, func(userID string) (*store.User, []store.Passkey, error) {
		u, err := h.store.User(userID)
		if err != nil {
			return nil, nil, err
		}
		keys, err = h.store.Passkeys(userID)
		return u, keys, err
	})
	if err != nil {
		if !errors.Is(err, identity.ErrPasskeyRefused) {
			return err
		}
		loggerFrom(c).Info("password-less sign-in refused", "error", err, "ip", c.ClientIP())
		if claimed, uerr := h.store.User(identity.UserHandle(req.Credential)); uerr == nil {
			h.auditSignIn(c, claimed, "auth.login_failed", map[string]any{"method": methodPasskey, "reason": "passkey_refused"})
		}
		return (&mfaCheck{reason: "passkey_refused"}).answer(h.now())
	}
	h.recordPasskeyUse(user.ID, keys, as)
	setUserActor(c, user)
	// A password-less sign-in bypasses the identity provider as a password does.
	if err := h.enforceSSO(c, user, methodPasskey); err != nil {
		return err
	}
	h.auditSignIn(c, user, "auth.passkey_login", nil)
	return h.issueSession(c, user, methodPasskey)
}

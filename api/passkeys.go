package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// Passkey ceremonies (SPEC §10): the browser has this long to answer a challenge, and a
// passkey name this many characters.
const (
	passkeyCeremonyTTL = 5 * time.Minute
	passkeyNameMax     = 64
	passkeyTokenPrefix = "pkc_"
)

// passkeyView is a passkey as the profile lists it; the credential itself is never shown.
type passkeyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func newPasskeyView(p *store.Passkey) passkeyView {
	return passkeyView{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt, LastUsedAt: p.LastUsedAt}
}

// passkeyResource is how the audit log names a passkey.
func passkeyResource(p *store.Passkey) store.AuditResource {
	return store.AuditResource{Type: "passkey", ID: p.ID, Name: p.Name}
}

// ceremonyResponse starts a ceremony in the browser: public_key goes to
// navigator.credentials.create/get, ceremony_token comes back with the answer.
type ceremonyResponse struct {
	CeremonyToken string          `json:"ceremony_token"`
	PublicKey     json.RawMessage `json:"public_key"`
}

// listPasskeys is GET /profile/passkeys.
func (h *mfaHandlers) listPasskeys(c *gin.Context) error {
	keys, err := h.store.Passkeys(actorOf(c).user.ID)
	if err != nil {
		return err
	}
	out := make([]passkeyView, len(keys))
	for i := range keys {
		out[i] = newPasskeyView(&keys[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// beginPasskey is POST /profile/passkeys/begin: the registration challenge, kept on the
// server with the ceremony's state under the returned token.
func (h *mfaHandlers) beginPasskey(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	rp, err := h.relyingParty()
	if err != nil {
		return err
	}
	keys, err := h.store.Passkeys(a.user.ID)
	if err != nil {
		return err
	}
	cer, err := rp.BeginRegistration(a.user, keys)
	if err != nil {
		return err
	}
	token, err := h.putCeremony(store.ChallengePasskeyRegister, a.user.ID, cer.Session)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, ceremonyResponse{CeremonyToken: token, PublicKey: cer.Options})
	return nil
}

// putCeremony stores a WebAuthn ceremony's state for userID ("" for a password-less
// sign-in, whose account is not known yet) and returns its token.
func (h *mfaHandlers) putCeremony(purpose, userID string, session []byte) (string, error) {
	return h.putChallenge(purpose, passkeyTokenPrefix, userID, session, passkeyCeremonyTTL)
}

// takeCeremony ends the ceremony of token, which must be of purpose (and, for a
// registration, the caller's) and live: used once, whatever the answer.
func (h *mfaHandlers) takeCeremony(token, purpose, userID string) (*store.AuthChallenge, error) {
	refused := errBadRequest("This passkey challenge is unknown, used or expired; start again.")
	refused.Fields = map[string]string{"ceremony_token": "is not valid"}
	if token == "" {
		return nil, errValidation(map[string]string{"ceremony_token": "is required"})
	}
	ch, err := h.store.TakeAuthChallenge(crypto.Digest(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, refused
	} else if err != nil {
		return nil, err
	}
	if ch.Purpose != purpose || ch.UserID != userID || !h.now().Before(ch.ExpiresAt) {
		return nil, refused
	}
	return ch, nil
}

// addPasskey is POST /profile/passkeys {ceremony_token, name, credential}: the
// authenticator's answer to beginPasskey's challenge, verified, becomes a named passkey.
func (h *mfaHandlers) addPasskey(c *gin.Context) error {
	var req struct {
		CeremonyToken string          `json:"ceremony_token"`
		Name          string          `json:"name"`
		Credential    json.RawMessage `json:"credential"`
	}
	a, err := sessionBind(c, &req)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	name := f.name("name", req.Name, true, passkeyNameMax)
	if len(req.Credential) == 0 {
		f.add("credential", "is required")
	}
	if err := f.err(); err != nil {
		return err
	}
	rp, err := h.relyingParty()
	if err != nil {
		return err
	}
	ch, err := h.takeCeremony(req.CeremonyToken, store.ChallengePasskeyRegister, a.user.ID)
	if err != nil {
		return err
	}
	keys, err := h.store.Passkeys(a.user.ID)
	if err != nil {
		return err
	}
	cred, err := rp.FinishRegistration(a.user, keys, ch.Session, req.Credential)
	if errors.Is(err, identity.ErrPasskeyRefused) {
		loggerFrom(c).Info("passkey registration refused", "user", a.user.ID, "error", err)
		e := errBadRequest("The passkey could not be verified; try again.")
		e.Fields = map[string]string{"credential": "is not valid"}
		return e
	} else if err != nil {
		return err
	}
	p := &store.Passkey{ID: uuid.Must(uuid.NewV7()).String(), UserID: a.user.ID, Name: name,
		CredentialID: cred.ID, Credential: cred.Record, CreatedAt: h.now()}
	orgID, change := accountLog(c)
	h.addAccountAudit(c, change, "auth.passkey_added", passkeyResource(p), nil)
	if err := h.store.AddPasskey(p, orgID, change); err != nil {
		return err
	}
	return h.answerEnrolled(c, a.user, http.StatusCreated, gin.H{"id": p.ID, "name": p.Name, "created_at": p.CreatedAt, "last_used_at": nil})
}

// removePasskey is DELETE /profile/passkeys/{id}; another account's passkey is 404.
func (h *mfaHandlers) removePasskey(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	orgID, change := accountLog(c)
	keys, err := h.store.Passkeys(a.user.ID)
	if err != nil {
		return err
	}
	for i := range keys {
		if keys[i].ID == c.Param("id") {
			h.addAccountAudit(c, change, "auth.passkey_removed", passkeyResource(&keys[i]), nil)
		}
	}
	if _, err := h.store.DeletePasskey(a.user.ID, c.Param("id"), orgID, change); errors.Is(err, store.ErrNotFound) {
		return errNotFound("Passkey")
	} else if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// recordPasskeyUse stores the signing key's new sign count and when it was used. A failed
// write is only logged: the sign-in it follows has already succeeded.
func (h *mfaHandlers) recordPasskeyUse(userID string, keys []store.Passkey, as *identity.Assertion) {
	for _, k := range keys {
		if string(k.CredentialID) != string(as.CredentialID) {
			continue
		}
		now := h.now()
		if _, err := h.store.UpdatePasskey(userID, k.ID, func(p *store.Passkey) error {
			p.Credential, p.LastUsedAt = as.Record, &now
			return nil
		}, "", nil); err != nil {
			h.logger.Error("passkey use not recorded", "passkey", k.ID, "error", err)
		}
	}
}

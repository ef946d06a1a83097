package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/alertifypro/alertifypro/store"
)

// ErrPasskeyRefused is every failed passkey ceremony: a response to another challenge,
// from another origin, signed by a key the account does not have, or malformed. The
// library's reason is wrapped for the log; clients get one answer.
var ErrPasskeyRefused = errors.New("passkey refused")

// RelyingParty runs WebAuthn ceremonies (SPEC §10) for the appliance's public URL: the RP
// ID is its host name and the only accepted origin is its scheme, host and port.
type RelyingParty struct {
	wa *webauthn.WebAuthn
}

// NewRelyingParty returns the relying party of baseURL (BASE_URL), named displayName in
// the browser's prompt.
func NewRelyingParty(baseURL, displayName string) (*RelyingParty, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("passkeys need a base URL with a host, got %q", baseURL)
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: displayName,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
	})
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return &RelyingParty{wa: wa}, nil
}

// account is a user with their passkeys as the WebAuthn library sees them. The user
// handle is the account ID, so a discoverable credential names its account.
type account struct {
	user  *store.User
	creds []webauthn.Credential
}

func (a *account) WebAuthnID() []byte                         { return []byte(a.user.ID) }
func (a *account) WebAuthnName() string                       { return a.user.Email }
func (a *account) WebAuthnDisplayName() string                { return displayName(a.user) }
func (a *account) WebAuthnCredentials() []webauthn.Credential { return a.creds }

func displayName(u *store.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Email
}

// newAccount decodes the stored credentials of keys.
func newAccount(u *store.User, keys []store.Passkey) (*account, error) {
	a := &account{user: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return nil, fmt.Errorf("passkey %s: %w", k.ID, err)
		}
		a.creds = append(a.creds, c)
	}
	return a, nil
}

// Ceremony is the start of a ceremony: Options go to the browser
// (navigator.credentials.create/get), Session stays on the server until the answer.
type Ceremony struct {
	Options json.RawMessage
	Session []byte
}

func ceremony(options any, session *webauthn.SessionData) (*Ceremony, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	s, err := json.Marshal(session)
	if err != nil {
		return nil, err
	}
	return &Ceremony{Options: o, Session: s}, nil
}

func decodeSession(raw []byte) (webauthn.SessionData, error) {
	var s webauthn.SessionData
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("%w: ceremony state: %v", ErrPasskeyRefused, err)
	}
	return s, nil
}

// BeginRegistration starts adding a passkey to u, who holds keys: the browser is asked
// for a discoverable credential (so it can sign in without a password later) and told
// not to create a second one on an authenticator that holds one of keys.
func (rp *RelyingParty) BeginRegistration(u *store.User, keys []store.Passkey) (*Ceremony, error) {
	a, err := newAccount(u, keys)
	if err != nil {
		return nil, err
	}
	opts, session, err := rp.wa.BeginRegistration(a,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred),
		webauthn.WithExclusions(webauthn.Credentials(a.creds).CredentialDescriptors()),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return nil, err
	}
	return ceremony(opts, session)
}

// NewCredential is a verified new passkey: its credential ID and the record to store.
type NewCredential struct {
	ID     []byte
	Record []byte
}

// FinishRegistration verifies the browser's answer (response, the PublicKeyCredential as
// JSON) to the ceremony of session, for u.
func (rp *RelyingParty) FinishRegistration(u *store.User, keys []store.Passkey, session, response []byte) (*NewCredential, error) {
	a, err := newAccount(u, keys)
	if err != nil {
		return nil, err
	}
	s, err := decodeSession(session)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	cred, err := rp.wa.CreateCredential(a, s, parsed)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	rec, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	return &NewCredential{ID: cred.ID, Record: rec}, nil
}

// BeginLogin starts a passkey check of u (the second factor): only u's keys are allowed.
func (rp *RelyingParty) BeginLogin(u *store.User, keys []store.Passkey) (*Ceremony, error) {
	a, err := newAccount(u, keys)
	if err != nil {
		return nil, err
	}
	opts, session, err := rp.wa.BeginLogin(a)
	if err != nil {
		return nil, err
	}
	return ceremony(opts, session)
}

// BeginDiscoverableLogin starts a password-less sign-in: the browser offers whichever
// passkey of this site the person picks, and user verification (PIN, biometrics) is
// required, since the passkey is then the only factor presented.
func (rp *RelyingParty) BeginDiscoverableLogin() (*Ceremony, error) {
	opts, session, err := rp.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, err
	}
	return ceremony(opts, session)
}

// Assertion is a verified passkey answer: which stored key signed (its credential ID)
// and the key's record updated with the new sign count.
type Assertion struct {
	CredentialID []byte
	Record       []byte
}

// FinishLogin verifies the answer of u's authenticator to the ceremony of session.
func (rp *RelyingParty) FinishLogin(u *store.User, keys []store.Passkey, session, response []byte) (*Assertion, error) {
	a, err := newAccount(u, keys)
	if err != nil {
		return nil, err
	}
	s, err := decodeSession(session)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	cred, err := rp.wa.ValidateLogin(a, s, parsed)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	return assertion(cred)
}

// AccountLookup finds the account a discoverable credential names by its user handle
// (the account ID) and that account's passkeys.
type AccountLookup func(userID string) (*store.User, []store.Passkey, error)

// FinishDiscoverableLogin verifies a password-less answer to the ceremony of session and
// returns the account it signs in and the assertion.
func (rp *RelyingParty) FinishDiscoverableLogin(session, response []byte, lookup AccountLookup) (*store.User, *Assertion, error) {
	s, err := decodeSession(session)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	var found *account
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		u, keys, err := lookup(string(userHandle))
		if err != nil {
			return nil, err
		}
		found, err = newAccount(u, keys)
		return found, err
	}
	cred, err := rp.wa.ValidateDiscoverableLogin(handler, s, parsed)
	if err != nil || found == nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrPasskeyRefused, err)
	}
	as, err := assertion(cred)
	if err != nil {
		return nil, nil, err
	}
	return found.user, as, nil
}

// UserHandle is the user handle a password-less answer claims (unverified), so a refusal
// can be audited in that account's organization; "" when the answer names none.
func UserHandle(response []byte) string {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return ""
	}
	return string(bytes.Clone(parsed.Response.UserHandle))
}

func assertion(cred *webauthn.Credential) (*Assertion, error) {
	rec, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	return &Assertion{CredentialID: cred.ID, Record: rec}, nil
}

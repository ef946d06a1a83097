package api

import (
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// The pending steps of a sign-in (the second factor's mfa_token, a WebAuthn ceremony, an
// SSO state, code or test result) are all stored the same way: an auth challenge found by
// the digest of a random token, so the store never holds the token itself, with a purpose
// that keeps one kind of token from being taken as another, and an expiry.

// putChallenge stores a new pending step of purpose for userID ("" when the account is not
// known yet) holding session, and returns its fresh token (prefix, 32 random bytes).
func (b *base) putChallenge(purpose, prefix, userID string, session []byte, ttl time.Duration) (string, error) {
	token, err := crypto.RandomToken(prefix, 32)
	if err != nil {
		return "", err
	}
	return token, b.putChallengeToken(token, purpose, userID, session, ttl)
}

// putChallengeToken is putChallenge with the token chosen by the caller.
func (b *base) putChallengeToken(token, purpose, userID string, session []byte, ttl time.Duration) error {
	now := b.now()
	return b.store.PutAuthChallenge(&store.AuthChallenge{Digest: crypto.Digest(token), Purpose: purpose,
		UserID: userID, Session: session, CreatedAt: now, ExpiresAt: now.Add(ttl)})
}

package identity

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCClient is one organization's OpenID Connect relying party (SPEC §10): discovery,
// the authorization-code flow with PKCE (S256), state and nonce, and ID-token
// verification (issuer, audience, expiry, signature, nonce). Every request it makes goes
// through HTTP, the egress-guarded client the caller hands in.
type OIDCClient struct {
	provider *oidc.Provider
	oauth    oauth2.Config
	http     *http.Client
	now      func() time.Time
}

// OIDCSettings are what NewOIDCClient needs from the organization's configuration.
type OIDCSettings struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
	Scopes                                      []string
}

// NewOIDCClient runs discovery against the issuer (its /.well-known/openid-configuration,
// which must name the same issuer) through client, or takes it from the discovery cache;
// fresh skips the cache (a configuration being saved is checked against the provider as
// it is now).
func NewOIDCClient(ctx context.Context, d *OIDCDiscovery, s OIDCSettings, client *http.Client, fresh bool) (*OIDCClient, error) {
	p, err := d.provider(ctx, s.Issuer, client, fresh)
	if err != nil {
		return nil, err
	}
	scopes := append([]string{oidc.ScopeOpenID}, s.Scopes...)
	return &OIDCClient{provider: p, http: client, now: d.now,
		oauth: oauth2.Config{ClientID: s.ClientID, ClientSecret: s.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: s.RedirectURL, Scopes: dedupe(scopes)}}, nil
}

// AuthCodeURL is where the browser goes to sign in: state and nonce are the caller's
// single-use values, verifier the PKCE secret whose S256 challenge is sent.
func (c *OIDCClient) AuthCodeURL(state, nonce, verifier string) string {
	return c.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// NewPKCEVerifier returns a fresh PKCE code verifier (RFC 7636).
func NewPKCEVerifier() string { return oauth2.GenerateVerifier() }

// OIDCClaims are the ID-token claims the mapping reads; Raw keeps every claim, so a
// configured groups claim of any name can be read.
type OIDCClaims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"` // bool, or "true" from some providers
	Name          string `json:"name"`
	Raw           map[string]any
}

// Exchange trades the authorization code (with the PKCE verifier) for tokens and
// verifies the ID token: signature against the provider's keys, issuer, audience
// (client ID), expiry at now, and that its nonce is the one sent. The groups are read
// from groupsClaim ("groups" when empty).
func (c *OIDCClient) Exchange(ctx context.Context, code, verifier, nonce, groupsClaim string) (*SSOIdentity, error) {
	ctx = context.WithValue(oidc.ClientContext(ctx, c.http), oauth2.HTTPClient, c.http)
	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, refuse("code_exchange_failed", "The identity provider refused the sign-in code: %v", shortErr(err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, refuse("id_token_missing", "The identity provider answered without an ID token.")
	}
	return c.VerifyIDToken(ctx, raw, nonce, groupsClaim)
}

// VerifyIDToken checks a raw ID token as Exchange does and maps its claims.
func (c *OIDCClient) VerifyIDToken(ctx context.Context, raw, nonce, groupsClaim string) (*SSOIdentity, error) {
	// The provider's shared key set: fetched once, kept with the cached provider, and
	// fetched again when a token names a key it does not hold (rotation).
	v := c.provider.Verifier(&oidc.Config{ClientID: c.oauth.ClientID, Now: c.now})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		switch {
		case errors.As(err, &expired):
			return nil, refuse("id_token_expired", "The ID token has expired.")
		default:
			return nil, refuse("id_token_invalid", "The ID token does not verify: %v", shortErr(err))
		}
	}
	if nonce == "" || idt.Nonce != nonce {
		return nil, refuse("nonce_mismatch", "The ID token's nonce is not the one this sign-in sent.")
	}
	var cl OIDCClaims
	if err := idt.Claims(&cl); err != nil {
		return nil, refuse("id_token_invalid", "The ID token's claims cannot be read.")
	}
	if err := idt.Claims(&cl.Raw); err != nil {
		return nil, refuse("id_token_invalid", "The ID token's claims cannot be read.")
	}
	if cl.Email == "" {
		return nil, refuse("email_missing", "The ID token carries no e-mail address (ask for the email scope).")
	}
	if v, _ := cl.EmailVerified.(bool); !v && cl.EmailVerified != "true" {
		return nil, refuse("email_not_verified", "The identity provider has not verified %s.", cl.Email)
	}
	if groupsClaim == "" {
		groupsClaim = "groups"
	}
	return &SSOIdentity{Email: cl.Email, Name: cl.Name, Groups: stringList(cl.Raw[groupsClaim])}, nil
}

// PKCEChallenge is the S256 challenge of verifier (tests compare it with what the
// provider received).
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// stringList reads a claim that is a list of strings or one string.
func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// shortErr keeps a provider's error readable: at most 200 bytes of it.
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

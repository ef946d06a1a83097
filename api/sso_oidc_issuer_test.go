package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/internal/ssotest"
)

// TestSSOOIDCRefusesAnotherProvidersCode sends the browser to a second provider that
// knows the same client: its code comes back with our genuine state, and our token
// endpoint (the configured issuer's) refuses it. Nothing is provisioned.
func TestSSOOIDCRefusesAnotherProvidersCode(t *testing.T) {
	s := newOIDCOrg(t)
	other := ssotest.NewOIDCProvider(t, "http://localhost:3001/api/v1/sso/"+s.owner.OrgSlug+"/oidc/callback")
	other.AddUser("alice", "alice@acme.test", true, "ops-admins")
	to := strings.Replace(s.start(t), s.op.Issuer, other.Issuer, 1)
	cb := opSignIn(t, other, ssoBrowser(t, s.e.cfg.BaseURL), to, "alice", nil)
	refusedSSO(t, s.e, s.owner.OrgID, s.e.do(http.MethodGet, cb, "", nil), "code_exchange_failed", "alice@acme.test")
}

// TestSSOOIDCRefusesAnIDTokenFromAnotherIssuer verifies a real ID token, signed by a
// second provider for the same client and nonce, against the configured provider: its
// issuer and key are not ours (go-oidc checks the signature first, then the issuer).
func TestSSOOIDCRefusesAnIDTokenFromAnotherIssuer(t *testing.T) {
	const redirect = "http://localhost:3001/api/v1/sso/x/oidc/callback"
	ours := ssotest.NewOIDCProvider(t, redirect)
	theirs := ssotest.NewOIDCProvider(t, redirect)
	theirs.AddUser("alice", "alice@acme.test", true)
	ctx := context.Background()
	settings := func(p *ssotest.OIDCProvider) identity.OIDCSettings {
		return identity.OIDCSettings{Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.Secret, RedirectURL: redirect, Scopes: []string{"email"}}
	}
	client, err := identity.NewOIDCClient(ctx, identity.NewOIDCDiscovery(nil), settings(ours), http.DefaultClient, false)
	if err != nil {
		t.Fatal(err)
	}
	theirClient, err := identity.NewOIDCClient(ctx, identity.NewOIDCDiscovery(nil), settings(theirs), http.DefaultClient, false)
	if err != nil {
		t.Fatal(err)
	}
	verifier := identity.NewPKCEVerifier()
	cb := opSignIn(t, theirs, ssoBrowser(t, "http://localhost:3001"), theirClient.AuthCodeURL("state", "the-nonce", verifier), "alice", nil)
	u, _ := url.Parse(cb)
	ep := oauth2.Config{ClientID: theirs.ClientID, ClientSecret: theirs.Secret, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{TokenURL: theirs.Issuer + "/oauth/token"}}
	tok, err := ep.Exchange(ctx, u.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if _, err := theirClient.VerifyIDToken(ctx, raw, "the-nonce", ""); err != nil {
		t.Fatalf("the token does not verify at its own provider: %v", err)
	}
	_, err = client.VerifyIDToken(ctx, raw, "the-nonce", "")
	var r *identity.SSORefusal
	if !errors.As(err, &r) || r.Reason != "id_token_invalid" {
		t.Fatalf("a token from another issuer: %v", err)
	}
}

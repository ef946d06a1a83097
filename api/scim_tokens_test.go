package api

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
)

// TestSCIMTokens covers the token endpoints: admins create one (the secret once, only its
// digest kept), list without secrets, revoke; members and API keys cannot create; another
// organization's token ID answers 404; each change is audited.
func TestSCIMTokens(t *testing.T) {
	s := newSCIMEnv(t)
	_, memberTok := s.newMember(s.owner.OrgID, "mia@acme.test", "Mia", roleMember)
	key := createKey(s.testEnv, s.owner.Token, map[string]any{"name": "ci"})

	rec := s.do("POST", "/api/v1/organization/scim-tokens", s.owner.Token, map[string]any{"name": "Entra ID"})
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	created := decode[map[string]any](t, rec)
	secret := created["token"].(string)
	if !strings.HasPrefix(secret, scimTokenPrefix) || created["scim_base_url"] != s.cfg.BaseURL+"/scim/v2/"+s.owner.OrgSlug ||
		created["name"] != "Entra ID" {
		t.Fatalf("create answer: %v", created)
	}
	stored, _ := s.db.SCIMTokens(s.owner.OrgID)
	for _, tok := range stored {
		if strings.Contains(string(tok.Digest), secret) || (tok.ID == created["id"] && !bytes.Equal(tok.Digest, crypto.Digest(secret))) {
			t.Fatalf("the token is not stored as its digest: %+v", tok)
		}
	}
	s.run([]scenario{
		{name: "list has no secrets", method: "GET", path: "/api/v1/organization/scim-tokens", token: s.owner.Token,
			status: 200, contains: []string{`"Entra ID"`, `"scim_base_url"`}, notContains: []string{secret, `"token":`, "digest"}},
		{name: "a member cannot list", method: "GET", path: "/api/v1/organization/scim-tokens", token: memberTok, status: 403},
		{name: "a member cannot create", method: "POST", path: "/api/v1/organization/scim-tokens", token: memberTok,
			body: map[string]any{"name": "x"}, status: 403},
		{name: "an API key cannot create", method: "POST", path: "/api/v1/organization/scim-tokens", token: key.Key,
			body: map[string]any{"name": "x"}, status: 403},
		{name: "a name is required", method: "POST", path: "/api/v1/organization/scim-tokens", token: s.owner.Token,
			body: map[string]any{}, status: 422, contains: []string{`"name"`}},
	})
	if rec := s.scimWith(secret, "GET", "/Users", ""); rec.Code != 200 {
		t.Fatalf("the new token does not work: %d", rec.Code)
	}

	other := s.newUser("oz@other.test", "Oz")
	if rec := s.do("DELETE", "/api/v1/organization/scim-tokens/"+created["id"].(string), other.Token, nil); rec.Code != 404 {
		t.Fatalf("another organization revoked the token: %d", rec.Code)
	}
	if rec := s.do("DELETE", "/api/v1/organization/scim-tokens/"+created["id"].(string), s.owner.Token, nil); rec.Code != 204 {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body.String())
	}
	s.wantSCIMError(s.scimWith(secret, "GET", "/Users", ""), 401, "")
	if got := s.countAudit("scim.token_created"); got != 2 {
		t.Errorf("scim.token_created audited %d times, want 2", got)
	}
	if got := s.countAudit("scim.token_revoked"); got != 1 {
		t.Errorf("scim.token_revoked audited %d times, want 1", got)
	}
}

// TestSCIMTokenGuessesAreLimited: refusals without a valid token are limited per client,
// so guessing stays slow and the audit entries they write stay bounded.
func TestSCIMTokenGuessesAreLimited(t *testing.T) {
	s := newSCIMEnv(t)
	for range scimFailureLimit.burst {
		s.wantSCIMError(s.scimWith("scim_guess", "GET", "/Users", ""), 401, "")
	}
	s.wantSCIMError(s.scimWith("scim_guess", "GET", "/Users", ""), 429, "")
	if got := s.countAudit("scim.request_failed"); got != scimFailureLimit.burst {
		t.Fatalf("%d refusals audited, want %d", got, scimFailureLimit.burst)
	}
	// The identity provider's valid token still works from the same address.
	if rec := s.scim("GET", "/Users", ""); rec.Code != 200 {
		t.Fatalf("guesses locked the valid token out: %d", rec.Code)
	}
}

package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSSOEnforcedRefusesMembersPasswordButNotTheOwners(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	member, _ := e.newMember(s.owner.OrgID, "member@acme.test", "Member", roleMember)
	key := e.do(http.MethodPost, "/api/v1/api-keys", s.owner.Token, map[string]any{"name": "ci", "role": "member"})
	if key.Code != http.StatusCreated {
		t.Fatalf("api key: %d %s", key.Code, key.Body.String())
	}
	apiKey, _ := decode[map[string]any](t, key)["key"].(string)
	// Before enforcement the member signs in with the password.
	e.passwordLogin(member.Email)
	if rec := e.do(http.MethodPut, "/api/v1/organization/sso", s.owner.Token, map[string]any{"sso_enforced": true}); rec.Code != http.StatusOK {
		t.Fatalf("enforce: %d %s", rec.Code, rec.Body.String())
	}
	rec := e.do(http.MethodPost, "/api/v1/auth/login", "", map[string]any{"email": member.Email, "password": "correct horse battery"})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), s.owner.OrgSlug) {
		t.Fatalf("member's password login: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "sso_required")
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_failed"); len(meta) != 1 || meta[0]["reason"] != "sso_enforced" {
		t.Fatalf("auth.sso_failed: %v", meta)
	}
	// The owner keeps the password (break-glass), audited.
	if body := e.passwordLogin(s.owner.Email); body["token"] == nil {
		t.Fatalf("owner login: %v", body)
	}
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_break_glass"); len(meta) != 1 || meta[0]["method"] != "password" {
		t.Fatalf("auth.sso_break_glass: %v", meta)
	}
	// API keys are not sign-ins and keep working.
	if rec := e.do(http.MethodGet, "/api/v1/services", apiKey, nil); rec.Code != http.StatusOK {
		t.Fatalf("API key under enforcement: %d %s", rec.Code, rec.Body.String())
	}
	// A wrong password still reads as a wrong password (enforcement tells nothing before it).
	rec = e.do(http.MethodPost, "/api/v1/auth/login", "", map[string]any{"email": member.Email, "password": "wrong password!"})
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password under enforcement: %d", rec.Code)
	}
	// And the member signs in through the provider.
	s.op.AddUser("member", "member@acme.test", true)
	s.exchange(t, s.signIn(t, "member", nil))
}

func TestSSOEnforcementNeedsAnEnabledProtocol(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("o@x.test", "X")
	rec := e.do(http.MethodPut, "/api/v1/organization/sso", owner.Token, map[string]any{"sso_enforced": true})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "sso_enforced") {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestSSOTestSignInReportsTheMappedIdentityWithoutProvisioning(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	// Test sign-in runs before the configuration is enabled.
	cfg := e.do(http.MethodGet, "/api/v1/organization/sso/oidc", s.owner.Token, nil)
	body := decode[map[string]any](t, cfg)
	body["enabled"] = false
	for _, k := range []string{"client_secret_set", "redirect_uri", "login_url"} {
		delete(body, k) // what the API shows, not what it takes
	}
	if rec := e.do(http.MethodPut, "/api/v1/organization/sso/oidc", s.owner.Token, body); rec.Code != http.StatusOK {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body.String())
	}
	start := e.do(http.MethodPost, "/api/v1/organization/sso/test", s.owner.Token, map[string]any{"protocol": "oidc"})
	if start.Code != http.StatusOK {
		t.Fatalf("test start: %d %s", start.Code, start.Body.String())
	}
	to, _ := decode[map[string]any](t, start)["url"].(string)
	cb := e.do(http.MethodGet, opSignIn(t, s.op, ssoBrowser(t, e.cfg.BaseURL), to, "alice", nil), "", nil)
	if cb.Code != http.StatusSeeOther || !strings.Contains(cb.Header().Get("Location"), "/settings/security#sso_test=") {
		t.Fatalf("test callback: %d %q %s", cb.Code, cb.Header().Get("Location"), cb.Body.String())
	}
	code := codeFrom(t, cb.Header().Get("Location"), "sso_test")
	// Only the admin who ran it reads the result.
	_, other := e.newMember(s.owner.OrgID, "admin2@acme.test", "Admin Two", roleAdmin)
	if rec := e.do(http.MethodPost, "/api/v1/organization/sso/test/result", other, map[string]any{"code": code}); rec.Code != http.StatusNotFound {
		t.Fatalf("another admin reads the result: %d", rec.Code)
	}
	// That attempt used the code up: run the test again for the owner.
	start = e.do(http.MethodPost, "/api/v1/organization/sso/test", s.owner.Token, map[string]any{"protocol": "oidc"})
	to, _ = decode[map[string]any](t, start)["url"].(string)
	cb = e.do(http.MethodGet, opSignIn(t, s.op, ssoBrowser(t, e.cfg.BaseURL), to, "alice", nil), "", nil)
	code = codeFrom(t, cb.Header().Get("Location"), "sso_test")
	res := e.do(http.MethodPost, "/api/v1/organization/sso/test/result", s.owner.Token, map[string]any{"code": code})
	if res.Code != http.StatusOK {
		t.Fatalf("result: %d %s", res.Code, res.Body.String())
	}
	got := decode[map[string]any](t, res)
	if got["email"] != "alice@acme.test" || got["role"] != roleAdmin {
		t.Fatalf("mapped identity: %v", got)
	}
	if _, err := e.db.UserByEmail("alice@acme.test"); err == nil {
		t.Fatal("Test sign-in provisioned the user")
	}
	// The disabled configuration signs nobody in for real.
	if rec := e.do(http.MethodGet, "/api/v1/sso/"+s.owner.OrgSlug+"/oidc/login", "", nil); rec.Code != http.StatusForbidden {
		t.Fatalf("login with SSO disabled: %d", rec.Code)
	}
}

func TestSSODiscoverAnswersTheSameShapeWhateverMatches(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	rec := e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"email": "someone@ACME.test"})
	body := decode[map[string][]map[string]any](t, rec)
	if len(body["options"]) != 1 || body["options"][0]["login_url"] != "/api/v1/sso/"+s.owner.OrgSlug+"/oidc/login" {
		t.Fatalf("discover by e-mail: %s", rec.Body.String())
	}
	rec = e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"email": "someone@nowhere.test"})
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"options":[]}` {
		t.Fatalf("discover with no match: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"slug": s.owner.OrgSlug})
	if len(decode[map[string][]map[string]any](t, rec)["options"]) != 1 {
		t.Fatalf("discover by slug: %s", rec.Body.String())
	}
	rec = e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"slug": "no-such-org"})
	if strings.TrimSpace(rec.Body.String()) != `{"options":[]}` {
		t.Fatalf("discover unknown slug: %s", rec.Body.String())
	}
	if rec := e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty discover: %d", rec.Code)
	}
}

func TestSSOPublicEndpointsAreLimitedPerIP(t *testing.T) {
	e := newTestEnv(t)
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		rec := e.do(http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"email": "a@b.test"})
		limited = rec.Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("40 discoveries from one address were all answered")
	}
	if rec := e.doFrom("192.0.2.99", http.MethodPost, "/api/v1/auth/sso/discover", "", map[string]any{"email": "a@b.test"}); rec.Code != http.StatusOK {
		t.Fatalf("another address is limited too: %d", rec.Code)
	}
}

// A password-less passkey sign-in bypasses the identity provider as a password does:
// under enforcement a member's is refused (audited), an owner's is a break-glass.
func TestSSOEnforcedRefusesMembersPasskeySignIn(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	member, _ := e.newMember(s.owner.OrgID, "member@acme.test", "Member", roleMember)
	auth := newSoftAuthenticator()
	memberKey := e.addPasskey(member.Token, "Laptop", auth)
	ownerKey := e.addPasskey(s.owner.Token, "Laptop", auth)
	if rec := e.do(http.MethodPut, "/api/v1/organization/sso", s.owner.Token, map[string]any{"sso_enforced": true}); rec.Code != http.StatusOK {
		t.Fatalf("enforce: %d %s", rec.Code, rec.Body.String())
	}
	signIn := func(key *softCredential) *httptest.ResponseRecorder {
		rec := e.do(http.MethodPost, "/api/v1/auth/passkey/begin", "", map[string]any{})
		if rec.Code != http.StatusOK {
			t.Fatalf("begin: %d %s", rec.Code, rec.Body.String())
		}
		start := decode[ceremonyStart](t, rec)
		return e.do(http.MethodPost, "/api/v1/auth/passkey/finish", "", map[string]any{
			"ceremony_token": start.CeremonyToken, "credential": json.RawMessage(auth.get(t, key, challengeOf(t, start.PublicKey)))})
	}
	rec := signIn(memberKey)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("member's passkey sign-in under enforcement: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "sso_required")
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_failed"); len(meta) != 1 || meta[0]["protocol"] != methodPasskey {
		t.Fatalf("auth.sso_failed: %v", meta)
	}
	if rec := signIn(ownerKey); rec.Code != http.StatusOK {
		t.Fatalf("owner's passkey sign-in (break-glass): %d %s", rec.Code, rec.Body.String())
	}
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_break_glass"); len(meta) != 1 || meta[0]["method"] != methodPasskey {
		t.Fatalf("auth.sso_break_glass: %v", meta)
	}
}

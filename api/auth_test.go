package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// Helpers of the identity tests (auth, profile, organization, admin).

const authPassword = "correct horse battery" // the password e.newUser sets

// authJWT decodes a JWT's header and claims without verifying it, to check
// what the server put in.
func authJWT(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
	}
	return header, claims
}

func authWantEvent(t *testing.T, e *testEnv, orgID, event string) {
	t.Helper()
	if got := auditEvents(t, e, orgID); !slices.Contains(got, event) {
		t.Fatalf("audit of %s lacks %q: %v", orgID, event, got)
	}
}

// authAPIKey creates an API key for u in orgID straight in the store.
func authAPIKey(t *testing.T, e *testEnv, orgID, userID, role string) string {
	t.Helper()
	secret, err := crypto.RandomToken(apiKeyPrefix, 32)
	if err != nil {
		t.Fatal(err)
	}
	k := &store.APIKey{Name: "ci", Prefix: secret[:8], Role: role, CreatedBy: userID, Digest: crypto.Digest(secret)}
	if err := e.db.CreateAPIKey(orgID, k, nil); err != nil {
		t.Fatal(err)
	}
	return secret
}

// authInvite creates an invitation in orgID for email and returns its token.
func authInvite(t *testing.T, e *testEnv, orgID, email, role string, expires time.Time) string {
	t.Helper()
	tok, err := crypto.RandomToken("inv_", 32)
	if err != nil {
		t.Fatal(err)
	}
	inv := &store.Invitation{Email: email, Role: role, Digest: crypto.Digest(tok), ExpiresAt: expires}
	if err := e.db.CreateInvitation(orgID, inv, nil); err != nil {
		t.Fatal(err)
	}
	return tok
}

func registerBody(email, name, password string) map[string]any {
	return map[string]any{"email": email, "full_name": name, "password": password}
}

func TestRegister(t *testing.T) {
	e := newTestEnv(t)
	var first registerResponse
	e.run([]scenario{
		{name: "created", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("Ada@Example.com", "Ada Lovelace", "s3cret-enough"), status: 201,
			notContains: []string{"password", "hash"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				first = decode[registerResponse](t, rec)
				if first.UserID == "" || first.OrgID == "" || first.User.ID != first.UserID || first.Organization.ID != first.OrgID {
					t.Fatalf("ids do not match: %+v", first)
				}
				u, o := first.User, first.Organization
				if u.Email != "ada@example.com" || u.FullName != "Ada Lovelace" || !u.IsInstanceAdmin || !u.CreatedAt.Equal(e.clock.Now()) {
					t.Fatalf("user %+v", u)
				}
				if o.Name != "Ada Lovelace's Organization" || o.Slug != "ada-lovelace-s-organization" ||
					o.PlanType != "enterprise" || o.MaxServices != -1 { // the instance admin's (SPEC §2.2)
					t.Fatalf("organization %+v", o)
				}
				header, claims := authJWT(t, first.Token)
				if header["alg"] != "HS256" {
					t.Fatalf("alg %v", header["alg"])
				}
				if claims["user_id"] != first.UserID || claims["tenant_id"] != first.OrgID || claims["email"] != "ada@example.com" {
					t.Fatalf("claims %v", claims)
				}
				exp, iat := claims["exp"].(float64), claims["iat"].(float64)
				if time.Duration(exp-iat)*time.Second != 72*time.Hour {
					t.Fatalf("exp-iat = %v", exp-iat)
				}
			}},
		{name: "duplicate e-mail in another case", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("ADA@example.COM", "Ada Again", "s3cret-enough"), status: 409, contains: []string{`"conflict"`}},
		{name: "second account is no instance admin, slug made unique", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("ada2@example.com", "Ada Lovelace", "s3cret-enough"), status: 201,
			contains: []string{`"is_instance_admin":false`, `"slug":"ada-lovelace-s-organization-2"`}},
	})
	// The token works, and the registration is in the new organization's audit log.
	if rec := e.do("GET", "/api/v1/profile", first.Token, nil); rec.Code != 200 {
		t.Fatalf("profile with the registration token: %d %s", rec.Code, rec.Body.String())
	}
	authWantEvent(t, e, first.OrgID, "auth.registered")
}

// TestRegisterValidation runs in its own environment: each row is one of
// the IP's registration attempts.
func TestRegisterValidation(t *testing.T) {
	e := newTestEnv(t)
	e.run([]scenario{
		{name: "password of 7 bytes", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("b@example.com", "B", "1234567"), status: 422, contains: []string{`"password":"must be between 8 and 72 bytes long"`}},
		{name: "password of 73 bytes is refused, not truncated", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("b@example.com", "B", strings.Repeat("p", 73)), status: 422, contains: []string{`"password"`}},
		{name: "password of 37 two-byte characters (74 bytes)", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("b@example.com", "B", strings.Repeat("é", 37)), status: 422, contains: []string{`"password"`}},
		{name: "password of exactly 72 bytes", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("c@example.com", "C", strings.Repeat("é", 36)), status: 201},
		{name: "every problem at once", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("not-an-email", "  ", "short"), status: 422,
			contains: []string{`"email":`, `"full_name":"is required"`, `"password":`}},
		{name: "full name too long", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("d@example.com", strings.Repeat("n", 201), "s3cret-enough"), status: 422, contains: []string{`"full_name"`}},
		{name: "unknown field", method: "POST", path: "/api/v1/auth/register",
			body:   map[string]any{"email": "e@example.com", "full_name": "E", "password": "s3cret-enough", "role": "owner"},
			status: 400, contains: []string{`"bad_request"`}},
	})
	// The stored password verifies, so it was hashed whole.
	u, err := e.db.UserByEmail("c@example.com")
	if err != nil || !e.deps.Passwords.Verify(t.Context(), u.PasswordHash, strings.Repeat("é", 36)) {
		t.Fatalf("72-byte password does not verify: %v", err)
	}
}

func TestRegistrationModes(t *testing.T) {
	firstUser := func(c *config.Config) { c.RegistrationMode = "first-user" }
	e := newTestEnv(t, firstUser)
	rec := e.do("POST", "/api/v1/auth/register", "", registerBody("root@example.com", "Root", "s3cret-enough"))
	if rec.Code != 201 {
		t.Fatalf("first user: %d %s", rec.Code, rec.Body.String())
	}
	root := decode[registerResponse](t, rec)
	now := e.clock.Now()
	valid := authInvite(t, e, root.OrgID, "Bob@Example.com", "responder", now.Add(7*24*time.Hour))
	expired := authInvite(t, e, root.OrgID, "carol@example.com", "member", now.Add(-time.Second))
	withInvite := func(email, tok string) map[string]any {
		b := registerBody(email, "Someone", "s3cret-enough")
		b["invite_token"] = tok
		return b
	}
	var bob registerResponse
	e.run([]scenario{
		{name: "second sign-up without invitation", method: "POST", path: "/api/v1/auth/register",
			body: registerBody("bob@example.com", "Bob", "s3cret-enough"), status: 403,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "registration_closed") }},
		{name: "unknown invitation", method: "POST", path: "/api/v1/auth/register",
			body: withInvite("bob@example.com", "inv_nope"), status: 422,
			contains: []string{`"invite_token":"is invalid or has expired"`}},
		{name: "expired invitation", method: "POST", path: "/api/v1/auth/register",
			body: withInvite("carol@example.com", expired), status: 422,
			contains: []string{`"invite_token":"is invalid or has expired"`}},
		{name: "invitation of another e-mail", method: "POST", path: "/api/v1/auth/register",
			body: withInvite("mallory@example.com", valid), status: 422, contains: []string{`"invite_token"`}},
		{name: "valid invitation lands in the inviting organization", method: "POST", path: "/api/v1/auth/register",
			body: withInvite("bob@example.com", valid), status: 201,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				bob = decode[registerResponse](t, rec)
				_, claims := authJWT(t, bob.Token)
				if bob.OrgID != root.OrgID || bob.Organization.ID != root.OrgID || claims["tenant_id"] != root.OrgID {
					t.Fatalf("landed in %s / %v, want %s", bob.OrgID, claims["tenant_id"], root.OrgID)
				}
				if bob.User.IsInstanceAdmin {
					t.Fatal("an invited user became instance admin")
				}
			}},
		{name: "the invitation is used up", method: "POST", path: "/api/v1/auth/register",
			body: withInvite("bob@example.com", valid), status: 422},
	})
	m, err := e.db.Membership(root.OrgID, bob.UserID)
	if err != nil || m.Role != "responder" {
		t.Fatalf("membership %+v, %v", m, err)
	}
	orgs, err := e.db.UserOrganizations(bob.UserID)
	// SPEC §3.1: an invited sign-up joins only the inviting organization (no spare one of its own).
	if err != nil || len(orgs) != 1 || orgs[0].Organization.ID != root.OrgID {
		t.Fatalf("bob belongs to %d organizations (%v), want only the inviting one", len(orgs), err)
	}
	authWantEvent(t, e, root.OrgID, "member.added")

	t.Run("closed refuses even the first account, but not an invitation", func(t *testing.T) {
		e := newTestEnv(t, func(c *config.Config) { c.RegistrationMode = "closed" })
		rec := e.do("POST", "/api/v1/auth/register", "", registerBody("root@example.com", "Root", "s3cret-enough"))
		if rec.Code != 403 {
			t.Fatalf("closed: %d %s", rec.Code, rec.Body.String())
		}
		assertErrorBody(t, rec, "registration_closed")
		owner := e.newUser("owner@example.com", "Owner")
		tok := authInvite(t, e, owner.OrgID, "new@example.com", "member", e.clock.Now().Add(time.Hour))
		if rec := e.do("POST", "/api/v1/auth/register", "", withInvite("new@example.com", tok)); rec.Code != 201 {
			t.Fatalf("closed with invitation: %d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("open lets anyone in", func(t *testing.T) {
		e := newTestEnv(t, func(c *config.Config) { c.RegistrationMode = "open" })
		for _, email := range []string{"a@example.com", "b@example.com"} {
			if rec := e.do("POST", "/api/v1/auth/register", "", registerBody(email, "X", "s3cret-enough")); rec.Code != 201 {
				t.Fatalf("open %s: %d %s", email, rec.Code, rec.Body.String())
			}
		}
	})
}

func TestRegistrationRateLimitPerIP(t *testing.T) {
	e := newTestEnv(t)
	bad := registerBody("x@example.com", "X", "short") // 422, but every attempt counts
	for i := range registerLimit {
		if rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/register", "", bad); rec.Code != 422 {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/register", "", registerBody("ok@example.com", "Ok", "s3cret-enough"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("attempt 11: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "rate_limited")
	// Another IP is not affected; the first one is free again after the window.
	if rec := e.doFrom("198.51.100.2", "POST", "/api/v1/auth/register", "", registerBody("ok@example.com", "Ok", "s3cret-enough")); rec.Code != 201 {
		t.Fatalf("other IP: %d %s", rec.Code, rec.Body.String())
	}
	e.clock.Advance(registerWindow)
	if rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/register", "", registerBody("ok2@example.com", "Ok", "s3cret-enough")); rec.Code != 201 {
		t.Fatalf("after the window: %d %s", rec.Code, rec.Body.String())
	}
}

package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProfile(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada") // first account: instance admin
	bob := e.newUser("bob@example.com", "Bob")
	stranger := e.newUser("eve@example.com", "Eve")
	e.join(bob.OrgID, ada, roleViewer)
	key := authAPIKey(t, e, bob.OrgID, ada.ID, roleViewer)
	e.run([]scenario{
		{name: "get", method: "GET", path: "/api/v1/profile", token: ada.Token, status: 200,
			notContains: []string{"password", "token_version"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				p := decode[profileView](t, rec)
				if p.ID != ada.ID || p.Email != ada.Email || p.FullName != "Ada" || !p.IsInstanceAdmin || p.CreatedAt.IsZero() {
					t.Fatalf("profile %+v", p)
				}
				want := []profileOrganization{
					{ID: ada.OrgID, Name: "Ada's Organization", Slug: ada.OrgSlug, Role: roleOwner},
					{ID: bob.OrgID, Name: "Bob's Organization", Slug: bob.OrgSlug, Role: roleViewer},
				}
				if len(p.Organizations) != 2 || p.Organizations[0] != want[0] || p.Organizations[1] != want[1] {
					t.Fatalf("organizations %+v, want %+v", p.Organizations, want)
				}
			}},
		{name: "not the instance admin", method: "GET", path: "/api/v1/profile", token: bob.Token, status: 200,
			contains: []string{`"is_instance_admin":false`}},
		{name: "an API key sees only its organization", method: "GET", path: "/api/v1/profile", token: key, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				p := decode[profileView](t, rec)
				if len(p.Organizations) != 1 || p.Organizations[0].ID != bob.OrgID {
					t.Fatalf("key sees %+v", p.Organizations)
				}
			}},
		{name: "other organization via ?org=", method: "GET", path: "/api/v1/profile?org=" + stranger.OrgSlug, token: ada.Token, status: 404},
		{name: "rename", method: "PUT", path: "/api/v1/profile", token: ada.Token, body: map[string]any{"full_name": "  Ada King "}, status: 200,
			contains: []string{`"full_name":"Ada King"`, `"email":"ada@example.com"`}},
		{name: "empty name", method: "PUT", path: "/api/v1/profile", token: ada.Token, body: map[string]any{"full_name": ""}, status: 422,
			contains: []string{`"full_name":"is required"`}},
		{name: "bad e-mail", method: "PUT", path: "/api/v1/profile", token: ada.Token, body: map[string]any{"email": "nope"}, status: 422},
		{name: "API key may not change the e-mail", method: "PUT", path: "/api/v1/profile", token: key,
			body: map[string]any{"email": "key@example.com", "current_password": authPassword}, status: 403},
		{name: "API key may not change the password", method: "PUT", path: "/api/v1/profile/password", token: key,
			body: map[string]any{"current_password": authPassword, "new_password": "brand new pass"}, status: 403},
		{name: "a new e-mail needs the current password", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: map[string]any{"email": "ada.king@example.com"}, status: 422,
			contains: []string{`"current_password":"is required to change the e-mail address"`}},
		{name: "without mail a new e-mail cannot be confirmed", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: map[string]any{"email": "ada.king@example.com", "current_password": authPassword}, status: 422,
			contains: []string{"an administrator must configure mail", `"email":"cannot be changed until an administrator configures mail (SMTP)"`}},
		{name: "the same address in another case is no change", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: map[string]any{"full_name": "Ada King", "email": "ADA@example.com"}, status: 200,
			contains: []string{`"email":"ada@example.com"`, `"pending_email":null`, `"email_confirmed":false`}},
		{name: "unknown field", method: "PUT", path: "/api/v1/profile", token: ada.Token, body: map[string]any{"is_instance_admin": true}, status: 400},
	})
	authWantEvent(t, e, ada.OrgID, "user.updated")
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	adaInBob := e.join(bob.OrgID, ada, roleMember)
	var fresh string
	change := func(current, next string) map[string]any {
		return map[string]any{"current_password": current, "new_password": next}
	}
	e.run([]scenario{
		{name: "wrong current password", method: "PUT", path: "/api/v1/profile/password", token: ada.Token,
			body: change("not it at all", "brand new pass"), status: 400,
			contains: []string{`"error":"bad_request"`, `"current_password":"is incorrect"`}},
		{name: "new password too short", method: "PUT", path: "/api/v1/profile/password", token: ada.Token,
			body: change(authPassword, "short"), status: 422, contains: []string{`"new_password"`}},
		{name: "new password of 73 bytes", method: "PUT", path: "/api/v1/profile/password", token: ada.Token,
			body: change(authPassword, strings.Repeat("n", 73)), status: 422, contains: []string{`"new_password"`}},
		{name: "missing current password", method: "PUT", path: "/api/v1/profile/password", token: ada.Token,
			body: map[string]any{"new_password": "brand new pass"}, status: 422, contains: []string{`"current_password":"is required"`}},
		{name: "other organization via ?org=", method: "PUT", path: "/api/v1/profile/password?org=" + e.newUser("eve@example.com", "Eve").OrgSlug,
			token: ada.Token, body: change(authPassword, "brand new pass"), status: 404},
		{name: "changed, from the session in Bob's organization", method: "PUT", path: "/api/v1/profile/password", token: adaInBob,
			body: change(authPassword, "brand new pass"), status: 200,
			notContains: []string{"hash"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				fresh = decode[map[string]string](t, rec)["token"]
				if _, claims := authJWT(t, fresh); claims["tenant_id"] != bob.OrgID {
					t.Fatalf("fresh token tenant %v, want the active organization %s", claims["tenant_id"], bob.OrgID)
				}
			}},
		{name: "that session's old token is dead", method: "GET", path: "/api/v1/profile", token: adaInBob, status: 401},
		{name: "every other token too", method: "GET", path: "/api/v1/profile", token: ada.Token, status: 401},
		{name: "old password no longer logs in", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("ada@example.com", authPassword), status: 401},
		{name: "new password does", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("ada@example.com", "brand new pass"), status: 200},
	})
	if rec := e.do("GET", "/api/v1/organization", fresh, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), bob.OrgID) {
		t.Fatalf("fresh token: %d %s", rec.Code, rec.Body.String())
	}
	authWantEvent(t, e, bob.OrgID, "auth.password_changed")
}

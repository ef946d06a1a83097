package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAPIKeysCannotManageMembership: a leaked admin (or owner) key must not
// entrench itself by adding accounts, inviting addresses or raising roles
// (SPEC §12). Those answer 403 with the flat body and a clear message and
// change nothing; reading members and invitations, revoking an invitation and
// removing a member (which only take access away) stay open to keys.
func TestAPIKeysCannotManageMembership(t *testing.T) {
	e, f := newOrgEnv(t)
	adminKey := authAPIKey(t, e, f.owner.OrgID, f.admin.ID, roleAdmin)
	ownerKey := authAPIKey(t, e, f.owner.OrgID, f.owner.ID, roleOwner)
	inv := mustInvite(t, e, f.adminTok, "pending@example.com", "viewer")
	refused := func(t *testing.T, rec *httptest.ResponseRecorder) {
		assertErrorBody(t, rec, "forbidden")
		if msg := decode[map[string]any](t, rec)["message"].(string); !strings.Contains(msg, "API keys cannot") {
			t.Fatalf("message does not say why: %q", msg)
		}
	}
	member := "/api/v1/members/" + f.member.ID
	e.run([]scenario{
		{name: "admin key adds an existing account", method: "POST", path: "/api/v1/members", token: adminKey,
			body: map[string]any{"email": f.carol.Email, "role": "admin"}, status: 403, check: refused},
		{name: "admin key invites an address", method: "POST", path: "/api/v1/members", token: adminKey,
			body: map[string]any{"email": "attacker@evil.example", "role": "admin"}, status: 403, check: refused},
		{name: "owner key invites an owner", method: "POST", path: "/api/v1/members", token: ownerKey,
			body: map[string]any{"email": "attacker@evil.example", "role": "owner"}, status: 403, check: refused},
		{name: "admin key raises a role", method: "PUT", path: member, token: adminKey,
			body: map[string]any{"role": "admin"}, status: 403, check: refused},
		{name: "owner key hands out ownership", method: "PUT", path: member, token: ownerKey,
			body: map[string]any{"role": "owner"}, status: 403, check: refused},
		{name: "admin key lowers a role", method: "PUT", path: member, token: adminKey,
			body: map[string]any{"role": "viewer"}, status: 403, check: refused},
		{name: "keys still list members", method: "GET", path: "/api/v1/members", token: adminKey, status: 200},
		{name: "and invitations", method: "GET", path: "/api/v1/members/invitations", token: adminKey, status: 200},
		{name: "and revoke an invitation", method: "DELETE", path: "/api/v1/members/invitations/" + inv.ID, token: adminKey, status: 204},
		{name: "and remove a member", method: "DELETE", path: "/api/v1/members/" + f.viewer.ID, token: adminKey, status: 204},
		{name: "a signed-in admin still adds", method: "POST", path: "/api/v1/members", token: f.adminTok,
			body: map[string]any{"email": "later@example.com"}, status: 201},
	})
	if _, err := e.db.Membership(f.owner.OrgID, f.carol.ID); err == nil {
		t.Fatal("the key added carol")
	}
	wantRole(t, e, f.owner.OrgID, f.member.ID, roleMember)
	invs, err := e.db.Invitations(f.owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range invs {
		if i.Email == "attacker@evil.example" {
			t.Fatalf("a key created an invitation: %+v", i)
		}
	}
}

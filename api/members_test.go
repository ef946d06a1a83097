package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

// orgFixture is organization A with one user per role, an outsider who owns
// organization B, and a user with an account but no place in A. The outsider
// and carol have confirmed addresses.
type orgFixture struct {
	owner, admin, member, viewer, outsider, carol *testUser
	adminTok, memberTok, viewerTok                string
}

// newOrgEnv is newTestEnv (with mutate) and the fixture organization's people in it.
func newOrgEnv(t *testing.T, mutate ...func(*config.Config)) (*testEnv, *orgFixture) {
	t.Helper()
	e := newTestEnv(t, mutate...)
	return e, newOrgFixture(e)
}

func newOrgFixture(e *testEnv) *orgFixture {
	f := &orgFixture{
		owner:    e.newUser("owner@example.com", "Olivia Owner"),
		admin:    e.newUser("admin@example.com", "Adam Admin"),
		member:   e.newUser("member@example.com", "Mia Member"),
		viewer:   e.newUser("viewer@example.com", "Vic Viewer"),
		outsider: e.newUser("bob@example.com", "Bob Outsider"),
		carol:    e.newUser("carol@example.com", "Carol Existing"),
	}
	// Carol and Bob proved their addresses (an earlier invitation), so adding
	// them adds them at once.
	e.confirmEmail(f.carol)
	e.confirmEmail(f.outsider)
	f.adminTok = e.join(f.owner.OrgID, f.admin, roleAdmin)
	f.memberTok = e.join(f.owner.OrgID, f.member, roleMember)
	f.viewerTok = e.join(f.owner.OrgID, f.viewer, roleViewer)
	return f
}

// deleteRows are the rows every DELETE of a record of organization A has: a viewer may
// not, another organization gets 404 (naming A with ?org= too), token deletes it, it is
// gone, and deleting it again is a 404.
func (f *orgFixture) deleteRows(path, token string) []scenario {
	return []scenario{
		{name: "viewer cannot delete", method: "DELETE", path: path, token: f.viewerTok, status: 403},
		{name: "other organization deletes", method: "DELETE", path: path, token: f.outsider.Token, status: 404},
		{name: "other organization deletes with ?org= of A", method: "DELETE", path: f.inA(path), token: f.outsider.Token, status: 404},
		{name: "delete", method: "DELETE", path: path, token: token, status: 204},
		{name: "gone", method: "GET", path: path, token: f.viewerTok, status: 404},
		{name: "delete again", method: "DELETE", path: path, token: token, status: 404},
	}
}

// outsiderRows prove that another organization reaches none of a resource: listing in A
// (with ?org= of A) is 404 and its own list holds none of A's (hidden is an ID of A's);
// getting one and updating one (directly, and with ?org= of A) are 404.
func (f *orgFixture) outsiderRows(list, get, update, hidden string) []scenario {
	rename := map[string]any{"name": "y"}
	return []scenario{
		{name: "other organization lists with ?org= of A", method: "GET", path: f.inA(list), token: f.outsider.Token, status: 404},
		{name: "other organization lists its own", method: "GET", path: list, token: f.outsider.Token, status: 200, notContains: []string{hidden}},
		{name: "other organization gets", method: "GET", path: get, token: f.outsider.Token, status: 404},
		{name: "other organization gets with ?org= of A", method: "GET", path: f.inA(get), token: f.outsider.Token, status: 404},
		{name: "other organization updates", method: "PUT", path: update, token: f.outsider.Token, body: rename, status: 404},
		{name: "other organization updates with ?org= of A", method: "PUT", path: f.inA(update), token: f.outsider.Token, body: rename, status: 404},
	}
}

// inA appends ?org=<slug of A> so a caller tries to act in organization A.
func (f *orgFixture) inA(path string) string {
	return path + "?org=" + f.owner.OrgSlug
}

func wantAudit(t *testing.T, e *testEnv, orgID string, events ...string) {
	t.Helper()
	got := auditEvents(t, e, orgID)
	for _, ev := range events {
		if !slices.Contains(got, ev) {
			t.Errorf("audit log of %s lacks %q (has %v)", orgID, ev, got)
		}
	}
}

func wantRole(t *testing.T, e *testEnv, orgID, userID, role string) {
	t.Helper()
	m, err := e.db.Membership(orgID, userID)
	if err != nil || m.Role != role {
		t.Fatalf("membership of %s = %+v, %v; want role %s", userID, m, err, role)
	}
}

func TestMembersListAndAdd(t *testing.T) {
	e, f := newOrgEnv(t)
	const members = "/api/v1/members"
	e.run([]scenario{
		{name: "viewer lists", method: "GET", path: members, token: f.viewerTok, status: 200,
			contains:    []string{`"email":"owner@example.com"`, `"full_name":"Adam Admin"`, `"role":"viewer"`, `"joined_at":"2026-11-25T12:00:00Z"`},
			notContains: []string{"password", "bob@example.com", "token_version"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				list := decode[[]map[string]any](t, rec)
				if len(list) != 4 {
					t.Fatalf("%d members, want 4", len(list))
				}
				for _, k := range []string{"id", "user_id", "email", "full_name", "role", "joined_at"} {
					if _, ok := list[0][k]; !ok {
						t.Errorf("member view lacks %q", k)
					}
				}
			}},
		{name: "paginated", method: "GET", path: members + "?limit=2", token: f.viewerTok, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if n := len(decode[[]any](t, rec)); n != 2 || rec.Header().Get("X-Next-Cursor") == "" {
					t.Fatalf("page of %d, cursor %q", n, rec.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "other organization lists with ?org= of A", method: "GET", path: f.inA(members), token: f.outsider.Token, status: 404},
		{name: "other organization lists its own", method: "GET", path: members, token: f.outsider.Token, status: 200,
			notContains: []string{"owner@example.com"}},
		{name: "viewer cannot add", method: "POST", path: members, token: f.viewerTok, body: map[string]any{"email": "carol@example.com"}, status: 403},
		{name: "member cannot add", method: "POST", path: members, token: f.memberTok, body: map[string]any{"email": "carol@example.com"}, status: 403},
		{name: "other organization adds into A", method: "POST", path: f.inA(members), token: f.outsider.Token, body: map[string]any{"email": "carol@example.com"}, status: 404},
		{name: "invalid role", method: "POST", path: members, token: f.adminTok, body: map[string]any{"email": "carol@example.com", "role": "superuser"}, status: 422,
			contains: []string{`"role":"must be one of`}},
		{name: "invalid e-mail", method: "POST", path: members, token: f.adminTok, body: map[string]any{"email": "not-an-email"}, status: 422,
			contains: []string{`"email":"must be a valid e-mail address"`}},
		{name: "unknown field", method: "POST", path: members, token: f.adminTok, body: map[string]any{"email": "carol@example.com", "admin": true}, status: 400},
		{name: "admin cannot add an owner", method: "POST", path: members, token: f.adminTok, body: map[string]any{"email": "carol@example.com", "role": "owner"}, status: 403},
		{name: "admin adds an existing account, editor means member", method: "POST", path: members, token: f.adminTok,
			body: map[string]any{"email": " Carol@Example.com ", "role": "Editor"}, status: 201,
			contains: []string{`"user_id":"` + f.carol.ID + `"`, `"email":"carol@example.com"`, `"role":"member"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				body := decode[map[string]any](t, rec)
				m, err := e.db.Membership(f.owner.OrgID, f.carol.ID)
				if err != nil || body["id"] != m.ID {
					t.Fatalf("membership %+v, %v; response id %v", m, err, body["id"])
				}
				if _, invited := body["invite_url"]; invited {
					t.Fatal("an existing account was invited instead of added")
				}
			}},
		{name: "adding again conflicts", method: "POST", path: members, token: f.adminTok, body: map[string]any{"email": "carol@example.com"}, status: 409},
		{name: "default role is member", method: "POST", path: members, token: f.owner.Token, body: map[string]any{"email": "bob@example.com"}, status: 201,
			contains: []string{`"role":"member"`}},
	})
	wantAudit(t, e, f.owner.OrgID, "member.added")
}

func TestMembersRoleChangesAndRemoval(t *testing.T) {
	e, f := newOrgEnv(t)
	e.join(f.owner.OrgID, f.carol, roleMember)
	carol := "/api/v1/members/" + f.carol.ID
	owner := "/api/v1/members/" + f.owner.ID
	role := func(r string) map[string]any { return map[string]any{"role": r} }
	e.run([]scenario{
		{name: "viewer cannot change roles", method: "PUT", path: carol, token: f.viewerTok, body: role("viewer"), status: 403},
		{name: "member cannot change roles", method: "PUT", path: carol, token: f.memberTok, body: role("viewer"), status: 403},
		{name: "other organization with ?org= of A", method: "PUT", path: f.inA(carol), token: f.outsider.Token, body: role("viewer"), status: 404},
		{name: "other organization's token on A's user", method: "PUT", path: carol, token: f.outsider.Token, body: role("viewer"), status: 404},
		{name: "unknown user", method: "PUT", path: "/api/v1/members/nobody", token: f.adminTok, body: role("viewer"), status: 404},
		{name: "invalid role", method: "PUT", path: carol, token: f.adminTok, body: role("root"), status: 422, contains: []string{`"role"`}},
		{name: "missing role", method: "PUT", path: carol, token: f.adminTok, body: map[string]any{}, status: 422},
		{name: "admin demotes to viewer", method: "PUT", path: carol, token: f.adminTok, body: role("VIEWER"), status: 200,
			contains: []string{`"role":"viewer"`, `"email":"carol@example.com"`, `"user_id":"` + f.carol.ID + `"`}},
		{name: "editor alias", method: "PUT", path: carol, token: f.adminTok, body: role("editor"), status: 200, contains: []string{`"role":"member"`}},
		{name: "admin cannot grant owner", method: "PUT", path: carol, token: f.adminTok, body: role("owner"), status: 403},
		{name: "admin cannot change an owner", method: "PUT", path: owner, token: f.adminTok, body: role("admin"), status: 403},
		{name: "last owner cannot be demoted", method: "PUT", path: owner, token: f.owner.Token, body: role("admin"), status: 409,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "conflict") }},
		{name: "viewer cannot remove", method: "DELETE", path: carol, token: f.viewerTok, status: 403},
		{name: "other organization removes with ?org= of A", method: "DELETE", path: f.inA(carol), token: f.outsider.Token, status: 404},
		{name: "other organization's token on A's user (remove)", method: "DELETE", path: carol, token: f.outsider.Token, status: 404},
		{name: "admin cannot remove an owner", method: "DELETE", path: owner, token: f.adminTok, status: 403},
		{name: "last owner cannot leave", method: "DELETE", path: owner, token: f.owner.Token, status: 409},
		{name: "admin removes carol", method: "DELETE", path: carol, token: f.adminTok, status: 204},
		{name: "removed twice", method: "DELETE", path: carol, token: f.adminTok, status: 404},
		{name: "role of a removed member", method: "PUT", path: carol, token: f.adminTok, body: role("viewer"), status: 404},
		{name: "owner makes admin an owner", method: "PUT", path: "/api/v1/members/" + f.admin.ID, token: f.owner.Token, body: role("owner"), status: 200,
			contains: []string{`"role":"owner"`}},
		{name: "with a second owner the first may step down", method: "PUT", path: owner, token: f.owner.Token, body: role("admin"), status: 200},
		{name: "now-admin cannot remove the owner", method: "DELETE", path: "/api/v1/members/" + f.admin.ID, token: f.owner.Token, status: 403},
		{name: "owner may remove the former owner", method: "DELETE", path: owner, token: f.adminTok, status: 204},
	})
	if _, err := e.db.Membership(f.owner.OrgID, f.carol.ID); err == nil {
		t.Fatal("carol is still a member")
	}
	wantRole(t, e, f.owner.OrgID, f.admin.ID, roleOwner)
	wantAudit(t, e, f.owner.OrgID, "member.role_changed", "member.removed")
	if rec := e.do("GET", "/api/v1/members", f.viewerTok, nil); rec.Code != http.StatusOK {
		t.Fatalf("list after changes: %d", rec.Code)
	}
}

package api

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// locationsEnv is an environment with the instance admin (root), an organization (ada's)
// with a member and a viewer, and another organization (bob's) that owns a location.
type locationsEnv struct {
	*testEnv
	root, ada, bob       *testUser
	memberTok, viewerTok string
	adaKey               string
	bobLoc               string
}

func newLocationsEnv(t *testing.T) *locationsEnv {
	e := newTestEnv(t)
	le := &locationsEnv{testEnv: e}
	le.root = e.newUser("root@example.com", "Root") // first account: instance admin
	le.ada = e.newUser("ada@example.com", "Ada")
	le.bob = e.newUser("bob@example.com", "Bob")
	le.memberTok = e.join(le.ada.OrgID, e.newUser("mia@example.com", "Mia"), roleMember)
	le.viewerTok = e.join(le.ada.OrgID, e.newUser("vic@example.com", "Vic"), roleViewer)
	le.adaKey = authAPIKey(t, e, le.ada.OrgID, le.ada.ID, roleOwner)
	l := &store.Location{Name: "bob-lab", DisplayName: "Bob's lab"}
	if err := e.db.CreateLocation(le.bob.OrgID, l, nil); err != nil {
		t.Fatal(err)
	}
	le.bobLoc = l.ID
	return le
}

func TestOrganizationLocations(t *testing.T) {
	e := newLocationsEnv(t)
	var adaLoc, tokenID, secret string
	base := "/api/v1/locations"
	other := base + "/" + e.bobLoc
	e.run([]scenario{
		{name: "the built-in location is listed", method: "GET", path: base, token: e.viewerTok, status: 200,
			contains: []string{`"name":"local"`, `"builtin":true`, `"status":"online"`}, notContains: []string{"bob-lab"}},
		{name: "a member may not create", method: "POST", path: base, token: e.memberTok, body: map[string]any{"name": "home-lab"}, status: 403},
		{name: "name required", method: "POST", path: base, token: e.ada.Token, body: map[string]any{}, status: 422,
			contains: []string{`"name":"is required"`}},
		{name: "name is a slug", method: "POST", path: base, token: e.ada.Token, body: map[string]any{"name": "Home Lab"}, status: 422,
			contains: []string{`"name":"must be 2 to 60 characters`}},
		{name: "the built-in name is taken", method: "POST", path: base, token: e.ada.Token, body: map[string]any{"name": "local"}, status: 422,
			contains: []string{`"name":"is the built-in location's name"`}},
		{name: "control characters refused", method: "POST", path: base, token: e.ada.Token,
			body: map[string]any{"name": "home", "display_name": "a\u202eb"}, status: 422, contains: []string{`"display_name"`}},
		{name: "unknown field", method: "POST", path: base, token: e.ada.Token, body: map[string]any{"name": "home", "scope": "instance"}, status: 400},
		{name: "create", method: "POST", path: base, token: e.ada.Token, body: map[string]any{"name": "home-lab", "display_name": "Home lab"},
			status: 201, contains: []string{`"scope":"organization"`, `"status":"offline"`, `"agents":[]`, `"builtin":false`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { adaLoc = decode[locationView](t, rec).ID }},
		{name: "another organization may use the same name", method: "POST", path: base, token: e.bob.Token,
			body: map[string]any{"name": "home-lab"}, status: 201},
		{name: "a duplicate name is a conflict on the field", method: "POST", path: base, token: e.ada.Token,
			body: map[string]any{"name": "home-lab"}, status: 409, contains: []string{`"name":"is already used by another location"`}},
		{name: "listed for a viewer, without other organizations' locations", method: "GET", path: base, token: e.viewerTok, status: 200,
			contains: []string{`"name":"home-lab"`}, notContains: []string{"bob-lab", "Bob's lab"}},
		{name: "another organization's location is 404", method: "GET", path: other, token: e.ada.Token, status: 404},
		{name: "and cannot be changed", method: "PATCH", path: other, token: e.ada.Token, body: map[string]any{"display_name": "x"}, status: 404},
		{name: "nor deleted", method: "DELETE", path: other, token: e.ada.Token, status: 404},
		{name: "nor given a token", method: "POST", path: other + "/tokens", token: e.ada.Token, status: 404},
		{name: "nor its tokens listed", method: "GET", path: other + "/tokens", token: e.ada.Token, status: 404},
	})
	own := base + "/" + adaLoc
	e.run([]scenario{
		{name: "get", method: "GET", path: own, token: e.viewerTok, status: 200, contains: []string{`"display_name":"Home lab"`}},
		{name: "rename the display name", method: "PATCH", path: own, token: e.ada.Token, body: map[string]any{"display_name": "Basement"},
			status: 200, contains: []string{`"display_name":"Basement"`, `"name":"home-lab"`}},
		{name: "the name does not change", method: "PATCH", path: own, token: e.ada.Token, body: map[string]any{"name": "other"},
			status: 422, contains: []string{`"name":"cannot be changed`}},
		{name: "a member may not make a token", method: "POST", path: own + "/tokens", token: e.memberTok, status: 403},
		{name: "an API key may not make a token", method: "POST", path: own + "/tokens", token: e.adaKey, status: 403,
			contains: []string{"sign in"}},
		{name: "make a token without a body", method: "POST", path: own + "/tokens", token: e.ada.Token, status: 201,
			contains: []string{`"token":"agt_`, `"name":"Agent token"`, `"server_url":"http://localhost:3001"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				v := decode[agentTokenView](t, rec)
				tokenID, secret = v.ID, v.Token
				if len(secret) < 4+43 || v.Prefix != secret[:12] {
					t.Fatalf("token %q prefix %q: want agt_ and 32 random bytes", secret, v.Prefix)
				}
			}},
		{name: "make a named token", method: "POST", path: own + "/tokens", token: e.ada.Token, body: map[string]any{"name": "pi"},
			status: 201, contains: []string{`"name":"pi"`}},
		{name: "tokens are listed without their secret", method: "GET", path: own + "/tokens", token: e.ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if strings.Contains(rec.Body.String(), secret) || strings.Contains(rec.Body.String(), `"token"`) {
					t.Fatalf("a list shows a secret: %s", rec.Body.String())
				}
				if n := len(decode[[]agentTokenView](t, rec)); n != 2 {
					t.Fatalf("%d tokens, want 2", n)
				}
			}},
	})
	// Only the digest is stored.
	if tok, _, err := e.db.AgentTokenByDigest(sha256Of(secret)); err != nil || tok.ID != tokenID || strings.Contains(string(tok.Digest), secret) {
		t.Fatalf("stored token %+v, %v", tok, err)
	}
	e.run([]scenario{
		{name: "revoke", method: "DELETE", path: own + "/tokens/" + tokenID, token: e.ada.Token, status: 204},
		{name: "revoke again", method: "DELETE", path: own + "/tokens/" + tokenID, token: e.ada.Token, status: 404},
		{name: "a token of another location is 404 here", method: "DELETE", path: other + "/tokens/" + tokenID, token: e.bob.Token, status: 404},
		{name: "delete", method: "DELETE", path: own, token: e.ada.Token, status: 204},
		{name: "deleted", method: "GET", path: own, token: e.ada.Token, status: 404},
	})
	if _, _, err := e.db.AgentTokenByDigest(sha256Of(secret)); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
	want := []string{"location.deleted", "location.token_revoked", "location.token_created", "location.token_created",
		"location.updated", "location.created"}
	// api_key.used (a key's first use in the hour) is not part of what is checked here.
	got := slices.DeleteFunc(auditEvents(t, e.testEnv, e.ada.OrgID), func(ev string) bool { return ev == "api_key.used" })
	if strings.Join(got[:len(want)], ",") != strings.Join(want, ",") {
		t.Fatalf("audit log %v, want it to start with %v", got, want)
	}
}

func TestInstanceLocations(t *testing.T) {
	e := newLocationsEnv(t)
	var instID string
	admin := "/api/v1/admin/locations"
	e.run([]scenario{
		{name: "hidden from an organization owner", method: "GET", path: admin, token: e.ada.Token, status: 404},
		{name: "hidden from a create", method: "POST", path: admin, token: e.ada.Token, body: map[string]any{"name": "eu-west"}, status: 404},
		{name: "an organization's name is taken", method: "POST", path: admin, token: e.root.Token, body: map[string]any{"name": "bob-lab"},
			status: 409},
		{name: "create", method: "POST", path: admin, token: e.root.Token, body: map[string]any{"name": "eu-west", "display_name": "EU West"},
			status: 201, contains: []string{`"scope":"instance"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { instID = decode[locationView](t, rec).ID }},
		{name: "every organization sees it", method: "GET", path: "/api/v1/locations", token: e.bob.Token, status: 200,
			contains: []string{`"name":"eu-west"`, `"name":"bob-lab"`, `"name":"local"`}},
		{name: "no organization may take its name", method: "POST", path: "/api/v1/locations", token: e.ada.Token,
			body: map[string]any{"name": "eu-west"}, status: 409},
	})
	inst := "/api/v1/locations/" + instID
	e.run([]scenario{
		{name: "an organization reads it", method: "GET", path: inst, token: e.viewerTok, status: 200, contains: []string{`"EU West"`}},
		{name: "but does not manage it", method: "PATCH", path: inst, token: e.ada.Token, body: map[string]any{"display_name": "x"}, status: 403},
		{name: "nor its tokens", method: "POST", path: inst + "/tokens", token: e.ada.Token, status: 403},
		{name: "nor deletes it", method: "DELETE", path: inst, token: e.ada.Token, status: 403},
		{name: "the built-in location is not managed here", method: "DELETE",
			path: "/api/v1/locations/" + builtinLocationID("local"), token: e.ada.Token, status: 403},
		{name: "the admin makes a token", method: "POST", path: admin + "/" + instID + "/tokens", token: e.root.Token,
			body: map[string]any{"name": "shared"}, status: 201, contains: []string{`"token":"agt_`}},
		{name: "and lists them", method: "GET", path: admin + "/" + instID + "/tokens", token: e.root.Token, status: 200,
			contains: []string{`"name":"shared"`}},
		{name: "an organization location is not the admin's to manage here", method: "DELETE", path: admin + "/" + e.bobLoc,
			token: e.root.Token, status: 404},
		{name: "the admin renames", method: "PATCH", path: admin + "/" + instID, token: e.root.Token,
			body: map[string]any{"display_name": "Europe"}, status: 200, contains: []string{`"Europe"`}},
		{name: "and deletes", method: "DELETE", path: admin + "/" + instID, token: e.root.Token, status: 204},
	})
	if events := auditEvents(t, e.testEnv, e.root.OrgID); len(events) < 3 || events[0] != "location.deleted" {
		t.Fatalf("the admin's organization log: %v", events)
	}
}

// sha256Of is the digest the store keeps of a token.
func sha256Of(secret string) []byte { return crypto.Digest(secret) }

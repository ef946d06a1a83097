package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// keyOrg is an organization with one user per role plus an outsider with
// their own organization.
type keyOrg struct {
	owner, admin, member, member2, viewer, outsider *testUser
	adminTok, memberTok, member2Tok, viewerTok      string
}

func newKeyOrg(e *testEnv) *keyOrg {
	o := &keyOrg{owner: e.newUser("olivia@example.com", "Olivia")}
	o.admin = e.newUser("adam@example.com", "Adam")
	o.adminTok = e.join(o.owner.OrgID, o.admin, roleAdmin)
	o.member = e.newUser("mia@example.com", "Mia")
	o.memberTok = e.join(o.owner.OrgID, o.member, roleMember)
	o.member2 = e.newUser("max@example.com", "Max")
	o.member2Tok = e.join(o.owner.OrgID, o.member2, roleMember)
	o.viewer = e.newUser("vic@example.com", "Vic")
	o.viewerTok = e.join(o.owner.OrgID, o.viewer, roleViewer)
	o.outsider = e.newUser("eve@example.com", "Eve")
	return o
}

// createKey makes a key through the API and returns the 201 body.
func createKey(e *testEnv, token string, body map[string]any) apiKeyView {
	e.t.Helper()
	rec := e.do("POST", "/api/v1/api-keys", token, body)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create key: %d %s", rec.Code, rec.Body.String())
	}
	return decode[apiKeyView](e.t, rec)
}

func TestAPIKeyCreateValidation(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	past := e.clock.Now().Add(-time.Minute).Format(time.RFC3339)
	fieldIs := func(field, msg string) func(t *testing.T, rec *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertErrorBody(t, rec, "validation_failed")
			fields, _ := decode[map[string]any](t, rec)["fields"].(map[string]any)
			if got, _ := fields[field].(string); !strings.Contains(got, msg) {
				t.Fatalf("fields.%s = %q, want %q", field, got, msg)
			}
		}
	}
	e.run([]scenario{
		{name: "viewer may not create", method: "POST", path: "/api/v1/api-keys", token: o.viewerTok,
			body: map[string]any{"name": "ci"}, status: 403, contains: []string{`"error":"forbidden"`}},
		{name: "role above the creator", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "role": "admin"}, status: 422, check: fieldIs("role", "above your own role")},
		{name: "unknown role", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "role": "superuser"}, status: 422, check: fieldIs("role", "must be one of")},
		{name: "name required", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "  "}, status: 422, check: fieldIs("name", "is required")},
		{name: "name too long", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": strings.Repeat("n", 201)}, status: 422, check: fieldIs("name", "at most 200")},
		{name: "expiry in the past", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "expires_at": past}, status: 422, check: fieldIs("expires_at", "in the future")},
		{name: "expiry not RFC 3339", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "expires_at": "tomorrow"}, status: 422, check: fieldIs("expires_at", "RFC 3339")},
		{name: "every problem at once", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"role": "owner", "expires_at": past}, status: 422,
			contains: []string{`"name":"is required"`, `"role":`, `"expires_at":`}},
		{name: "unknown field", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "digest": "x"}, status: 400},
		{name: "editor alias is member", method: "POST", path: "/api/v1/api-keys", token: o.memberTok,
			body: map[string]any{"name": "ci", "role": "Editor"}, status: 201, contains: []string{`"role":"member"`}},
		{name: "lower role allowed", method: "POST", path: "/api/v1/api-keys", token: o.adminTok,
			body: map[string]any{"name": "read only", "role": "viewer"}, status: 201, contains: []string{`"role":"viewer"`}},
		{name: "owner may create an owner key", method: "POST", path: "/api/v1/api-keys", token: o.owner.Token,
			body: map[string]any{"name": "root", "role": "owner"}, status: 201, contains: []string{`"role":"owner"`}},
		{name: "other organization via ?org", method: "POST", path: "/api/v1/api-keys?org=" + o.owner.OrgSlug,
			token: o.outsider.Token, body: map[string]any{"name": "ci"}, status: 404},
	})
	if n := len(mustKeys(t, e, o.owner.OrgID)); n != 3 {
		t.Fatalf("%d keys stored, want 3 (failed creates must store nothing)", n)
	}
}

func mustKeys(t *testing.T, e *testEnv, orgID string) []store.APIKey {
	t.Helper()
	keys, err := e.db.APIKeys(orgID)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestAPIKeyShownOnce checks the secret's shape, that only its digest is
// stored, that it is never shown again, and that it authenticates.
func TestAPIKeyShownOnce(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "deploy bot"})
	if !strings.HasPrefix(k.Key, "ak_") || len(k.Key) < 3+43 {
		t.Fatalf("key %q: want ak_ + ≥ 32 random bytes in base64url", k.Key)
	}
	if strings.ContainsAny(k.Key[3:], "+/=") {
		t.Fatalf("key %q is not URL-safe", k.Key)
	}
	if k.Prefix != k.Key[:10] || k.Role != roleMember || k.CreatedBy != o.member.ID ||
		k.ExpiresAt != nil || k.LastUsedAt != nil || !k.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("create view %+v", k)
	}
	stored, err := e.db.APIKey(o.owner.OrgID, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !crypto.EqualDigest(stored.Digest, crypto.Digest(k.Key)) {
		t.Fatal("stored digest is not the SHA-256 of the key")
	}
	// A second key differs: the secret is random.
	if k2 := createKey(e, o.memberTok, map[string]any{"name": "other"}); k2.Key == k.Key || k2.Prefix == k.Prefix {
		t.Fatalf("two keys share a secret or prefix: %q %q", k.Key, k2.Key)
	}

	assertNotUnauthorized(e, "/api/v1/members", k.Key)
	neverSecret := []string{k.Key, k.Key[10:], `"key"`, `"digest"`}
	e.run([]scenario{
		{name: "list hides the secret", method: "GET", path: "/api/v1/api-keys", token: o.memberTok, status: 200,
			contains:    []string{`"prefix":"` + k.Prefix + `"`, `"last_used_at":null`, `"created_by":"` + o.member.ID + `"`},
			notContains: neverSecret},
		{name: "key authenticates", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 200,
			notContains: neverSecret},
		{name: "last_used_at recorded", method: "GET", path: "/api/v1/api-keys", token: o.memberTok, status: 200,
			contains: []string{`"last_used_at":"2026-11-25T12:00:00Z"`}},
		{name: "a key cannot mint keys", method: "POST", path: "/api/v1/api-keys", token: k.Key,
			body: map[string]any{"name": "child"}, status: 403, contains: []string{"cannot create or revoke"}},
		{name: "a key cannot revoke keys", method: "DELETE", path: "/api/v1/api-keys/" + k.ID, token: k.Key,
			status: 403},
		{name: "a key stays in its organization", method: "GET", path: "/api/v1/api-keys?org=" + o.outsider.OrgSlug,
			token: k.Key, status: 404},
		{name: "a mangled key", method: "GET", path: "/api/v1/api-keys", token: k.Key + "x", status: 401},
	})
}

// assertNotUnauthorized accepts any answer to GET path but 401 or 403: the
// route's handler may still be a stub, the point is that the key got past
// authentication and the role check.
func assertNotUnauthorized(e *testEnv, path, token string) {
	e.t.Helper()
	if rec := e.do("GET", path, token, nil); rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
		e.t.Fatalf("GET %s with a key: %d %s", path, rec.Code, rec.Body.String())
	}
}

func TestAPIKeyRevokedAndExpired(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	revoked := createKey(e, o.memberTok, map[string]any{"name": "old"})
	expiring := createKey(e, o.memberTok, map[string]any{"name": "temp",
		"expires_at": e.clock.Now().Add(time.Hour).Format(time.RFC3339)})
	if expiring.ExpiresAt == nil || !expiring.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("expires_at %v", expiring.ExpiresAt)
	}
	e.run([]scenario{
		{name: "works before revocation", method: "GET", path: "/api/v1/api-keys", token: revoked.Key, status: 200},
		{name: "revoke own key", method: "DELETE", path: "/api/v1/api-keys/" + revoked.ID, token: o.memberTok, status: 204},
		{name: "revoked key is refused", method: "GET", path: "/api/v1/api-keys", token: revoked.Key, status: 401,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "unauthorized") }},
		{name: "revoke twice", method: "DELETE", path: "/api/v1/api-keys/" + revoked.ID, token: o.memberTok, status: 404},
		{name: "works before expiry", method: "GET", path: "/api/v1/api-keys", token: expiring.Key, status: 200},
	})
	e.clock.Advance(time.Hour)
	e.run([]scenario{
		{name: "expired key is refused", method: "GET", path: "/api/v1/api-keys", token: expiring.Key, status: 401},
	})
}

// TestAPIKeyRoleLimitsIt checks that a key acts with its own role, and
// never above its creator's current one.
func TestAPIKeyRoleLimitsIt(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	viewerKey := createKey(e, o.memberTok, map[string]any{"name": "ro", "role": "viewer"})
	memberKey := createKey(e, o.memberTok, map[string]any{"name": "rw"})
	write := map[string]any{"name": "x"}
	assertNotUnauthorized(e, "/api/v1/services", viewerKey.Key)
	e.run([]scenario{
		{name: "viewer key may not write", method: "POST", path: "/api/v1/services", token: viewerKey.Key, body: write,
			status: 403, contains: []string{"viewer"}},
		{name: "viewer key may not list keys", method: "GET", path: "/api/v1/api-keys", token: viewerKey.Key, status: 403},
		{name: "member key lists keys", method: "GET", path: "/api/v1/api-keys", token: memberKey.Key, status: 200},
		{name: "member key may not read the audit log", method: "GET", path: "/api/v1/audit-logs", token: memberKey.Key,
			status: 403},
	})
	if _, err := e.db.SetMemberRole(o.owner.OrgID, o.member.ID, roleViewer, nil); err != nil {
		t.Fatal(err)
	}
	e.run([]scenario{
		{name: "creator demoted: member key acts as viewer", method: "GET", path: "/api/v1/api-keys",
			token: memberKey.Key, status: 403},
	})
}

// TestAPIKeyVisibility checks who sees and revokes which keys, and that
// another organization gets 404 on every endpoint.
func TestAPIKeyVisibility(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	mine := createKey(e, o.memberTok, map[string]any{"name": "mia's"})
	theirs := createKey(e, o.member2Tok, map[string]any{"name": "max's"})
	adminKey := createKey(e, o.adminTok, map[string]any{"name": "admin's", "role": "admin"})
	eves := createKey(e, o.outsider.Token, map[string]any{"name": "eve's"})
	names := func(want ...string) func(t *testing.T, rec *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			var got []string
			for _, k := range decode[[]map[string]any](t, rec) {
				got = append(got, k["name"].(string))
				if _, ok := k["key"]; ok {
					t.Errorf("list shows the secret of %v", k["name"])
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("names %v, want %v", got, want)
			}
		}
	}
	// Cursors are opaque: the next page is asked with the one the first page answered.
	next := e.do("GET", "/api/v1/api-keys?limit=2", o.owner.Token, nil).Header().Get("X-Next-Cursor")
	e.run([]scenario{
		{name: "member sees own keys only", method: "GET", path: "/api/v1/api-keys", token: o.memberTok, status: 200,
			check: names("mia's")},
		{name: "admin sees all", method: "GET", path: "/api/v1/api-keys", token: o.adminTok, status: 200,
			check: names("mia's", "max's", "admin's")},
		{name: "admin key sees all", method: "GET", path: "/api/v1/api-keys", token: adminKey.Key, status: 200,
			check: names("mia's", "max's", "admin's")},
		{name: "paged", method: "GET", path: "/api/v1/api-keys?limit=2", token: o.owner.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				names("mia's", "max's")(t, rec)
				if rec.Header().Get("X-Next-Cursor") == "" {
					t.Fatal("no X-Next-Cursor with a third key to come")
				}
			}},
		{name: "next page", method: "GET", path: "/api/v1/api-keys?limit=2&cursor=" + next, token: o.owner.Token,
			status: 200, check: names("admin's")},
		{name: "bad limit", method: "GET", path: "/api/v1/api-keys?limit=0", token: o.owner.Token, status: 422},
		{name: "viewer may not list", method: "GET", path: "/api/v1/api-keys", token: o.viewerTok, status: 403},
		{name: "outsider sees only their own", method: "GET", path: "/api/v1/api-keys", token: o.outsider.Token,
			status: 200, check: names("eve's")},
		{name: "other organization: list", method: "GET", path: "/api/v1/api-keys?org=" + o.owner.OrgSlug,
			token: o.outsider.Token, status: 404},
		{name: "other organization: revoke", method: "DELETE", path: "/api/v1/api-keys/" + mine.ID,
			token: o.outsider.Token, status: 404},
		{name: "other organization: revoke as org owner", method: "DELETE", path: "/api/v1/api-keys/" + eves.ID,
			token: o.owner.Token, status: 404},
		{name: "member may not revoke another's key", method: "DELETE", path: "/api/v1/api-keys/" + theirs.ID,
			token: o.memberTok, status: 404, contains: []string{"API key not found."}},
		{name: "viewer may not revoke", method: "DELETE", path: "/api/v1/api-keys/" + mine.ID, token: o.viewerTok,
			status: 403},
		{name: "admin revokes another's key", method: "DELETE", path: "/api/v1/api-keys/" + theirs.ID,
			token: o.adminTok, status: 204},
		{name: "unknown id", method: "DELETE", path: "/api/v1/api-keys/nope", token: o.adminTok, status: 404},
	})
	if _, err := e.db.APIKey(o.owner.OrgID, mine.ID); err != nil {
		t.Fatalf("refused revocations must keep the key: %v", err)
	}
	if _, err := e.db.APIKey(o.outsider.OrgID, eves.ID); err != nil {
		t.Fatalf("another organization's key was touched: %v", err)
	}
}

// TestAPIKeyAudit checks that creating and revoking keys is in the audit
// log with the right actor, and that the secret is not.
func TestAPIKeyAudit(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "deploy bot", "role": "viewer"})
	if rec := e.do("DELETE", "/api/v1/api-keys/"+k.ID, o.adminTok, nil); rec.Code != 204 {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body.String())
	}
	rec := e.do("GET", "/api/v1/audit-logs?resource_type=api_key", o.owner.Token, nil)
	if rec.Code != 200 {
		t.Fatalf("audit: %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), k.Key) || strings.Contains(rec.Body.String(), k.Key[10:]) {
		t.Fatal("the audit log holds the secret")
	}
	got := decode[[]auditEntryView](t, rec)
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2: %s", len(got), rec.Body.String())
	}
	want := []struct{ event, actorID, email string }{
		{"api_key.revoked", o.admin.ID, o.admin.Email}, // newest first
		{"api_key.created", o.member.ID, o.member.Email},
	}
	for i, w := range want {
		g := got[i]
		if g.Event != w.event || g.Actor.Type != "user" || g.Actor.ID != w.actorID || g.Actor.Email != w.email ||
			g.Actor.IP != "192.0.2.10" || g.Resource != (auditResourceView{Type: "api_key", ID: k.ID, Name: k.Name}) {
			t.Errorf("entry %d = %+v, want %s by %s", i, g, w.event, w.email)
		}
		if g.Metadata["role"] != "viewer" || g.Metadata["prefix"] != k.Prefix {
			t.Errorf("entry %d metadata %v", i, g.Metadata)
		}
	}
}

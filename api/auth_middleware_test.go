package api

import (
	"net/http/httptest"
	"testing"
)

// TestTokenOfALeftOrganizationIs401 checks SPEC §12: a token whose
// organization the user no longer belongs to is 401, on every path that picks
// the organization (token tenant, ?org=, body organization_id), and is never
// moved silently to another organization of the user.
func TestTokenOfALeftOrganizationIs401(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada") // owns A
	bob := e.newUser("bob@example.com", "Bob") // owns B
	bobInA := e.join(ada.OrgID, bob, roleMember)
	svc := func(orgID string) map[string]any {
		b := map[string]any{"name": "api", "endpoint": "https://example.com", "check_type": "http"}
		if orgID != "" {
			b["organization_id"] = orgID
		}
		return b
	}
	unauthorized := func(t *testing.T, rec *httptest.ResponseRecorder) {
		assertErrorBody(t, rec, "unauthorized")
		if body := decode[map[string]any](t, rec); len(body) != 2 {
			t.Fatalf("401 body has more than error and message: %s", rec.Body.String())
		}
	}
	e.run([]scenario{
		{name: "while a member the A token acts in A", method: "GET", path: "/api/v1/organization", token: bobInA, status: 200,
			contains: []string{`"id":"` + ada.OrgID + `"`}},
		{name: "Ada removes Bob from A", method: "DELETE", path: "/api/v1/members/" + bob.ID, token: ada.Token, status: 204},
		{name: "the A token does not create in B", method: "POST", path: "/api/v1/services", token: bobInA, body: svc(""), status: 401, check: unauthorized},
		{name: "nor reads B", method: "GET", path: "/api/v1/organization", token: bobInA, status: 401, check: unauthorized},
		{name: "nor acts in B through ?org=", method: "POST", path: "/api/v1/services?org=" + bob.OrgSlug, token: bobInA, body: svc(""), status: 401, check: unauthorized},
		{name: "nor through the body's organization_id", method: "POST", path: "/api/v1/services", token: bobInA, body: svc(bob.OrgID), status: 401, check: unauthorized},
		{name: "nor reaches the profile", method: "GET", path: "/api/v1/profile", token: bobInA, status: 401, check: unauthorized},
		{name: "Bob's B token still works", method: "GET", path: "/api/v1/services", token: bob.Token, status: 200},
		{name: "and still selects nothing of A", method: "GET", path: "/api/v1/services?org=" + ada.OrgSlug, token: bob.Token, status: 404},
	})
	if n, err := e.db.CountServices(bob.OrgID); err != nil || n != 0 {
		t.Fatalf("B holds %d services (%v) after the refused creates", n, err)
	}

	// A fresh login lands in an organization Bob still belongs to.
	rec := e.do("POST", "/api/v1/auth/login", "", loginBody(bob.Email, authPassword))
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	login := decode[tokenResponse](t, rec)
	if login.OrgID != bob.OrgID {
		t.Fatalf("login org %s, want B %s", login.OrgID, bob.OrgID)
	}
	if rec := e.do("GET", "/api/v1/organization", login.Token, nil); rec.Code != 200 {
		t.Fatalf("fresh token: %d %s", rec.Code, rec.Body.String())
	}

	// A deleted organization ends its members' tokens in the same way.
	_, carolInB := e.newMember(bob.OrgID, "carol@example.com", "Carol", roleViewer)
	if rec := e.do("DELETE", "/api/v1/organization", bob.Token, nil); rec.Code != 204 {
		t.Fatalf("delete B: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("GET", "/api/v1/services", carolInB, nil); rec.Code != 401 {
		t.Fatalf("token of a deleted organization: %d %s", rec.Code, rec.Body.String())
	}
}

package api

import (
	"net/http/httptest"
	"testing"
)

// TestOrganizationContextPrecedence checks SPEC §2: body organization_id >
// ?org=<slug> > token, with the permission checked in the organization
// acted on and 404 for an organization the caller does not belong to.
func TestOrganizationContextPrecedence(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")      // owns org A
	bob := e.newUser("bob@example.com", "Bob")      // owns org B
	eve := e.newUser("eve@example.com", "Eve")      // owns org E, belongs to nothing else
	viewerTok := e.join(ada.OrgID, bob, roleViewer) // Bob views A; token tenant A
	svc := func(name, orgID string) map[string]any {
		b := map[string]any{"name": name, "endpoint": "https://example.com", "check_type": "http"}
		if orgID != "" {
			b["organization_id"] = orgID
		}
		return b
	}
	inOrg := func(want string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			if got := decode[map[string]any](t, rec)["organization_id"]; got != want {
				t.Fatalf("created in %v, want %s", got, want)
			}
		}
	}
	e.run([]scenario{
		{name: "viewer in token org cannot write there", method: "POST", path: "/api/v1/services",
			token: viewerTok, body: svc("a1", ""), status: 403},
		{name: "body organization_id where the caller is owner wins over the token", method: "POST",
			path: "/api/v1/services", token: viewerTok, body: svc("b1", bob.OrgID), status: 201, check: inOrg(bob.OrgID)},
		{name: "body organization_id wins over ?org=", method: "POST", path: "/api/v1/services?org=" + ada.OrgSlug,
			token: viewerTok, body: svc("b2", bob.OrgID), status: 201, check: inOrg(bob.OrgID)},
		{name: "?org= selects the organization and its role", method: "POST", path: "/api/v1/services?org=" + ada.OrgSlug,
			token: bob.Token, body: svc("a2", ""), status: 403},
		{name: "body organization_id of a foreign organization is 404", method: "POST", path: "/api/v1/services",
			token: eve.Token, body: svc("x", ada.OrgID), status: 404},
		{name: "?org= of a foreign organization is 404", method: "GET", path: "/api/v1/services?org=" + ada.OrgSlug,
			token: eve.Token, status: 404},
		{name: "an unknown organization_id is 404", method: "POST", path: "/api/v1/services",
			token: eve.Token, body: svc("x", "0190f0f0-0000-7000-8000-000000000000"), status: 404},
	})
}

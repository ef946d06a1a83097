package api

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestOrganizationGet(t *testing.T) {
	e := newTestEnv(t)
	ada, bob, viewer := e.adaWithViewerBob()
	key := authAPIKey(t, e, ada.OrgID, ada.ID, roleViewer)
	want := func(orgID string) func(t *testing.T, rec *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			v := decode[organizationView](t, rec)
			s := v.Settings
			if v.ID != orgID || v.PlanType != "free" || v.MaxServices != 5 || v.ServiceCount != 0 || v.CreatedAt.IsZero() ||
				s.Timezone != "UTC" || s.AlertDefaults.Severity != "critical" || s.AlertDefaults.ConsecutiveFailures != 2 ||
				s.AlertDefaults.ConsecutiveSuccesses != 1 || !s.AlertDefaults.NotifyOnRecovery ||
				!slices.Equal(s.AlertDefaults.Statuses, []string{"RED"}) {
				t.Fatalf("organization view %+v", v)
			}
		}
	}
	e.run([]scenario{
		{name: "owner", method: "GET", path: "/api/v1/organization", token: ada.Token, status: 200, check: want(ada.OrgID),
			contains: []string{`"service_count":0`, `"alert_defaults":{`, `"slug":"` + ada.OrgSlug + `"`}},
		{name: "viewer reads", method: "GET", path: "/api/v1/organization", token: viewer, status: 200, check: want(ada.OrgID)},
		{name: "API key reads its organization", method: "GET", path: "/api/v1/organization", token: key, status: 200, check: want(ada.OrgID)},
		{name: "?org= of one's own other organization", method: "GET", path: "/api/v1/organization?org=" + ada.OrgSlug, token: bob.Token,
			status: 200, check: want(ada.OrgID)},
		{name: "other organization via ?org=", method: "GET", path: "/api/v1/organization?org=" + bob.OrgSlug, token: ada.Token, status: 404},
		{name: "API key naming another organization", method: "GET", path: "/api/v1/organization?org=" + bob.OrgSlug, token: key, status: 404},
		{name: "unauthenticated", method: "GET", path: "/api/v1/organization", status: 401},
	})
}

func TestOrganizationUpdate(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob, viewer := e.newMember(ada.OrgID, "bob@example.com", "Bob", roleViewer)
	_, admin := e.newMember(ada.OrgID, "carol@example.com", "Carol", roleAdmin)
	put := func(name, token string, body any, status int, contains ...string) scenario {
		return scenario{name: name, method: "PUT", path: "/api/v1/organization", token: token, body: body, status: status, contains: contains}
	}
	settings := func(s map[string]any) map[string]any { return map[string]any{"settings": s} }
	defaults := func(d map[string]any) map[string]any { return settings(map[string]any{"alert_defaults": d}) }
	e.run([]scenario{
		put("viewer may not", viewer, map[string]any{"name": "Mine"}, 403),
		put("admin renames", admin, map[string]any{"name": " Analytical Engines "}, 200,
			`"name":"Analytical Engines"`, `"slug":"`+ada.OrgSlug+`"`),
		put("new slug", admin, map[string]any{"slug": "engines"}, 200, `"slug":"engines"`),
		put("slug of another organization", admin, map[string]any{"slug": bob.OrgSlug}, 409),
		put("slug with capitals and spaces", admin, map[string]any{"slug": "My Org"}, 422, `"slug":`),
		put("slug too short", admin, map[string]any{"slug": "a"}, 422, `"slug":`),
		put("empty name", admin, map[string]any{"name": ""}, 422, `"name":"is required"`),
		put("timezone", admin, settings(map[string]any{"timezone": "Europe/Berlin"}), 200, `"timezone":"Europe/Berlin"`),
		put("unknown timezone", admin, settings(map[string]any{"timezone": "Mars/Olympus_Mons"}), 422, `"settings.timezone":`),
		put("server-local timezone", admin, settings(map[string]any{"timezone": "Local"}), 422, `"settings.timezone":`),
		put("defaults normalized", admin, defaults(map[string]any{"severity": "WARNING", "statuses": []string{"yellow", "Red", "YELLOW"},
			"consecutive_failures": 3, "consecutive_successes": 100, "notify_on_recovery": false}), 200,
			`"severity":"warning"`, `"statuses":["YELLOW","RED"]`, `"consecutive_failures":3`, `"consecutive_successes":100`,
			`"notify_on_recovery":false`, `"timezone":"Europe/Berlin"`),
		put("every bad default at once", admin, defaults(map[string]any{"severity": "fatal", "statuses": []string{"GREEN"},
			"consecutive_failures": 0, "consecutive_successes": 101}), 422,
			`"settings.alert_defaults.severity"`, `"settings.alert_defaults.statuses"`,
			`"settings.alert_defaults.consecutive_failures"`, `"settings.alert_defaults.consecutive_successes"`),
		put("no statuses", admin, defaults(map[string]any{"statuses": []string{}}), 422, `"settings.alert_defaults.statuses"`),
		put("unknown settings field", admin, settings(map[string]any{"theme": "dark"}), 400),
		put("plan is not the admin's to change", admin, map[string]any{"plan_type": "enterprise"}, 400),
		{name: "other organization via ?org=", method: "PUT", path: "/api/v1/organization?org=" + bob.OrgSlug, token: ada.Token,
			body: map[string]any{"name": "Hijacked"}, status: 404},
	})
	got, err := e.db.Organization(bob.OrgID)
	if err != nil || got.Name != "Bob's Organization" {
		t.Fatalf("bob's organization changed: %+v %v", got, err)
	}
	org, err := e.db.Organization(ada.OrgID)
	if err != nil || org.Name != "Analytical Engines" || org.Slug != "engines" || org.Settings.AlertDefaults.Severity != "warning" {
		t.Fatalf("stored %+v, %v", org, err)
	}
	// The old slug is free again and the new one finds the organization.
	if rec := e.do("GET", "/api/v1/organization?org=engines", admin, nil); rec.Code != 200 {
		t.Fatalf("?org=<new slug>: %d", rec.Code)
	}
	authWantEvent(t, e, ada.OrgID, "organization.updated")
	authWantEvent(t, e, ada.OrgID, "settings.updated")
}

func TestOrganizationDelete(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob, admin := e.newMember(ada.OrgID, "bob@example.com", "Bob", roleAdmin)
	_, viewer := e.newMember(ada.OrgID, "carol@example.com", "Carol", roleViewer)
	ownerKey := authAPIKey(t, e, ada.OrgID, ada.ID, roleOwner)
	e.run([]scenario{
		{name: "viewer may not", method: "DELETE", path: "/api/v1/organization", token: viewer, status: 403},
		{name: "admin may not", method: "DELETE", path: "/api/v1/organization", token: admin, status: 403},
		{name: "not with an API key, even an owner's", method: "DELETE", path: "/api/v1/organization", token: ownerKey, status: 403},
		{name: "other organization via ?org=", method: "DELETE", path: "/api/v1/organization?org=" + bob.OrgSlug, token: ada.Token, status: 404},
		{name: "owner deletes", method: "DELETE", path: "/api/v1/organization", token: ada.Token, status: 204,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Body.Len() != 0 {
					t.Fatalf("204 with a body: %q", rec.Body.String())
				}
			}},
		// Tokens issued for it end with it (SPEC §12: never moved to another organization).
		{name: "its owner's token ends", method: "GET", path: "/api/v1/organization", token: ada.Token, status: 401},
		{name: "its admin's token ends, whatever it selects", method: "GET", path: "/api/v1/organization?org=" + bob.OrgSlug, token: admin, status: 401},
		{name: "gone by slug", method: "GET", path: "/api/v1/organization?org=" + ada.OrgSlug, token: bob.Token, status: 404},
		{name: "the admin's own token still works", method: "GET", path: "/api/v1/organization", token: bob.Token, status: 200,
			contains: []string{bob.OrgID}},
		{name: "its API key is revoked with it", method: "GET", path: "/api/v1/profile", token: ownerKey, status: 401},
	})
	if _, err := e.db.Organization(bob.OrgID); err != nil {
		t.Fatalf("bob's organization went too: %v", err)
	}
	// Signing in again gives the owner a token of no organization; the profile lists none.
	rec := e.do("POST", "/api/v1/auth/login", "", loginBody(ada.Email, authPassword))
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	fresh := decode[tokenResponse](t, rec).Token
	if rec := e.do("GET", "/api/v1/profile", fresh, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"organizations":[]`) {
		t.Fatalf("profile after deleting the only organization: %d %s", rec.Code, rec.Body.String())
	}
}

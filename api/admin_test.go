package api

import (
	"net/http/httptest"
	"testing"
)

func TestAdminOrganizations(t *testing.T) {
	e := newTestEnv(t)
	root := e.newUser("root@example.com", "Root") // first account: instance admin
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	e.join(ada.OrgID, bob, roleMember)
	rootKey := authAPIKey(t, e, root.OrgID, root.ID, roleOwner)
	adaOwnerView := func(plan string, max int) func(t *testing.T, rec *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			rec = e.do("GET", "/api/v1/organization", ada.Token, nil)
			v := decode[organizationView](t, rec)
			if v.PlanType != plan || v.MaxServices != max {
				t.Fatalf("GET /organization shows %s/%d, want %s/%d", v.PlanType, v.MaxServices, plan, max)
			}
		}
	}
	put := func(name, token string, body any, status int, contains ...string) scenario {
		return scenario{name: name, method: "PUT", path: "/api/v1/admin/organizations/" + ada.OrgID, token: token,
			body: body, status: status, contains: contains}
	}
	withCheck := func(s scenario, check func(t *testing.T, rec *httptest.ResponseRecorder)) scenario {
		s.check = check
		return s
	}
	e.run([]scenario{
		{name: "list", method: "GET", path: "/api/v1/admin/organizations", token: root.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				list := decode[[]adminOrganizationView](t, rec)
				if len(list) != 3 {
					t.Fatalf("%d organizations, want 3", len(list))
				}
				for _, o := range list {
					if o.ID == ada.OrgID && (o.MemberCount != 2 || o.ServiceCount != 0 || o.PlanType != "free" || o.MaxServices != 5) {
						t.Fatalf("ada's usage %+v", o)
					}
				}
			}},
		{name: "one page", method: "GET", path: "/api/v1/admin/organizations?limit=2", token: root.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if n := len(decode[[]adminOrganizationView](t, rec)); n != 2 || rec.Header().Get("X-Next-Cursor") == "" {
					t.Fatalf("%d rows, cursor %q", n, rec.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "hidden from a user", method: "GET", path: "/api/v1/admin/organizations", token: ada.Token, status: 404},
		{name: "hidden from the admin's own API key", method: "GET", path: "/api/v1/admin/organizations", token: rootKey, status: 404},
		put("update hidden from a user, even of their own organization", ada.Token, map[string]any{"plan_type": "enterprise"}, 404),
		put("update hidden from an API key", rootKey, map[string]any{"plan_type": "enterprise"}, 404),
		withCheck(put("starter sets its cap", root.Token, map[string]any{"plan_type": "STARTER"}, 200,
			`"plan_type":"starter"`, `"max_services":25`, `"member_count":2`), adaOwnerView("starter", 25)),
		withCheck(put("enterprise is unlimited", root.Token, map[string]any{"plan_type": "enterprise"}, 200,
			`"max_services":-1`), adaOwnerView("enterprise", -1)),
		withCheck(put("plan with a custom cap", root.Token, map[string]any{"plan_type": "professional", "max_services": 7}, 200,
			`"plan_type":"professional"`, `"max_services":7`), adaOwnerView("professional", 7)),
		withCheck(put("cap alone keeps the plan", root.Token, map[string]any{"max_services": 250}, 200,
			`"plan_type":"professional"`, `"max_services":250`), adaOwnerView("professional", 250)),
		put("unknown plan", root.Token, map[string]any{"plan_type": "gold"}, 422, `"plan_type":"must be one of free, starter, professional, enterprise"`),
		put("zero cap", root.Token, map[string]any{"max_services": 0}, 422, `"max_services"`),
		put("negative cap other than -1", root.Token, map[string]any{"max_services": -2}, 422, `"max_services"`),
		put("fractional cap", root.Token, map[string]any{"max_services": 2.5}, 422, `"max_services"`),
		put("unknown field", root.Token, map[string]any{"name": "x"}, 400),
		{name: "unknown organization", method: "PUT", path: "/api/v1/admin/organizations/0190f1d2-0000-7000-8000-000000000000",
			token: root.Token, body: map[string]any{"plan_type": "starter"}, status: 404},
	})
	authWantEvent(t, e, ada.OrgID, "organization.plan_changed")
	if got := auditEvents(t, e, bob.OrgID); len(got) != 0 {
		t.Fatalf("plan changes leaked into another organization's audit: %v", got)
	}
}

func TestPlanTable(t *testing.T) {
	want := map[string][2]int{"free": {5, 100}, "starter": {25, 1000}, "professional": {100, 10000}, "enterprise": {-1, -1}}
	for plan, w := range want {
		l := limitsOf(plan)
		if l.MaxServices != w[0] || l.MaxSubscribers != w[1] {
			t.Errorf("%s: %+v, want services %d subscribers %d", plan, l, w[0], w[1])
		}
	}
	if limitsOf("platinum") != planLimits[planFree] {
		t.Error("an unknown plan must get the free limits")
	}
	if !capReached(5, 5) || capReached(5, 4) || capReached(unlimited, 1_000_000) {
		t.Error("capReached")
	}
}

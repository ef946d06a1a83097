package api

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStatusPagesCRUD(t *testing.T) {
	e, f := newOrgEnv(t)
	svc := e.createHTTPService(f.owner.Token, "API", "https://example.com")
	foreign := e.createHTTPService(f.outsider.Token, "Theirs", "https://example.org")
	const base = "/api/v1/status-pages"
	var id, compID string
	full := map[string]any{"name": "Acme Cloud", "slug": "acme", "is_public": true, "history_days": 30, "show_uptime_bars": false,
		"branding":              map[string]any{"logo_url": "https://cdn.example.com/logo.png", "primary_color": "#AABBCC", "company_name": "Acme", "custom_css": "h1{color:red}</STYLE><script>alert(1)</script>"},
		"components":            []map[string]any{{"name": "API", "service_id": svc, "group": "Core", "description": "Public API", "display_order": 3}},
		"subscriptions_enabled": true, "subscriber_mode": "EMAIL_DOMAIN", "subscriber_domains": []string{"@Example.com"}}
	e.run([]scenario{
		{name: "viewer cannot create", method: "POST", path: base, token: f.viewerTok, body: full, status: 403},
		{name: "create with everything", method: "POST", path: base, token: f.memberTok, body: full, status: 201,
			contains: []string{`"slug":"acme"`, `"organization_id":"` + f.owner.OrgID + `"`, `"history_days":30`, `"show_uptime_bars":false`,
				`"primary_color":"#aabbcc"`, `"subscriber_mode":"email_domain"`, `"subscriber_domains":["example.com"]`,
				`"service_id":"` + svc + `"`, `"heartbeat_id":null`, `"group":"Core"`, `"display_order":3`},
			notContains: []string{"</STYLE", "</style"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				v := decode[statusPageView](t, rec)
				id, compID = v.ID, v.Components[0].ID
				if compID == "" || !strings.Contains(v.Branding.CustomCSS, "h1{color:red}") {
					t.Fatalf("view = %+v", v)
				}
			}},
		{name: "defaults and derived slug", method: "POST", path: base, token: f.adminTok, body: map[string]any{"name": "My Great Page!"}, status: 201,
			contains: []string{`"slug":"my-great-page"`, `"is_public":true`, `"history_days":90`, `"show_uptime_bars":true`,
				`"subscriptions_enabled":false`, `"subscriber_mode":"anyone"`, `"components":[]`}},
		{name: "slug taken in another org", method: "POST", path: base, token: f.outsider.Token, body: map[string]any{"name": "x", "slug": "acme"}, status: 409},
		{name: "derived slug taken", method: "POST", path: base, token: f.outsider.Token, body: map[string]any{"name": "My great page"}, status: 409},
		{name: "validation", method: "POST", path: base, token: f.memberTok, status: 422,
			body: map[string]any{"slug": "-Bad_slug", "history_days": 366, "subscriber_mode": "everyone",
				"branding":   map[string]any{"logo_url": "javascript:alert(1)", "primary_color": "red", "custom_css": strings.Repeat("a", maxCustomCSSBytes+1)},
				"components": []map[string]any{{"name": "", "service_id": foreign}, {"name": "B"}, {"name": "H", "heartbeat_id": "hb"}, {"id": "same", "name": "x", "service_id": svc}, {"id": "same", "name": "y", "service_id": svc}}},
			contains: []string{`"name":"is required"`, `"slug":`, `"history_days":"must be from 1 to 365"`, `"subscriber_mode":`,
				`"branding.logo_url":`, `"branding.primary_color":`, `"branding.custom_css":`, `"components[0].name":"is required"`,
				`"components[0].service_id":"is not a service of this organization"`, `"components[1].service_id":"is required (or heartbeat_id)"`,
				`"components[2].heartbeat_id":"is not a heartbeat of this organization"`, `"components[4].id":`}},
		{name: "history_days zero", method: "POST", path: base, token: f.memberTok, body: map[string]any{"name": "z", "history_days": 0}, status: 422},
		{name: "email_domain needs domains", method: "POST", path: base, token: f.memberTok, body: map[string]any{"name": "z", "subscriber_mode": "email_domain"}, status: 422,
			contains: []string{`"subscriber_domains"`}},
		{name: "unknown field", method: "POST", path: base, token: f.memberTok, body: map[string]any{"name": "z", "theme": "dark"}, status: 400},
		{name: "list paginated", method: "GET", path: base + "?limit=1", token: f.viewerTok, status: 200, contains: []string{`"slug":"acme"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if n := len(decode[[]statusPageView](t, rec)); n != 1 || rec.Header().Get("X-Next-Cursor") == "" {
					t.Errorf("page of %d, cursor %q", n, rec.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "other org list is empty", method: "GET", path: base, token: f.outsider.Token, status: 200, notContains: []string{`"acme"`}},
	})
	// Rows that need the id (run after it is known).
	e.run([]scenario{
		{name: "get by viewer", method: "GET", path: base + "/" + id, token: f.viewerTok, status: 200, contains: []string{`"name":"Acme Cloud"`}},
		{name: "other org get 404", method: "GET", path: base + "/" + id, token: f.outsider.Token, status: 404},
		{name: "other org put 404", method: "PUT", path: base + "/" + id, token: f.outsider.Token, body: map[string]any{"name": "x"}, status: 404},
		{name: "other org delete 404", method: "DELETE", path: base + "/" + id, token: f.outsider.Token, status: 404},
		{name: "viewer cannot update", method: "PUT", path: base + "/" + id, token: f.viewerTok, body: map[string]any{"name": "x"}, status: 403},
		{name: "viewer cannot delete", method: "DELETE", path: base + "/" + id, token: f.viewerTok, status: 403},
		{name: "update keeps absent fields and component ids", method: "PUT", path: base + "/" + id, token: f.memberTok,
			body:   map[string]any{"name": "Acme", "slug": "acme-cloud", "components": []map[string]any{{"id": compID, "name": "API v2", "service_id": svc}}},
			status: 200, contains: []string{`"name":"Acme"`, `"slug":"acme-cloud"`, `"history_days":30`, `"id":"` + compID + `"`, `"name":"API v2"`}},
		{name: "old slug is free again", method: "POST", path: base, token: f.outsider.Token, body: map[string]any{"name": "Acme"}, status: 201, contains: []string{`"slug":"acme"`}},
		{name: "update onto a taken slug", method: "PUT", path: base + "/" + id, token: f.memberTok, body: map[string]any{"slug": "acme"}, status: 409},
		{name: "update invalid", method: "PUT", path: base + "/" + id, token: f.memberTok, body: map[string]any{"history_days": -1}, status: 422},
		{name: "public page readable, custom CSS cannot close its element", method: "GET", path: "/status/acme-cloud", status: 200,
			contains: []string{"API v2", "h1{color:red}"}, notContains: []string{"</script", `class="bars"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if n := strings.Count(rec.Body.String(), "</style"); n != 1 {
					t.Errorf("%d </style in the page", n)
				}
				checkUIHeaders(t, rec) // the CSP hash covers the custom CSS as emitted
			}},
		{name: "public JSON has history_days bars", method: "GET", path: "/api/v1/public/status-pages/acme-cloud", status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if p := decode[publicPage](t, rec); len(p.Groups[0].Components[0].Days) != 30 || p.ShowUptimeBars {
					t.Errorf("public page = %+v", p)
				}
			}},
		{name: "delete", method: "DELETE", path: base + "/" + id, token: f.memberTok, status: 204},
		{name: "deleted page gone", method: "GET", path: base + "/" + id, token: f.memberTok, status: 404},
		{name: "deleted page not public", method: "GET", path: "/status/acme-cloud", status: 404},
	})
	wantAudit(t, e, f.owner.OrgID, "status_page.created", "status_page.updated", "status_page.deleted")
}

func TestStatusPageDeletedServiceShowsUnknown(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.createHTTPService(u.Token, "API", "https://example.com")
	rec := e.do("POST", "/api/v1/status-pages", u.Token, map[string]any{"name": "Ada", "components": []map[string]any{{"name": "API", "service_id": svc}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("DELETE", "/api/v1/services/"+svc, u.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete service: %d", rec.Code)
	}
	p := decode[publicPage](t, e.do("GET", "/api/v1/public/status-pages/ada", "", nil))
	if c := p.Groups[0].Components[0]; c.Status != stateUnknown || c.Uptime != nil || p.Status != stateUnknown {
		t.Fatalf("component of a deleted service = %+v, overall %s", c, p.Status)
	}
}

func TestStatusPageHeartbeatComponents(t *testing.T) {
	e, f := newOrgEnv(t)
	hb := e.createHeartbeat(f.owner.Token, map[string]any{"name": "Nightly backup"})
	theirs := e.createHeartbeat(f.outsider.Token, map[string]any{"name": "Theirs"})
	svc := e.createHTTPService(f.owner.Token, "API", "https://example.com")
	e.run([]scenario{
		{name: "foreign heartbeat", method: "POST", path: "/api/v1/status-pages", token: f.memberTok, status: 422,
			body:     map[string]any{"name": "Jobs", "components": []map[string]any{{"name": "x", "heartbeat_id": theirs.ID}}},
			contains: []string{`"components[0].heartbeat_id":"is not a heartbeat of this organization"`}},
		{name: "both targets", method: "POST", path: "/api/v1/status-pages", token: f.memberTok, status: 422,
			body:     map[string]any{"name": "Jobs", "components": []map[string]any{{"name": "x", "heartbeat_id": hb.ID, "service_id": svc}}},
			contains: []string{`"components[0].service_id":"give service_id or heartbeat_id, not both"`}},
		{name: "heartbeat component", method: "POST", path: "/api/v1/status-pages", token: f.memberTok, status: 201,
			body:     map[string]any{"name": "Jobs", "components": []map[string]any{{"name": "Backup", "heartbeat_id": hb.ID}}},
			contains: []string{`"heartbeat_id":"` + hb.ID + `"`, `"service_id":null`}},
	})
	get := func() publicComponent {
		p := decode[publicPage](t, e.do("GET", "/api/v1/public/status-pages/jobs", "", nil))
		return p.Groups[0].Components[0]
	}
	// Bars cover the history like a service's; before the heartbeat existed there is no
	// data, and a heartbeat created this instant has observed nothing yet.
	if c := get(); c.Status != stateOperational || len(c.Days) != 90 || c.Days[89].Status != "none" || c.Uptime != nil {
		t.Fatalf("new heartbeat = %s, %d days, today %+v", c.Status, len(c.Days), c.Days[89])
	}
	e.clock.Advance(time.Hour)
	if rec := e.do("POST", "/api/v1/heartbeat/"+hb.UniqueKey+"/fail", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("fail ping: %d %s", rec.Code, rec.Body.String())
	}
	e.clock.Advance(30 * time.Minute) // also past statusCacheTTL
	c := get()
	if c.Status != stateMajorOutage || c.Days[89].Status != stateMajorOutage || c.Days[88].Status != "none" ||
		c.Days[89].Uptime == nil || math.Abs(*c.Days[89].Uptime-200.0/3) > 0.01 {
		t.Fatalf("failed heartbeat = %s, today %+v", c.Status, c.Days[89])
	}
	html := e.do("GET", "/status/jobs", "", nil).Body.String()
	if !strings.Contains(html, `<span class="state s-major_outage">Major outage</span>`) || !strings.Contains(html, `class="bars"`) ||
		!strings.Contains(html, `<li class="s-major_outage" title="2026-11-25: 66.667%">`) || strings.Contains(html, hb.UniqueKey) {
		t.Errorf("heartbeat component HTML wrong or leaks the ping key")
	}
}

package api

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// statusFixture is an organization with two services, recorded history, a public page
// showing both, and one incident with two updates.
type statusFixture struct {
	f            *orgFixture
	api, web     string // service IDs
	pageID, slug string
	incidentID   string
	apiComp      string
}

// Strings that must never reach a public surface: endpoint hosts, paths and error text.
var secretStrings = []string{"secret-api", "web-host-xyz", "/healthz", "connection refused", "10.9.8.7", "expected status"}

func newStatusFixture(t *testing.T, e *testEnv) *statusFixture {
	t.Helper()
	s := &statusFixture{f: newOrgFixture(e)}
	s.api = e.createHTTPService(s.f.owner.Token, "Public API", "https://secret-api.example.com/healthz")
	s.web = e.createHTTPService(s.f.owner.Token, "Website", "https://web-host-xyz.example.net")
	now := e.clock.Now() // 2026-11-25T12:00:00Z
	twoDaysAgo := now.AddDate(0, 0, -2)
	// Two days ago the API had 3 good checks and one failure (75 %); now it is down.
	e.recordAt(s.f.owner.OrgID,
		store.CheckResult{ServiceID: s.api, CheckedAt: twoDaysAgo, Status: store.StatusGreen, ResponseTimeMS: 20, StatusCode: 200},
		store.CheckResult{ServiceID: s.api, CheckedAt: twoDaysAgo.Add(time.Minute), Status: store.StatusGreen, ResponseTimeMS: 20, StatusCode: 200},
		store.CheckResult{ServiceID: s.api, CheckedAt: twoDaysAgo.Add(2 * time.Minute), Status: store.StatusRed, StatusCode: 503, Error: "expected status 2xx, got 503"},
		store.CheckResult{ServiceID: s.api, CheckedAt: twoDaysAgo.Add(3 * time.Minute), Status: store.StatusGreen, ResponseTimeMS: 20, StatusCode: 200},
		store.CheckResult{ServiceID: s.api, CheckedAt: now.Add(-time.Minute), Status: store.StatusRed, Error: "dial tcp 10.9.8.7:443: connection refused"},
		store.CheckResult{ServiceID: s.web, CheckedAt: now.Add(-time.Minute), Status: store.StatusGreen, ResponseTimeMS: 30, StatusCode: 200},
	)
	rec := e.do("POST", "/api/v1/status-pages", s.f.memberTok, map[string]any{
		"name": "Acme Status", "branding": map[string]any{"company_name": "Acme Inc", "primary_color": "#112233", "logo_url": "https://cdn.example.com/acme.svg?v=1&x=2"},
		"subscriptions_enabled": true,
		"components": []map[string]any{
			{"name": "API", "service_id": s.api, "group": "Core", "display_order": 2},
			{"name": "Website", "service_id": s.web, "group": "Core", "display_order": 1},
		}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
	}
	page := decode[statusPageView](t, rec)
	s.pageID, s.slug, s.apiComp = page.ID, page.Slug, page.Components[0].ID
	rec = e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents", s.f.memberTok, map[string]any{
		"title": "API errors", "severity": "major", "affected_component_ids": []string{s.apiComp}, "message": "We are looking into failing API calls."})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create incident: %d %s", rec.Code, rec.Body.String())
	}
	s.incidentID = decode[incidentView](t, rec).ID
	_, rtok := e.newMember(s.f.owner.OrgID, "resp@example.com", "Rita Responder", roleResponder)
	rec = e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents/"+s.incidentID+"/updates", rtok,
		map[string]any{"status": "identified", "message": "A bad deploy; rolling back."})
	if rec.Code != http.StatusCreated {
		t.Fatalf("responder update: %d %s", rec.Code, rec.Body.String())
	}
	return s
}

// noSecrets fails when a public body holds any endpoint, host or error text.
func noSecrets(t *testing.T, what, body string) {
	t.Helper()
	for _, bad := range secretStrings {
		if strings.Contains(body, bad) {
			t.Errorf("%s leaks %q", what, bad)
		}
	}
}

func TestPublicStatusPageAnonymous(t *testing.T) {
	e := newTestEnv(t, withInstanceSMTP)
	s := newStatusFixture(t, e)
	if s.slug != "acme-status" {
		t.Fatalf("derived slug = %q", s.slug)
	}
	rec := e.do("GET", "/status/"+s.slug, "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("html: %d %s", rec.Code, rec.Body.String())
	}
	html := rec.Body.String()
	noSecrets(t, "HTML", html)
	for _, want := range []string{"Acme Inc", "Partial outage", "Major outage", "API errors", "We are looking into failing API calls.",
		"A bad deploy; rolling back.", "Powered by AlertifyPro", `action="/api/v1/public/status-pages/acme-status/subscribe"`,
		`--primary:#112233`, `title="2026-11-23: 75.000%"`, "<h3>Core</h3>",
		`<meta http-equiv="refresh" content="60">`, `<span class="span-short">30 days ago</span>`,
		`<img class="logo" src="https://cdn.example.com/acme.svg?v=1&amp;x=2" alt="Acme Inc">`} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "style=") {
		t.Errorf("HTML has a script or an inline style attribute")
	}
	// Website (display_order 1) is listed before API (2).
	if strings.Index(html, `class="name">Website`) > strings.Index(html, `class="name">API`) {
		t.Errorf("components not in display order")
	}
	checkUIHeaders(t, rec)

	rec = e.do("GET", "/api/v1/public/status-pages/"+s.slug, "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("json: %d %s", rec.Code, rec.Body.String())
	}
	noSecrets(t, "JSON", rec.Body.String())
	p := decode[publicPage](t, rec)
	if p.Status != statePartialOutage || len(p.Groups) != 1 || len(p.Groups[0].Components) != 2 {
		t.Fatalf("public page = %+v", p)
	}
	web, api := p.Groups[0].Components[0], p.Groups[0].Components[1]
	if web.Name != "Website" || web.Status != stateOperational || api.Status != stateMajorOutage {
		t.Errorf("component states: %+v / %+v", web, api)
	}
	if len(api.Days) != 90 || api.Days[87].Date != "2026-11-23" || api.Days[87].Uptime == nil || *api.Days[87].Uptime != 75 ||
		api.Days[87].Status != stateMajorOutage || api.Days[88].Status != "none" || api.Days[89].Status != stateMajorOutage {
		t.Errorf("api bars: %d days, %+v %+v %+v", len(api.Days), api.Days[87], api.Days[88], api.Days[89])
	}
	if len(p.ActiveIncidents) != 1 || len(p.ActiveIncidents[0].Updates) != 2 || p.ActiveIncidents[0].Status != "identified" ||
		p.ActiveIncidents[0].Updates[0].Message != "A bad deploy; rolling back." || p.ActiveIncidents[0].Components[0].Name != "API" {
		t.Errorf("incidents: %+v", p.ActiveIncidents)
	}
	// created_by (a user ID) is not public.
	if strings.Contains(rec.Body.String(), s.f.member.ID) || strings.Contains(rec.Body.String(), "created_by") {
		t.Errorf("JSON shows the incident author")
	}
}

// checkUIHeaders checks SPEC §5's headers and that the CSP hash is that of the page's
// one style element.
func checkUIHeaders(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("security headers: %v", h)
	}
	csp := h.Get("Content-Security-Policy")
	body := rec.Body.String()
	start, end := strings.Index(body, "<style>"), strings.Index(body, "</style>")
	if start < 0 || end < start {
		t.Fatalf("no style element")
	}
	sum := sha256.Sum256([]byte(body[start+len("<style>") : end]))
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") ||
		strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q, want it to contain %q and no script or unsafe-inline source", csp, want)
	}
}

// recoveredAPI is a passing check of the fixture's API service one second from now.
func recoveredAPI(s *statusFixture, e *testEnv) store.CheckResult {
	return store.CheckResult{ServiceID: s.api, CheckedAt: e.clock.Now().Add(time.Second), Status: store.StatusGreen, ResponseTimeMS: 15, StatusCode: 200}
}

// The public JSON has exactly the allow-listed keys at every level, so a field added to a
// store type can never reach visitors without this test changing too.
func TestPublicStatusJSONKeysAreAllowListed(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	body := decode[map[string]any](t, e.do("GET", "/api/v1/public/status-pages/"+s.slug, "", nil))
	keys := func(what string, m map[string]any, want ...string) {
		t.Helper()
		got := make([]string, 0, len(m))
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s keys = %v, want %v", what, got, want)
		}
	}
	keys("page", body, "name", "slug", "branding", "status", "show_uptime_bars", "history_days", "subscriptions_enabled", "sms_subscriptions", "sms_critical_only", "language",
		"groups", "active_incidents", "recent_incidents", "maintenance", "generated_at")
	keys("branding", body["branding"].(map[string]any), "logo_url", "primary_color", "company_name", "custom_css")
	group := body["groups"].([]any)[0].(map[string]any)
	keys("group", group, "name", "components")
	comp := group["components"].([]any)[0].(map[string]any)
	keys("component", comp, "id", "name", "description", "status", "uptime_percentage", "days")
	keys("day", comp["days"].([]any)[0].(map[string]any), "date", "status", "uptime_percentage")
	inc := body["active_incidents"].([]any)[0].(map[string]any)
	keys("incident", inc, "id", "title", "status", "severity", "affected_components", "updates", "postmortem", "created_at", "resolved_at")
	keys("update", inc["updates"].([]any)[0].(map[string]any), "id", "status", "message", "created_at")
	keys("affected component", inc["affected_components"].([]any)[0].(map[string]any), "id", "name")
}

package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestIncidentsAPI(t *testing.T) {
	e, f := newOrgEnv(t)
	responder, respTok := e.newMember(f.owner.OrgID, "resp@example.com", "Rita Responder", roleResponder)
	svc := e.createHTTPService(f.owner.Token, "API", "https://example.com")
	mk := func(body map[string]any) statusPageView {
		rec := e.do("POST", "/api/v1/status-pages", f.memberTok, body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
		}
		return decode[statusPageView](t, rec)
	}
	page := mk(map[string]any{"name": "Acme", "components": []map[string]any{{"id": "api", "name": "API", "service_id": svc}}})
	other := mk(map[string]any{"name": "Second"})
	base := "/api/v1/status-pages/" + page.ID + "/incidents"
	var iid string
	e.run([]scenario{
		{name: "viewer cannot open", method: "POST", path: base, token: f.viewerTok, body: map[string]any{"title": "t", "message": "m"}, status: 403},
		{name: "other org cannot open", method: "POST", path: base, token: f.outsider.Token, body: map[string]any{"title": "t", "message": "m"}, status: 404},
		{name: "validation", method: "POST", path: base, token: respTok, status: 422,
			body:     map[string]any{"status": "broken", "severity": "huge", "affected_component_ids": []string{"nope"}, "postmortem": "early"},
			contains: []string{`"title":"is required"`, `"message":"is required"`, `"status":`, `"severity":`, `"affected_component_ids":`, `"postmortem":`}},
		{name: "responder opens with defaults", method: "POST", path: base, token: respTok, status: 201,
			body: map[string]any{"title": "API slow", "affected_component_ids": []string{"api", "api"}, "message": "Investigating."},
			contains: []string{`"status":"investigating"`, `"severity":"minor"`, `"affected_component_ids":["api"]`, `"resolved_at":null`,
				`"message":"Investigating."`, `"created_by":"` + responder.ID + `"`, `"status_page_id":"` + page.ID + `"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { iid = decode[incidentView](t, rec).ID }},
	})
	one := base + "/" + iid
	e.run([]scenario{
		{name: "list", method: "GET", path: base, token: f.viewerTok, status: 200, contains: []string{`"id":"` + iid + `"`}},
		{name: "get", method: "GET", path: one, token: f.viewerTok, status: 200, contains: []string{`"title":"API slow"`}},
		{name: "other org list 404", method: "GET", path: base, token: f.outsider.Token, status: 404},
		{name: "other org get 404", method: "GET", path: one, token: f.outsider.Token, status: 404},
		{name: "other org update 404", method: "PUT", path: one, token: f.outsider.Token, body: map[string]any{"title": "x"}, status: 404},
		{name: "other org post update 404", method: "POST", path: one + "/updates", token: f.outsider.Token, body: map[string]any{"status": "resolved", "message": "x"}, status: 404},
		{name: "other org delete 404", method: "DELETE", path: one, token: f.outsider.Token, status: 404},
		{name: "through another page 404", method: "GET", path: "/api/v1/status-pages/" + other.ID + "/incidents/" + iid, token: f.memberTok, status: 404},
		{name: "viewer cannot post update", method: "POST", path: one + "/updates", token: f.viewerTok, body: map[string]any{"status": "identified", "message": "x"}, status: 403},
		{name: "viewer cannot edit", method: "PUT", path: one, token: f.viewerTok, body: map[string]any{"title": "x"}, status: 403},
		{name: "update validation", method: "POST", path: one + "/updates", token: respTok, body: map[string]any{"status": "done"}, status: 422,
			contains: []string{`"status":`, `"message":"is required"`}},
		{name: "responder posts identified", method: "POST", path: one + "/updates", token: respTok, body: map[string]any{"status": "IDENTIFIED", "message": "Cause found."},
			status: 201, contains: []string{`"status":"identified"`, `"message":"Cause found."`}},
		{name: "resolve sets resolved_at", method: "POST", path: one + "/updates", token: respTok, body: map[string]any{"status": "resolved", "message": "Fixed."},
			status: 201, contains: []string{`"status":"resolved"`, `"resolved_at":"2026-11-25T12:00:00Z"`}},
		{name: "edit cannot change status", method: "PUT", path: one, token: respTok, body: map[string]any{"status": "investigating"}, status: 422},
		{name: "edit unknown component", method: "PUT", path: one, token: respTok, body: map[string]any{"affected_component_ids": []string{"x"}}, status: 422},
		{name: "edit postmortem and severity", method: "PUT", path: one, token: respTok,
			body:   map[string]any{"severity": "critical", "postmortem": "Disk full.", "affected_component_ids": []string{}},
			status: 200, contains: []string{`"severity":"critical"`, `"postmortem":"Disk full."`, `"status":"resolved"`, `"affected_component_ids":[]`, `"title":"API slow"`}},
		{name: "responder cannot delete", method: "DELETE", path: one, token: respTok, status: 403},
		{name: "viewer cannot delete", method: "DELETE", path: one, token: f.viewerTok, status: 403},
		{name: "member deletes", method: "DELETE", path: one, token: f.memberTok, status: 204},
		{name: "gone", method: "GET", path: one, token: f.memberTok, status: 404},
		{name: "unknown page", method: "GET", path: "/api/v1/status-pages/nope/incidents", token: f.memberTok, status: 404},
	})
	wantAudit(t, e, f.owner.OrgID, "incident.created", "incident.updated", "incident.resolved", "incident.deleted")
}

func TestPublicPageCacheInvalidatedByWrites(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	get := func() publicPage {
		return decode[publicPage](t, e.do("GET", "/api/v1/public/status-pages/"+s.slug, "", nil))
	}
	if p := get(); len(p.ActiveIncidents) != 1 {
		t.Fatalf("fixture incident missing")
	}
	// An incident update through the API shows at once, without the clock moving.
	if rec := e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents/"+s.incidentID+"/updates", s.f.memberTok,
		map[string]any{"status": "monitoring", "message": "Watching."}); rec.Code != http.StatusCreated {
		t.Fatal(rec.Body.String())
	}
	if p := get(); p.ActiveIncidents[0].Status != "monitoring" {
		t.Fatalf("cached page not invalidated by an incident update: %+v", p.ActiveIncidents[0])
	}
	// A change the API did not make (a check result) shows once the TTL has passed.
	e.recordAt(s.f.owner.OrgID, recoveredAPI(s, e))
	if p := get(); p.Groups[0].Components[1].Status != stateMajorOutage {
		t.Fatalf("served from the store inside the TTL: %s", p.Groups[0].Components[1].Status)
	}
	e.clock.Advance(statusCacheTTL)
	// The checks pass again, but the incident about the component is still open: it
	// declares the component degraded until someone resolves it.
	if p := get(); p.Groups[0].Components[1].Status != stateDegraded || p.Status != stateDegraded {
		t.Fatalf("not refreshed after the TTL: %s / %s", p.Groups[0].Components[1].Status, p.Status)
	}
	if rec := e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents/"+s.incidentID+"/updates", s.f.memberTok,
		map[string]any{"status": "resolved", "message": "Fixed."}); rec.Code != http.StatusCreated {
		t.Fatal(rec.Body.String())
	}
	if p := get(); p.Groups[0].Components[1].Status != stateOperational || p.Status != stateOperational {
		t.Fatalf("after the incident resolved: %s / %s", p.Groups[0].Components[1].Status, p.Status)
	}
}

// TestOpenIncidentsDeclareComponentStates: a posted incident marks its components on the
// public page (minor/major degraded, critical a major outage) even while the checks pass,
// and monitoring can only make a component look worse than what was declared.
func TestOpenIncidentsDeclareComponentStates(t *testing.T) {
	in := &store.StatusPageSnapshot{Page: store.StatusPage{Name: "P", Slug: "p", IsPublic: true, Components: []store.Component{
		{ID: "a", Name: "A", ServiceID: "s1"}, {ID: "b", Name: "B", ServiceID: "s2"}, {ID: "c", Name: "C", ServiceID: "s3"}}},
		Services: map[string]store.PublicServiceState{"s1": {Status: store.StatusGreen}, "s2": {Status: store.StatusGreen}, "s3": {Status: store.StatusRed}}}
	in.Incidents = []store.Incident{
		{Status: store.IncidentInvestigating, Severity: store.SeverityMinor, AffectedComponentIDs: []string{"a", "c"}},
		{Status: store.IncidentMonitoring, Severity: store.SeverityCritical, AffectedComponentIDs: []string{"b"}},
		{Status: store.IncidentResolved, Severity: store.SeverityCritical, AffectedComponentIDs: []string{"a"}},
	}
	p := buildPublicPage(in, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	got := map[string]string{}
	for _, c := range p.Groups[0].Components {
		got[c.ID] = c.Status
	}
	if got["a"] != stateDegraded || got["b"] != stateMajorOutage || got["c"] != stateMajorOutage || p.Status != statePartialOutage {
		t.Fatalf("states %v, overall %s", got, p.Status)
	}
}

package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

// create_status_page_incident is null or an object naming a page and component of the
// organization and an incident severity; anything else is a 422 with the field named.
func TestAlertRuleStatusPageIncidentValidation(t *testing.T) {
	e, f := newOrgEnv(t)
	svc := e.createHTTPService(f.memberTok, "API", "https://api.example.com")
	page := decode[statusPageView](t, e.do("POST", "/api/v1/status-pages", f.memberTok,
		map[string]any{"name": "Acme", "components": []map[string]any{{"name": "API", "service_id": svc}}}))
	foreignSvc := e.createHTTPService(f.outsider.Token, "X", "https://x.example.com")
	foreign := decode[statusPageView](t, e.do("POST", "/api/v1/status-pages", f.outsider.Token,
		map[string]any{"name": "Other", "components": []map[string]any{{"name": "X", "service_id": foreignSvc}}}))
	comp := page.Components[0].ID
	const base = "/api/v1/alert-rules"
	var ruleID string
	e.run([]scenario{
		{name: "valid template", method: "POST", path: base, token: f.memberTok, status: 201,
			body: map[string]any{"name": "API down", "service_id": svc,
				"create_status_page_incident": map[string]any{"status_page_id": page.ID, "component_id": comp, "severity": "CRITICAL"}},
			contains: []string{`"create_status_page_incident":{"status_page_id":"` + page.ID + `","component_id":"` + comp + `","severity":"critical"}`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				ruleID = decode[map[string]any](t, rec)["id"].(string)
			}},
		{name: "another organization's page", method: "POST", path: base, token: f.memberTok, status: 422,
			body: map[string]any{"name": "x", "create_status_page_incident": map[string]any{"status_page_id": foreign.ID,
				"component_id": foreign.Components[0].ID, "severity": "minor"}},
			contains: []string{`"create_status_page_incident.status_page_id":"no such status page"`}},
		{name: "bad component and severity", method: "POST", path: base, token: f.memberTok, status: 422,
			body: map[string]any{"name": "x", "create_status_page_incident": map[string]any{"status_page_id": page.ID,
				"component_id": "nope", "severity": "warning"}},
			contains: []string{`"create_status_page_incident.component_id":"no such component on that status page"`,
				`"create_status_page_incident.severity":"must be one of minor, major, critical"`}},
		{name: "not an object", method: "POST", path: base, token: f.memberTok, status: 422,
			body:     map[string]any{"name": "x", "create_status_page_incident": true},
			contains: []string{`"create_status_page_incident":"must be null or an object`}},
	})
	rec := e.do("PUT", base+"/"+ruleID, f.memberTok, map[string]any{"create_status_page_incident": nil})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"create_status_page_incident":null`) {
		t.Fatalf("clear: %d %s", rec.Code, rec.Body.String())
	}
}

// End to end: an alert of a rule with create_status_page_incident opens an incident on the
// page; the page's confirmed subscriber gets the e-mail over real SMTP; the recovery
// resolves the incident and sends the resolution.
func TestAlertIncidentReachesSubscribersOverSMTP(t *testing.T) {
	capture := startSMTPCapture(t)
	e := newTestEnv(t, func(c *config.Config) { capture.configure(c) })
	m := attachSubscriberMail(e, capture, nil)
	seen := 0
	if rec := m.do("POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "fan@example.com"}); rec.Code != 200 {
		t.Fatalf("subscribe: %d", rec.Code)
	}
	conf := m.deliver(&seen)
	if len(conf) != 1 {
		t.Fatalf("confirmation: %+v", conf)
	}
	if rec := m.do("GET", link(t, conf[0], "confirm"), "", nil); rec.Code != 200 {
		t.Fatalf("confirm: %d", rec.Code)
	}
	page := decode[statusPageView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID, m.owner.Token, nil))
	svc := *page.Components[0].ServiceID
	rec := m.do("POST", "/api/v1/alert-rules", m.owner.Token, map[string]any{"name": "Public API outage", "service_id": svc,
		"condition":                   map[string]any{"statuses": []string{"RED"}, "consecutive_failures": 2},
		"create_status_page_incident": map[string]any{"status_page_id": m.pageID, "component_id": m.compID, "severity": "major"}})
	if rec.Code != 201 {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body.String())
	}
	m.record(m.owner.OrgID, svc, "RED")
	if got := m.deliver(&seen); len(got) != 0 {
		t.Fatalf("mail before the alert fired: %+v", got)
	}
	m.record(m.owner.OrgID, svc, "RED")
	got := m.deliver(&seen)
	if len(got) != 1 || got[0].To[0] != "fan@example.com" || got[0].Subject != "We're investigating an issue — Acme Status" ||
		strings.Contains(got[0].Text, "connection refused") {
		t.Fatalf("incident mail: %+v", got)
	}
	m.record(m.owner.OrgID, svc, "GREEN")
	got = m.deliver(&seen)
	if len(got) != 1 || got[0].Subject != "Resolved: Public API outage — Acme Status" {
		t.Fatalf("resolution mail: %+v", got)
	}
	incs := decode[[]incidentView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/incidents", m.owner.Token, nil))
	if len(incs) != 1 || incs[0].Status != "resolved" || incs[0].AlertID == nil {
		t.Fatalf("incidents: %+v", incs)
	}
}

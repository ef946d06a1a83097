package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// alertKeys is the exact key set of the SPEC §3.10 object.
var alertKeys = []string{"id", "organization_id", "service_id", "service_name", "heartbeat_id", "alert_rule_id",
	"severity", "title", "message", "status", "fired_at", "acknowledged_at", "acknowledged_by", "resolved_at",
	"resolved_by", "last_check_at", "failure_count", "escalation_level", "notes",
	// Beside the SPEC §3.10 IDs, the people's names (the UI never shows a UUID).
	"acknowledged_by_name", "resolved_by_name"}

func TestAlertsReadAndFilter(t *testing.T) {
	e, _ := newAlertEnv(t)
	f := newOrgFixture(e)
	svc, first := e.firingService(f.memberTok, f.owner.OrgID, "api", "critical")
	firedAt := e.clock.Now().Format("2006-01-02T15:04:05Z")
	svc2, second := e.firingService(f.memberTok, f.owner.OrgID, "db", "warning")
	_, foreign := e.firingService(f.outsider.Token, f.outsider.OrgID, "theirs", "critical")
	e.record(f.owner.OrgID, svc, "RED") // a further failure updates the alert, never duplicates it
	const base = "/api/v1/alerts"
	one := base + "/" + first.ID
	e.run([]scenario{
		{name: "open alerts by default, newest first", method: "GET", path: base, token: f.viewerTok, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[[]map[string]any](t, rec)
				if len(got) != 2 || got[0]["id"] != second.ID || got[1]["id"] != first.ID {
					t.Fatalf("list = %s", rec.Body.String())
				}
			}, notContains: []string{foreign.ID}},
		{name: "one alert, exactly the SPEC object", method: "GET", path: one, token: f.viewerTok, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { wantKeys(t, rec, alertKeys) },
			contains: []string{`"organization_id":"` + f.owner.OrgID + `"`, `"service_id":"` + svc + `"`, `"service_name":"api"`,
				`"heartbeat_id":null`, `"alert_rule_id":"` + first.AlertRuleID + `"`, `"severity":"critical"`,
				`"title":"api down Triggered by Check"`, `"status":"firing"`, `"fired_at":"` + firedAt + `"`,
				`"acknowledged_at":null`, `"acknowledged_by":null`, `"resolved_at":null`, `"resolved_by":null`,
				`"failure_count":2`, `"notes":[]`, "Check failed with status RED"},
			notContains: []string{"next_escalation_at", "next_reminder_at", "escalation_cycle", "held", "last_error"}},
		{name: "page of one", method: "GET", path: base + "?limit=1", token: f.viewerTok, status: 200,
			contains: []string{second.ID}, notContains: []string{first.ID},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				next := rec.Header().Get("X-Next-Cursor")
				if next == "" {
					t.Fatal("no X-Next-Cursor")
				}
				page2 := e.do("GET", base+"?limit=1&cursor="+next, f.viewerTok, nil)
				if !strings.Contains(page2.Body.String(), first.ID) || strings.Contains(page2.Body.String(), second.ID) {
					t.Errorf("second page = %s", page2.Body.String())
				}
			}},
		{name: "by service", method: "GET", path: base + "?service_id=" + svc2, token: f.viewerTok, status: 200,
			contains: []string{second.ID}, notContains: []string{first.ID}},
		{name: "by severity in any case", method: "GET", path: base + "?severity=WARNING", token: f.viewerTok, status: 200,
			contains: []string{second.ID}, notContains: []string{first.ID}},
		{name: "since the second fired", method: "GET", path: base + "?since=" + second.FiredAt.UTC().Format("2006-01-02T15:04:05Z"), token: f.viewerTok,
			status: 200, contains: []string{second.ID}, notContains: []string{first.ID}},
		{name: "none resolved yet", method: "GET", path: base + "?status=resolved", token: f.viewerTok, status: 200, check: wantEmptyList},
		{name: "all", method: "GET", path: base + "?status=all", token: f.viewerTok, status: 200, contains: []string{first.ID, second.ID}},
		{name: "firing", method: "GET", path: base + "?status=Firing", token: f.viewerTok, status: 200, contains: []string{first.ID, second.ID}},
		{name: "bad filters", method: "GET", path: base + "?status=open-ish&severity=urgent&since=yesterday", token: f.viewerTok, status: 422,
			contains: []string{`"status":"must be one of open, firing, acknowledged, resolved, all"`, `"severity"`, `"since"`}},
		{name: "bad cursor", method: "GET", path: base + "?cursor=zzz", token: f.viewerTok, status: 400},
		{name: "unknown alert", method: "GET", path: base + "/nope", token: f.viewerTok, status: 404},
		{name: "other organization gets", method: "GET", path: one, token: f.outsider.Token, status: 404},
		{name: "other organization gets with ?org= of A", method: "GET", path: f.inA(one), token: f.outsider.Token, status: 404},
		{name: "other organization lists with ?org= of A", method: "GET", path: f.inA(base), token: f.outsider.Token, status: 404},
		{name: "other organization lists its own", method: "GET", path: base, token: f.outsider.Token, status: 200,
			contains: []string{foreign.ID}, notContains: []string{first.ID}},
		{name: "no token", method: "GET", path: base, status: 401},
	})
	// Recovery resolves automatically.
	e.record(f.owner.OrgID, svc, "GREEN")
	e.run([]scenario{
		{name: "recovered alert resolved by auto", method: "GET", path: one, token: f.viewerTok, status: 200,
			contains: []string{`"status":"resolved"`, `"resolved_by":"auto"`}, notContains: []string{`"resolved_at":null`}},
		{name: "no longer open", method: "GET", path: base, token: f.viewerTok, status: 200, notContains: []string{first.ID}},
		{name: "listed as resolved", method: "GET", path: base + "?status=resolved", token: f.viewerTok, status: 200, contains: []string{first.ID}},
	})
}

// wantEmptyList checks that a list answer is the empty JSON array.
func wantEmptyList(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("body %s, want []", rec.Body.String())
	}
}

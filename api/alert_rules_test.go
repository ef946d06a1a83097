package api

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// alertRuleKeys is the exact key set of the SPEC §3.9 object (+ create_status_page_incident,
// updated_at).
var alertRuleKeys = []string{"id", "organization_id", "service_id", "heartbeat_id", "name", "severity",
	"condition", "channel_ids", "escalation_policy_id", "notify_on_recovery", "reminder_interval_minutes",
	"enabled", "create_status_page_incident", "created_at", "updated_at"}

// wantKeys fails unless the JSON object in rec has exactly keys.
func wantKeys(t *testing.T, rec *httptest.ResponseRecorder, keys []string) {
	t.Helper()
	got := decode[map[string]any](t, rec)
	for _, k := range keys {
		if _, ok := got[k]; !ok {
			t.Errorf("key %q missing: %s", k, rec.Body.String())
		}
	}
	for k := range got {
		if !slices.Contains(keys, k) {
			t.Errorf("unexpected key %q: %s", k, rec.Body.String())
		}
	}
}

// mustPolicy stores an escalation policy with one channel step in orgID.
func mustPolicy(e *testEnv, orgID, name, channelID string) string {
	e.t.Helper()
	p := &store.EscalationPolicy{Name: name, Rules: []store.EscalationStep{
		{Level: 1, NotifyType: store.EscalateToChannel, NotifyID: channelID}}}
	if err := e.db.CreateEscalationPolicy(orgID, p, nil); err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

func TestAlertRules(t *testing.T) {
	e, f := newOrgEnv(t)
	tg := newAlertTargets(e, f)
	_, respTok := e.newMember(f.owner.OrgID, "resp@example.com", "Rita Responder", roleResponder)
	svc := e.createHTTPService(f.owner.Token, "Site", "https://example.com")
	foreignSvc := e.createHTTPService(f.outsider.Token, "Theirs", "https://example.org")
	policy := mustPolicy(e, f.owner.OrgID, "Ops", tg.channel)
	foreignPolicy := mustPolicy(e, f.outsider.OrgID, "Theirs", tg.foreignChannel)
	const base = "/api/v1/alert-rules"
	idOf := func(dst *string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			*dst = decode[map[string]any](t, rec)["id"].(string)
		}
	}
	beat := e.createHeartbeat(f.memberTok, map[string]any{"name": "Backup"}).ID
	foreignBeat := e.createHeartbeat(f.outsider.Token, map[string]any{"name": "Backup"}).ID
	var anyID, siteID, beatRuleID string
	e.run([]scenario{
		{name: "create org-wide rule with every default", method: "POST", path: base, token: f.memberTok,
			body: map[string]any{"name": "Anything down"}, status: 201, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				idOf(&anyID)(t, rec)
				wantKeys(t, rec, alertRuleKeys)
			},
			contains: []string{`"organization_id":"` + f.owner.OrgID + `"`, `"service_id":null`, `"heartbeat_id":null`,
				`"severity":"critical"`, `"condition":{"statuses":["RED","YELLOW"],"consecutive_failures":1,"consecutive_successes":1,"expression":null}`,
				`"channel_ids":[]`, `"escalation_policy_id":null`, `"notify_on_recovery":true`, `"reminder_interval_minutes":0`,
				`"enabled":true`, `"create_status_page_incident":null`, `"created_at":"2026-11-25T12:00:00Z"`}},
		{name: "create service rule, values normalized", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": " Slow site ", "service_id": svc, "severity": "WARNING",
				"condition": map[string]any{"statuses": []string{"red", "RED"}, "consecutive_failures": 3,
					"expression": "(response_time>5000)&&status_code!=200"},
				"channel_ids": []string{tg.channel, tg.channel}, "escalation_policy_id": policy,
				"notify_on_recovery": false, "reminder_interval_minutes": 30},
			status: 201, check: idOf(&siteID),
			contains: []string{`"name":"Slow site"`, `"service_id":"` + svc + `"`, `"severity":"warning"`,
				`"condition":{"statuses":["RED"],"consecutive_failures":3,"consecutive_successes":1,"expression":"response_time \u003e 5000 \u0026\u0026 status_code != 200"}`,
				`"channel_ids":["` + tg.channel + `"]`, `"escalation_policy_id":"` + policy + `"`, `"notify_on_recovery":false`,
				`"reminder_interval_minutes":30`, `"create_status_page_incident":null`}},
		{name: "empty condition means the defaults", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "Defaults", "condition": map[string]any{}, "service_id": nil}, status: 201,
			contains: []string{`"statuses":["RED","YELLOW"],"consecutive_failures":1,"consecutive_successes":1,"expression":null`, `"service_id":null`}},

		{name: "empty body", method: "POST", path: base, token: f.adminTok, body: map[string]any{}, status: 422,
			contains: []string{`"name":"is required"`}},
		{name: "bad values", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "severity": "urgent", "reminder_interval_minutes": 10081,
				"condition": map[string]any{"statuses": []string{"GREEN"}, "consecutive_failures": 0, "consecutive_successes": 101}},
			status: 422, contains: []string{`"severity":"must be one of critical, warning, info"`,
				`"reminder_interval_minutes":"must be from 0 (off) to 10080"`, `"condition.statuses":"may hold only RED and YELLOW"`,
				`"condition.consecutive_failures":"must be a whole number from 1 to 100"`, `"condition.consecutive_successes"`}},
		{name: "negative reminder, empty statuses", method: "POST", path: base, token: f.adminTok,
			body:   map[string]any{"name": "x", "reminder_interval_minutes": -1, "condition": map[string]any{"statuses": []string{}}},
			status: 422, contains: []string{`"reminder_interval_minutes"`, `"condition.statuses":"must name at least one of RED, YELLOW"`}},
		{name: "references of another organization", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "service_id": foreignSvc, "escalation_policy_id": foreignPolicy,
				"channel_ids": []string{tg.channel, tg.foreignChannel}},
			status: 422, contains: []string{`"service_id":"no such service"`, `"escalation_policy_id":"no such escalation policy"`,
				`"channel_ids[1]":"no such notification channel"`}, notContains: []string{`"channel_ids[0]"`}},
		{name: "reference of the wrong type", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "service_id": 5}, status: 422, contains: []string{`"service_id":"must be an ID string or null"`}},
		{name: "heartbeat rule", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "Backup late", "heartbeat_id": beat}, status: 201, check: idOf(&beatRuleID),
			contains: []string{`"heartbeat_id":"` + beat + `"`, `"service_id":null`}},
		{name: "another organization's heartbeat", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "heartbeat_id": foreignBeat}, status: 422, contains: []string{`"heartbeat_id":"no such heartbeat"`}},
		{name: "service and heartbeat at once", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "heartbeat_id": beat, "service_id": svc}, status: 422,
			contains: []string{`"heartbeat_id":"a rule watches either a service or a heartbeat, not both"`}},
		{name: "expression error with its position", method: "POST", path: base, token: f.adminTok,
			body:   map[string]any{"name": "x", "condition": map[string]any{"expression": "response_time > 5000 && status_code =! 200"}},
			status: 422, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				body := decode[struct {
					Error   string            `json:"error"`
					Fields  map[string]string `json:"fields"`
					Details map[string]any    `json:"details"`
				}](t, rec)
				if body.Error != "validation_failed" || body.Fields["condition.expression"] == "" {
					t.Fatalf("body %s", rec.Body.String())
				}
				if body.Details["field"] != "condition.expression" || body.Details["position"] != float64(36) {
					t.Errorf("details %v, want field condition.expression at position 36", body.Details)
				}
			}, contains: []string{`"condition.expression":"at position 36: `}},
		{name: "unknown condition key", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "condition": map[string]any{"threshold": 3}}, status: 400},
		{name: "viewer cannot create", method: "POST", path: base, token: f.viewerTok, body: map[string]any{"name": "v"}, status: 403},
		{name: "responder cannot create", method: "POST", path: base, token: respTok, body: map[string]any{"name": "v"}, status: 403},
		{name: "other organization creates with ?org= of A", method: "POST", path: f.inA(base), token: f.outsider.Token, body: map[string]any{"name": "v"}, status: 404},
	})
	anyRule, site := base+"/"+anyID, base+"/"+siteID
	e.run([]scenario{
		{name: "viewer lists", method: "GET", path: base, token: f.viewerTok, status: 200, contains: []string{anyID, siteID}},
		{name: "list by service", method: "GET", path: base + "?service_id=" + svc, token: f.viewerTok, status: 200,
			contains: []string{siteID}, notContains: []string{anyID, beatRuleID}},
		{name: "list by heartbeat", method: "GET", path: base + "?heartbeat_id=" + beat, token: f.viewerTok, status: 200,
			contains: []string{beatRuleID}, notContains: []string{anyID, siteID}},
		{name: "list pages", method: "GET", path: base + "?limit=1", token: f.viewerTok, status: 200,
			contains: []string{anyID}, notContains: []string{siteID}},
		{name: "viewer gets", method: "GET", path: site, token: f.viewerTok, status: 200, contains: []string{`"name":"Slow site"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { wantKeys(t, rec, alertRuleKeys) }},
		{name: "unknown rule", method: "GET", path: base + "/nope", token: f.viewerTok, status: 404},

		{name: "the rule's policy cannot be deleted", method: "DELETE", path: "/api/v1/escalation-policies/" + policy, token: f.memberTok,
			status: 409, contains: []string{`Slow site`, `?force=true`}},

		{name: "viewer cannot update", method: "PUT", path: site, token: f.viewerTok, body: map[string]any{"name": "y"}, status: 403},
		{name: "responder cannot update", method: "PUT", path: site, token: respTok, body: map[string]any{"name": "y"}, status: 403},
		{name: "update keeps absent fields", method: "PUT", path: site, token: f.memberTok, body: map[string]any{"name": "Site slow", "enabled": false}, status: 200,
			contains: []string{`"name":"Site slow"`, `"enabled":false`, `"severity":"warning"`, `"consecutive_failures":3`,
				`"expression":"response_time \u003e 5000 \u0026\u0026 status_code != 200"`, `"escalation_policy_id":"` + policy + `"`}},
		{name: "update with a bad expression changes nothing", method: "PUT", path: site, token: f.memberTok,
			body: map[string]any{"name": "Renamed", "condition": map[string]any{"expression": "body_contains(ok)"}}, status: 422,
			contains: []string{`"condition.expression":"at position 14`, `"position":14`}},
		{name: "a service rule cannot also watch a heartbeat", method: "PUT", path: site, token: f.memberTok,
			body: map[string]any{"heartbeat_id": beat}, status: 422, contains: []string{`"heartbeat_id"`}},
		{name: "update to a foreign service", method: "PUT", path: site, token: f.memberTok, body: map[string]any{"service_id": foreignSvc}, status: 422,
			contains: []string{`"service_id":"no such service"`}},
		{name: "condition {} resets, nulls clear references", method: "PUT", path: site, token: f.memberTok,
			body: map[string]any{"condition": map[string]any{}, "service_id": nil, "escalation_policy_id": nil, "channel_ids": []string{}}, status: 200,
			contains: []string{`"name":"Site slow"`, `"service_id":null`, `"escalation_policy_id":null`, `"channel_ids":[]`,
				`"condition":{"statuses":["RED","YELLOW"],"consecutive_failures":1,"consecutive_successes":1,"expression":null}`}},
		{name: "update unknown", method: "PUT", path: base + "/nope", token: f.memberTok, body: map[string]any{"name": "y"}, status: 404},
		{name: "the policy is free now", method: "DELETE", path: "/api/v1/escalation-policies/" + policy, token: f.memberTok, status: 204},
	})
	e.run(f.outsiderRows(base, site, site, anyID))
	e.run(f.deleteRows(anyRule, f.memberTok))
	wantAudit(t, e, f.owner.OrgID, "alert_rule.created", "alert_rule.updated", "alert_rule.deleted")
}

// TestAlertRuleSeverityFollowsOrgDefaults: a rule that names no severity takes the
// organization's default severity.
func TestAlertRuleSeverityFollowsOrgDefaults(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	if _, err := e.db.UpdateOrganization(u.OrgID, func(o *store.Organization) error {
		o.Settings.AlertDefaults.Severity = "info"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	e.run([]scenario{
		{name: "org default", method: "POST", path: "/api/v1/alert-rules", token: u.Token, body: map[string]any{"name": "a"},
			status: 201, contains: []string{`"severity":"info"`}},
		{name: "explicit wins", method: "POST", path: "/api/v1/alert-rules", token: u.Token, body: map[string]any{"name": "b", "severity": "Critical"},
			status: 201, contains: []string{`"severity":"critical"`}},
	})
}

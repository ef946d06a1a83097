package api

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAlertActions(t *testing.T) {
	e, _ := newAlertEnv(t)
	f := newOrgFixture(e)
	responder, respTok := e.newMember(f.owner.OrgID, "resp@example.com", "Rita Responder", roleResponder)
	_, a := e.firingService(f.memberTok, f.owner.OrgID, "api", "critical")
	_, b := e.firingService(f.memberTok, f.owner.OrgID, "db", "critical")
	one, two := "/api/v1/alerts/"+a.ID, "/api/v1/alerts/"+b.ID
	e.clock.Advance(time.Minute)
	at := e.clock.Now().Format("2006-01-02T15:04:05Z")
	long := strings.Repeat("x", 2001)
	e.run([]scenario{
		{name: "viewer cannot acknowledge", method: "POST", path: one + "/acknowledge", token: f.viewerTok, status: 403},
		{name: "other organization acknowledges", method: "POST", path: one + "/acknowledge", token: f.outsider.Token, status: 404},
		{name: "other organization acknowledges with ?org= of A", method: "POST", path: f.inA(one + "/acknowledge"), token: f.outsider.Token, status: 404},
		{name: "acknowledge unknown", method: "POST", path: "/api/v1/alerts/nope/acknowledge", token: respTok, status: 404},
		{name: "note too long", method: "POST", path: one + "/acknowledge", token: respTok, body: map[string]any{"note": long}, status: 422,
			contains: []string{`"note":"must be at most 2000 characters"`}},
		{name: "unknown field", method: "POST", path: one + "/acknowledge", token: respTok, body: map[string]any{"comment": "x"}, status: 400},
		{name: "responder acknowledges with a note", method: "POST", path: one + "/acknowledge", token: respTok,
			body: map[string]any{"note": " looking "}, status: 200,
			contains: []string{`"status":"acknowledged"`, `"acknowledged_by":"` + responder.ID + `"`, `"acknowledged_at":"` + at + `"`,
				`"text":"looking"`, `"user_id":"` + responder.ID + `"`}},
		{name: "acknowledge twice", method: "POST", path: one + "/acknowledge", token: respTok, status: 409,
			contains: []string{"already acknowledged"}},

		{name: "viewer cannot add notes", method: "POST", path: one + "/notes", token: f.viewerTok, body: map[string]any{"text": "x"}, status: 403},
		{name: "other organization adds a note", method: "POST", path: one + "/notes", token: f.outsider.Token, body: map[string]any{"text": "x"}, status: 404},
		{name: "other organization adds a note with ?org= of A", method: "POST", path: f.inA(one + "/notes"), token: f.outsider.Token, body: map[string]any{"text": "x"}, status: 404},
		{name: "note without text", method: "POST", path: one + "/notes", token: respTok, body: map[string]any{"text": "  "}, status: 422,
			contains: []string{`"text":"is required"`}},
		{name: "note too long", method: "POST", path: one + "/notes", token: respTok, body: map[string]any{"text": long}, status: 422,
			contains: []string{`"text":"must be at most 2000 characters"`}},
		{name: "note without a body", method: "POST", path: one + "/notes", token: respTok, status: 400},
		{name: "responder adds a note", method: "POST", path: one + "/notes", token: respTok, body: map[string]any{"text": "DNS again"}, status: 201,
			contains: []string{`"text":"looking"`, `"text":"DNS again"`}},

		{name: "viewer cannot resolve", method: "POST", path: one + "/resolve", token: f.viewerTok, status: 403},
		{name: "other organization resolves", method: "POST", path: one + "/resolve", token: f.outsider.Token, status: 404},
		{name: "other organization resolves with ?org= of A", method: "POST", path: f.inA(one + "/resolve"), token: f.outsider.Token, status: 404},
		{name: "responder resolves", method: "POST", path: one + "/resolve", token: respTok, body: map[string]any{"note": "fixed"}, status: 200,
			contains: []string{`"status":"resolved"`, `"resolved_by":"` + responder.ID + `"`, `"text":"fixed"`}},
		{name: "resolve twice", method: "POST", path: one + "/resolve", token: respTok, status: 409, contains: []string{"already resolved"}},
		{name: "acknowledge a resolved alert", method: "POST", path: one + "/acknowledge", token: f.memberTok, status: 409},
		{name: "notes on a resolved alert are fine", method: "POST", path: one + "/notes", token: f.memberTok, body: map[string]any{"text": "post-mortem"}, status: 201,
			contains: []string{`"text":"post-mortem"`, `"status":"resolved"`}},

		{name: "a firing alert resolves without acknowledge", method: "POST", path: two + "/resolve", token: f.memberTok, status: 200,
			contains: []string{`"status":"resolved"`, `"acknowledged_at":null`}},
	})
	wantAudit(t, e, f.owner.OrgID, "alert.acknowledged", "alert.resolved")
}

// TestAlertRuleDeleteResolvesItsAlerts: deleting a rule through the API leaves none of its
// alerts open.
func TestAlertRuleDeleteResolvesItsAlerts(t *testing.T) {
	e, _ := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	_, a := e.firingService(u.Token, u.OrgID, "api", "critical")
	e.run([]scenario{
		{name: "delete the rule", method: "DELETE", path: "/api/v1/alert-rules/" + a.AlertRuleID, token: u.Token, status: 204},
		{name: "its alert is resolved", method: "GET", path: "/api/v1/alerts/" + a.ID, token: u.Token, status: 200,
			contains: []string{`"status":"resolved"`, `"resolved_by":"rule deleted"`}},
	})
}

// TestDefaultRuleAlertThroughTheAPI: a service with no rule of its own alerts after two
// consecutive RED results, not after one, and its alert names no rule object.
func TestDefaultRuleAlertThroughTheAPI(t *testing.T) {
	e, _ := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.createHTTPService(u.Token, "api", "https://api.example.com")
	e.record(u.OrgID, svc, "RED")
	e.run([]scenario{{name: "one RED is a blip", method: "GET", path: "/api/v1/alerts", token: u.Token, status: 200, check: wantEmptyList}})
	e.record(u.OrgID, svc, "RED")
	e.run([]scenario{{name: "two REDs alert", method: "GET", path: "/api/v1/alerts", token: u.Token, status: 200,
		contains: []string{`"service_id":"` + svc + `"`, `"alert_rule_id":null`, `"severity":"critical"`, `"status":"firing"`}}})
}

// TestHeartbeatAlertThroughTheAPI: a heartbeat reported failed opens an alert that names
// the heartbeat and no service; it can be filtered by heartbeat and acknowledged.
func TestHeartbeatAlertThroughTheAPI(t *testing.T) {
	e, _ := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "Backup"})
	if rec := e.do("POST", "/api/v1/heartbeat/"+hb.UniqueKey+"/fail", "", nil); rec.Code >= 300 {
		t.Fatalf("fail ping: %d %s", rec.Code, rec.Body.String())
	}
	var id string
	e.run([]scenario{
		{name: "heartbeat alert", method: "GET", path: "/api/v1/alerts?heartbeat_id=" + hb.ID, token: u.Token, status: 200,
			contains: []string{`"heartbeat_id":"` + hb.ID + `"`, `"service_id":null`, `"service_name":null`, `"status":"firing"`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[[]map[string]any](t, rec)
				if len(got) != 1 {
					t.Fatalf("alerts = %s", rec.Body.String())
				}
				id = got[0]["id"].(string)
			}},
		{name: "not under another heartbeat", method: "GET", path: "/api/v1/alerts?heartbeat_id=nope", token: u.Token, status: 200, check: wantEmptyList},
	})
	e.run([]scenario{{name: "acknowledge it", method: "POST", path: "/api/v1/alerts/" + id + "/acknowledge", token: u.Token, status: 200,
		contains: []string{`"status":"acknowledged"`}}})
}

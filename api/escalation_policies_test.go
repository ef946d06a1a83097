package api

import (
	"net/http/httptest"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// alertTargets are escalation targets made straight in the store: a channel and a team in
// organization A (the fixture owner's) and a channel in the outsider's organization.
type alertTargets struct {
	channel, team, foreignChannel, foreignTeam string
}

func newAlertTargets(e *testEnv, f *orgFixture) alertTargets {
	e.t.Helper()
	mk := func(orgID, name string) string {
		ch := &store.NotificationChannel{Name: name, Type: "webhook", Enabled: true,
			Config: map[string]any{"url": "https://hooks.example.com/" + name}}
		if err := e.db.CreateChannel(orgID, ch, nil); err != nil {
			e.t.Fatal(err)
		}
		return ch.ID
	}
	team := func(orgID, name string) string {
		tm := &store.Team{Name: name}
		if err := e.db.CreateTeam(orgID, tm, nil); err != nil {
			e.t.Fatal(err)
		}
		return tm.ID
	}
	return alertTargets{channel: mk(f.owner.OrgID, "ops"), team: team(f.owner.OrgID, "SRE"),
		foreignChannel: mk(f.outsider.OrgID, "theirs"), foreignTeam: team(f.outsider.OrgID, "Theirs")}
}

func TestEscalationPolicies(t *testing.T) {
	e, f := newOrgEnv(t)
	tg := newAlertTargets(e, f)
	const base = "/api/v1/escalation-policies"
	step := func(level, delay int, typ, id string) map[string]any {
		return map[string]any{"level": level, "delay_minutes": delay, "notify_type": typ, "notify_id": id}
	}
	policy := func(name string, steps ...map[string]any) map[string]any {
		return map[string]any{"name": name, "rules": steps}
	}
	idOf := func(dst *string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			*dst = decode[map[string]any](t, rec)["id"].(string)
		}
	}
	var opsID, nightID string
	e.run([]scenario{
		{name: "create, steps out of order, types in any case", method: "POST", path: base, token: f.memberTok,
			body: map[string]any{"name": " Ops ", "description": "Day shift", "repeat": 2, "rules": []map[string]any{
				step(3, 30, "User", f.member.ID), step(1, 0, "CHANNEL", tg.channel), step(2, 10, "team", tg.team)}},
			status: 201, check: idOf(&opsID),
			contains: []string{`"name":"Ops"`, `"description":"Day shift"`, `"repeat":2`,
				`"rules":[{"level":1,"delay_minutes":0,"notify_type":"channel","notify_id":"` + tg.channel + `"},` +
					`{"level":2,"delay_minutes":10,"notify_type":"team","notify_id":"` + tg.team + `"},` +
					`{"level":3,"delay_minutes":30,"notify_type":"user","notify_id":"` + f.member.ID + `"}]`,
				`"created_at":"2026-11-25T12:00:00Z"`, `"updated_at":"2026-11-25T12:00:00Z"`},
			notContains: []string{"org_id"}},
		{name: "create with levels from the order", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "Night", "rules": []map[string]any{
				{"delay_minutes": 0, "notify_type": "channel", "notify_id": tg.channel},
				{"delay_minutes": 5, "notify_type": "user", "notify_id": f.owner.ID}}},
			status: 201, check: idOf(&nightID), contains: []string{`"repeat":0`, `"description":""`, `"level":2,"delay_minutes":5`}},
		{name: "duplicate name in any case", method: "POST", path: base, token: f.adminTok,
			body: policy("OPS", step(1, 0, "channel", tg.channel)), status: 409, contains: []string{`"conflict"`}},

		{name: "empty body", method: "POST", path: base, token: f.adminTok, body: map[string]any{}, status: 422,
			contains: []string{`"name":"is required"`}, notContains: []string{`"rules"`}},
		{name: "repeat out of range", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "repeat": 11, "rules": []map[string]any{step(1, 0, "channel", tg.channel)}}, status: 422,
			contains: []string{`"repeat":"must be from 0 to 10"`}},
		{name: "levels not 1..n", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, 0, "channel", tg.channel), step(3, 5, "channel", tg.channel)), status: 422,
			contains: []string{`"rules[1].level":"must be from 1 to 2`}},
		{name: "duplicate level", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, 0, "channel", tg.channel), step(1, 5, "channel", tg.channel)), status: 422,
			contains: []string{`"rules[1].level":"level 1 is also used by rules[0]"`}},
		{name: "delay decreasing with level", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(2, 5, "channel", tg.channel), step(1, 10, "channel", tg.channel)), status: 422,
			contains: []string{`"rules[0].delay_minutes":"must be at least level 1's delay (10)`}},
		{name: "delay negative and beyond a week", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, -1, "channel", tg.channel), step(2, 10081, "channel", tg.channel)), status: 422,
			contains: []string{`"rules[0].delay_minutes":"must be from 0 to 10080`, `"rules[1].delay_minutes":"must be from 0 to 10080`}},
		{name: "bad type, missing id", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, 0, "sms", "123"), step(2, 0, "channel", "")), status: 422,
			contains: []string{`"rules[0].notify_type":"must be channel, team, user or schedule"`, `"rules[1].notify_id":"is required"`}},
		{name: "targets of another organization", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, 0, "channel", tg.channel), step(2, 0, "channel", tg.foreignChannel),
				step(3, 0, "team", tg.foreignTeam), step(4, 0, "user", f.outsider.ID)), status: 422,
			contains: []string{`"rules[1].notify_id":"no such channel in this organization"`,
				`"rules[2].notify_id":"no such team in this organization"`, `"rules[3].notify_id":"no such user in this organization"`},
			notContains: []string{`"rules[0]`}},
		{name: "a team's ID is not a channel", method: "POST", path: base, token: f.adminTok,
			body: policy("x", step(1, 0, "channel", tg.team)), status: 422, contains: []string{`"rules[0].notify_id"`}},
		{name: "unknown field", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "rules": []map[string]any{{"level": 1, "notify_type": "channel", "notify_id": tg.channel, "wait": 1}}}, status: 400},
		{name: "viewer cannot create", method: "POST", path: base, token: f.viewerTok, body: policy("v", step(1, 0, "channel", tg.channel)), status: 403},
		{name: "other organization creates with ?org= of A", method: "POST", path: f.inA(base), token: f.outsider.Token,
			body: policy("v", step(1, 0, "channel", tg.foreignChannel)), status: 404},
	})
	ops, night := base+"/"+opsID, base+"/"+nightID
	// Cursors are opaque: the second page is asked with the one the first page answered.
	next := e.do("GET", base+"?limit=1", f.viewerTok, nil).Header().Get("X-Next-Cursor")
	e.run([]scenario{
		{name: "viewer lists", method: "GET", path: base, token: f.viewerTok, status: 200, contains: []string{opsID, nightID}},
		{name: "list pages", method: "GET", path: base + "?limit=1", token: f.viewerTok, status: 200,
			contains: []string{opsID}, notContains: []string{nightID},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("X-Next-Cursor") == "" {
					t.Error("no X-Next-Cursor with a second policy to come")
				}
			}},
		{name: "second page", method: "GET", path: base + "?limit=1&cursor=" + next, token: f.viewerTok, status: 200,
			contains: []string{nightID}, notContains: []string{opsID}},
		{name: "viewer gets", method: "GET", path: ops, token: f.viewerTok, status: 200, contains: []string{`"name":"Ops"`}},
		{name: "unknown policy", method: "GET", path: base + "/nope", token: f.viewerTok, status: 404},

		{name: "viewer cannot update", method: "PUT", path: ops, token: f.viewerTok, body: map[string]any{"name": "y"}, status: 403},
		{name: "update keeps absent fields", method: "PUT", path: ops, token: f.memberTok, body: map[string]any{"name": "Ops day"}, status: 200,
			contains: []string{`"name":"Ops day"`, `"repeat":2`, `"description":"Day shift"`, `"level":3,"delay_minutes":30`}},
		{name: "update replaces rules", method: "PUT", path: ops, token: f.memberTok,
			body: map[string]any{"repeat": 0, "rules": []map[string]any{step(1, 15, "team", tg.team)}}, status: 200,
			contains: []string{`"repeat":0`, `"rules":[{"level":1,"delay_minutes":15,"notify_type":"team"`}, notContains: []string{`"level":2`}},
		{name: "update to a foreign target", method: "PUT", path: ops, token: f.memberTok,
			body: map[string]any{"rules": []map[string]any{step(1, 0, "channel", tg.foreignChannel)}}, status: 422,
			contains: []string{`"rules[0].notify_id"`}},
		{name: "update to a taken name", method: "PUT", path: ops, token: f.memberTok, body: map[string]any{"name": "night"}, status: 409},
		{name: "update unknown", method: "PUT", path: base + "/nope", token: f.memberTok, body: map[string]any{"name": "y"}, status: 404},
		{name: "failed updates changed nothing", method: "GET", path: ops, token: f.viewerTok, status: 200,
			contains: []string{`"name":"Ops day"`, `"notify_type":"team"`}},
		{name: "update with empty rules: it notifies nobody and says so", method: "PUT", path: ops, token: f.memberTok,
			body: map[string]any{"rules": []any{}}, status: 200, contains: []string{`"rules":[]`, `"notifies_nobody":true`}},
		{name: "bad force", method: "DELETE", path: night + "?force=yes", token: f.memberTok, status: 400},
	})
	e.run(f.outsiderRows(base, ops, ops, opsID))
	e.run(f.deleteRows(night, f.memberTok))
	e.run([]scenario{
		{name: "its name is free again", method: "POST", path: base, token: f.memberTok, body: policy("Night", step(1, 0, "channel", tg.channel)), status: 201},
	})
	wantAudit(t, e, f.owner.OrgID, "escalation_policy.created", "escalation_policy.updated", "escalation_policy.deleted")
	for _, ev := range auditEvents(t, e, f.outsider.OrgID) {
		if ev == "escalation_policy.created" {
			t.Errorf("outsider's audit log has %s", ev)
		}
	}
}

// TestEscalationPolicyForceDelete: a policy an alert rule uses is deleted only with
// ?force=true; the rule may keep (and send back) the dangling reference, which alerting
// treats as no escalation, but cannot take up a new unknown one.
func TestEscalationPolicyForceDelete(t *testing.T) {
	e, f := newOrgEnv(t)
	tg := newAlertTargets(e, f)
	used, spare := mustPolicy(e, f.owner.OrgID, "Used", tg.channel), mustPolicy(e, f.owner.OrgID, "Spare", tg.channel)
	rec := e.do("POST", "/api/v1/alert-rules", f.memberTok, map[string]any{"name": "r", "escalation_policy_id": used})
	if rec.Code != 201 {
		t.Fatalf("create rule: %d %s", rec.Code, rec.Body.String())
	}
	rule := "/api/v1/alert-rules/" + decode[map[string]any](t, rec)["id"].(string)
	e.run([]scenario{
		{name: "in use", method: "DELETE", path: "/api/v1/escalation-policies/" + used, token: f.memberTok, status: 409,
			contains: []string{`"conflict"`, `alert rule \"r\"`}},
		{name: "force=false is no force", method: "DELETE", path: "/api/v1/escalation-policies/" + used + "?force=false", token: f.memberTok, status: 409},
		{name: "viewer cannot force", method: "DELETE", path: "/api/v1/escalation-policies/" + used + "?force=true", token: f.viewerTok, status: 403},
		{name: "forced", method: "DELETE", path: "/api/v1/escalation-policies/" + used + "?force=true", token: f.memberTok, status: 204},
		{name: "an unused one needs no force", method: "DELETE", path: "/api/v1/escalation-policies/" + spare, token: f.memberTok, status: 204},
		{name: "the rule still names the deleted policy", method: "GET", path: rule, token: f.viewerTok, status: 200,
			contains: []string{`"escalation_policy_id":"` + used + `"`}},
		{name: "sending the same reference back is fine", method: "PUT", path: rule, token: f.memberTok,
			body: map[string]any{"name": "r2", "escalation_policy_id": used}, status: 200, contains: []string{`"name":"r2"`}},
		{name: "another deleted policy is refused", method: "PUT", path: rule, token: f.memberTok,
			body: map[string]any{"escalation_policy_id": spare}, status: 422, contains: []string{`"escalation_policy_id":"no such escalation policy"`}},
	})
	wantAudit(t, e, f.owner.OrgID, "escalation_policy.deleted")
}

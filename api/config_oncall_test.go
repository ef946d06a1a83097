package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// On-call schedules travel in the configuration document with members named by e-mail,
// and an escalation step names its schedule; re-importing the export changes nothing, a
// renamed copy creates a schedule with the same people, and an unknown e-mail is a 422 at
// its path with nothing written.
func TestConfigExportImportSchedules(t *testing.T) {
	e, f := newOrgEnv(t)
	rec := e.do("POST", "/api/v1/on-call-schedules", f.memberTok, map[string]any{"name": "Ops", "timezone": "America/New_York",
		"layers": []any{map[string]any{"rotation": "weekly", "handoff_day": "friday", "handoff_time": "17:00",
			"starts_at": "2026-11-20T17:00:00-05:00", "users": []string{f.member.ID, f.owner.ID},
			"restrictions": []any{map[string]any{"days": []string{"sat", "sun"}, "start": "22:00", "end": "06:00"}}}}})
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	sched := decode[map[string]any](t, rec)["id"].(string)
	if rec := e.do("POST", "/api/v1/on-call-schedules/"+sched+"/overrides", f.memberTok, map[string]any{"user_id": f.viewer.ID,
		"starts_at": "2026-11-26T00:00:00Z", "ends_at": "2026-11-27T00:00:00Z"}); rec.Code != 201 {
		t.Fatalf("override: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("POST", "/api/v1/escalation-policies", f.memberTok, map[string]any{"name": "Pager",
		"rules": []any{map[string]any{"notify_type": "schedule", "notify_id": sched}}}); rec.Code != 201 {
		t.Fatalf("policy: %d %s", rec.Code, rec.Body.String())
	}
	doc := e.exportJSON(f.memberTok)
	raw, _ := json.Marshal(doc)
	// raw is the document re-encoded, so its keys are sorted.
	for _, want := range []string{`"on_call_schedules":[{"handoff_notices":false`, `"timezone":"America/New_York"`,
		`"users":["member@example.com","owner@example.com"]`, `"user":"viewer@example.com"`, `"notify":"Ops","notify_type":"schedule"`,
		`"days":["sat","sun"],"end":"06:00","start":"22:00"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("export lacks %s:\n%s", want, raw)
		}
	}
	if strings.Contains(string(raw), sched) {
		t.Error("the export carries a schedule ID")
	}
	e.reimportOwnExport(f.memberTok, 2)

	copyDoc := strings.ReplaceAll(strings.ReplaceAll(string(raw), `"name":"Ops"`, `"name":"Ops copy"`), `"notify":"Ops"`, `"notify":"Ops copy"`)
	copyDoc = strings.ReplaceAll(copyDoc, `"name":"Pager"`, `"name":"Pager copy"`)
	got := e.importDoc(f.memberTok, "", "application/json", copyDoc, http.StatusOK)
	if len(got.Changes) != 2 {
		t.Fatalf("import of the copy: %+v", got)
	}
	list := decode[[]any](t, e.do("GET", "/api/v1/on-call-schedules", f.viewerTok, nil))
	var copyID string
	for _, s := range list {
		m := s.(map[string]any)
		if m["name"] == "Ops copy" {
			copyID = m["id"].(string)
			users := m["layers"].([]any)[0].(map[string]any)["users"].([]any)
			if len(users) != 2 || users[0] != f.member.ID || users[1] != f.owner.ID {
				t.Errorf("imported users %v", users)
			}
		}
	}
	if copyID == "" {
		t.Fatalf("no imported schedule in %v", list)
	}
	pols := e.do("GET", "/api/v1/escalation-policies", f.viewerTok, nil).Body.String()
	if !strings.Contains(pols, `"notify_type":"schedule","notify_id":"`+copyID+`"`) {
		t.Errorf("the imported policy does not page the imported schedule: %s", pols)
	}

	bad := strings.ReplaceAll(copyDoc, "Ops copy", "Ops third")
	bad = strings.Replace(bad, `"member@example.com"`, `"stranger@example.com"`, 1)
	rec = e.doConfig("POST", "/api/v1/import", f.memberTok, "application/json", "", bad)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"on_call_schedules[0].layers[0].users[0]"`) {
		t.Fatalf("unknown member: %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(e.do("GET", "/api/v1/on-call-schedules", f.viewerTok, nil).Body.String(), "Ops third") {
		t.Error("a refused import wrote a schedule")
	}
}

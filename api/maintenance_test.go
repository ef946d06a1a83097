package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestMaintenanceWindows(t *testing.T) {
	e, f := newOrgEnv(t)
	if _, err := e.db.UpdateOrganization(f.owner.OrgID, func(o *store.Organization) error {
		o.Settings.Timezone = "Europe/Berlin"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	svc := e.createHTTPService(f.owner.Token, "Site", "https://example.com")
	foreign := e.createHTTPService(f.outsider.Token, "Theirs", "https://example.org")
	const base = "/api/v1/maintenance-windows"
	// The test clock reads 2026-11-25T12:00:00Z.
	oneOff := func(name, start, end string) map[string]any {
		return map[string]any{"name": name, "starts_at": start, "ends_at": end}
	}
	daily := map[string]any{"name": "Nightly", "starts_at": "2026-11-01T01:00:00Z", "timezone": "America/New_York",
		"recurrence": map[string]any{"type": "daily", "duration_minutes": 60}}
	withRec := func(rec map[string]any) map[string]any {
		return map[string]any{"name": "R", "starts_at": "2026-11-01T01:00:00Z", "recurrence": rec}
	}
	idOf := func(dst *string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			*dst = decode[map[string]any](t, rec)["id"].(string)
		}
	}
	var nowID, laterID, dailyID string
	e.run([]scenario{
		{name: "create active one-off with defaults", method: "POST", path: base, token: f.memberTok,
			body:   map[string]any{"name": " Upgrade ", "starts_at": "2026-11-25T11:00:00+01:00", "ends_at": "2026-11-25T13:00:00Z", "service_ids": []string{svc, svc}},
			status: 201, check: idOf(&nowID),
			contains: []string{`"name":"Upgrade"`, `"starts_at":"2026-11-25T10:00:00Z"`, `"ends_at":"2026-11-25T13:00:00Z"`,
				`"service_ids":["` + svc + `"]`, `"timezone":"Europe/Berlin"`, `"suppress_alerts":true`,
				`"show_on_status_pages":true`, `"active":true`, `"recurrence":null`, `"next_window":null`, `"ended_at":null`},
			notContains: []string{"org_id"}},
		{name: "create future one-off for all services", method: "POST", path: base, token: f.adminTok,
			body:   map[string]any{"name": "Later", "starts_at": "2026-11-26T00:00:00Z", "ends_at": "2026-11-26T01:00:00Z", "suppress_alerts": false},
			status: 201, check: idOf(&laterID), contains: []string{`"active":false`, `"service_ids":[]`, `"suppress_alerts":false`}},
		{name: "create daily recurring", method: "POST", path: base, token: f.adminTok, body: daily, status: 201, check: idOf(&dailyID),
			contains: []string{`"timezone":"America/New_York"`, `"ends_at":null`, `"type":"daily"`, `"days_of_week":[]`,
				// 01:00Z on Nov 1 is 21:00 EDT; after DST ends it is 21:00 EST = 02:00Z.
				`"next_window":{"start":"2026-11-26T02:00:00Z","end":"2026-11-26T03:00:00Z"}`, `"active":false`}},

		{name: "missing name and times", method: "POST", path: base, token: f.adminTok, body: map[string]any{}, status: 422,
			contains: []string{`"name":"is required"`, `"starts_at":"is required"`, `"ends_at":"is required for a window without recurrence"`}},
		{name: "ends before it starts", method: "POST", path: base, token: f.adminTok, body: oneOff("x", "2026-11-26T00:00:00Z", "2026-11-25T00:00:00Z"), status: 422,
			contains: []string{`"ends_at":"must be after starts_at"`}},
		{name: "zero-length window", method: "POST", path: base, token: f.adminTok, body: oneOff("x", "2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z"), status: 422},
		{name: "bad recurrence type", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "hourly", "duration_minutes": 5}), status: 422,
			contains: []string{`"recurrence.type"`}},
		{name: "weekly without days", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "weekly", "duration_minutes": 5}), status: 422,
			contains: []string{`"recurrence.days_of_week"`}},
		{name: "monthly day out of range", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "monthly", "day_of_month": 32, "duration_minutes": 5}), status: 422,
			contains: []string{`"recurrence.day_of_month"`}},
		{name: "bad cron", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "cron", "expression": "61 * * * *", "duration_minutes": 5}), status: 422,
			contains: []string{`"recurrence.expression"`}},
		{name: "zero duration", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "daily"}), status: 422,
			contains: []string{`"recurrence.duration_minutes"`}},
		{name: "until before start", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "daily", "duration_minutes": 5, "until": "2026-01-01T00:00:00Z"}), status: 422,
			contains: []string{`"recurrence.until"`}},
		{name: "unknown recurrence field", method: "POST", path: base, token: f.adminTok, body: withRec(map[string]any{"type": "daily", "duration_minutes": 5, "every": 2}), status: 400},
		{name: "unknown timezone", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "starts_at": "2026-11-26T00:00:00Z", "ends_at": "2026-11-27T00:00:00Z", "timezone": "Mars/Olympus"}, status: 422,
			contains: []string{`"timezone"`}},
		{name: "another organization's service", method: "POST", path: base, token: f.adminTok,
			body: map[string]any{"name": "x", "starts_at": "2026-11-26T00:00:00Z", "ends_at": "2026-11-27T00:00:00Z", "service_ids": []string{foreign}}, status: 422,
			contains: []string{`"service_ids"`}},
		{name: "viewer cannot create", method: "POST", path: base, token: f.viewerTok, body: oneOff("x", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"), status: 403},
		{name: "other organization creates with ?org= of A", method: "POST", path: f.inA(base), token: f.outsider.Token, body: oneOff("x", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"), status: 404},
	})
	one, later, rec := base+"/"+nowID, base+"/"+laterID, base+"/"+dailyID
	e.run([]scenario{
		{name: "viewer lists all", method: "GET", path: base, token: f.viewerTok, status: 200, contains: []string{nowID, laterID, dailyID}},
		{name: "?active=true", method: "GET", path: base + "?active=true", token: f.viewerTok, status: 200, contains: []string{nowID}, notContains: []string{laterID, dailyID}},
		{name: "?active=false", method: "GET", path: base + "?active=false", token: f.viewerTok, status: 200, contains: []string{laterID, dailyID}, notContains: []string{nowID}},
		{name: "?active=maybe", method: "GET", path: base + "?active=maybe", token: f.viewerTok, status: 400},
		{name: "viewer gets", method: "GET", path: one, token: f.viewerTok, status: 200, contains: []string{`"active":true`}},
		{name: "unknown window", method: "GET", path: base + "/nope", token: f.viewerTok, status: 404},

		{name: "viewer cannot update", method: "PUT", path: later, token: f.viewerTok, body: map[string]any{"name": "y"}, status: 403},
		{name: "update unknown", method: "PUT", path: base + "/nope", token: f.adminTok, body: map[string]any{"name": "y"}, status: 404},
		{name: "update keeps absent fields", method: "PUT", path: later, token: f.adminTok, body: map[string]any{"name": "Later on", "show_on_status_pages": false}, status: 200,
			contains: []string{`"name":"Later on"`, `"starts_at":"2026-11-26T00:00:00Z"`, `"suppress_alerts":false`, `"show_on_status_pages":false`, `"timezone":"Europe/Berlin"`}},
		{name: "update ends before start", method: "PUT", path: later, token: f.adminTok, body: map[string]any{"ends_at": "2026-11-25T00:00:00Z"}, status: 422},
		{name: "recurrence null without ends_at", method: "PUT", path: rec, token: f.adminTok, body: map[string]any{"recurrence": nil}, status: 422,
			contains: []string{`"ends_at"`}},
		{name: "recurrence null with ends_at: one-off", method: "PUT", path: rec, token: f.adminTok,
			body: map[string]any{"recurrence": nil, "ends_at": "2026-11-02T01:00:00Z"}, status: 200, contains: []string{`"recurrence":null`, `"next_window":null`}},
		{name: "back to weekly", method: "PUT", path: rec, token: f.adminTok,
			body: map[string]any{"recurrence": map[string]any{"type": "weekly", "days_of_week": []int{4}, "duration_minutes": 30}, "ends_at": "2027-01-01T00:00:00Z"}, status: 200,
			contains: []string{`"days_of_week":[4]`, `"next_window":{"start":"2026-11-27T02:00:00Z"`}},

		{name: "viewer cannot end", method: "POST", path: one + "/end", token: f.viewerTok, status: 403},
		{name: "other organization ends", method: "POST", path: one + "/end", token: f.outsider.Token, status: 404},
		{name: "other organization ends with ?org= of A", method: "POST", path: f.inA(one + "/end"), token: f.outsider.Token, status: 404},
		{name: "end unknown", method: "POST", path: base + "/nope/end", token: f.adminTok, status: 404},
		{name: "end a window that has not started", method: "POST", path: later + "/end", token: f.adminTok, status: 409},
		{name: "end early", method: "POST", path: one + "/end", token: f.memberTok, status: 200,
			contains: []string{`"active":false`, `"ended_at":"2026-11-25T12:00:00Z"`}},
		{name: "end twice", method: "POST", path: one + "/end", token: f.memberTok, status: 409},
		{name: "no longer listed as active", method: "GET", path: base + "?active=true", token: f.viewerTok, status: 200, notContains: []string{nowID}},
	})
	e.run(f.outsiderRows(base, one, later, nowID))
	e.run(f.deleteRows(later, f.adminTok))
	wantAudit(t, e, f.owner.OrgID, "maintenance.created", "maintenance.updated", "maintenance.ended", "maintenance.deleted")
	if got := auditEvents(t, e, f.outsider.OrgID); len(got) > 0 {
		for _, ev := range got {
			if len(ev) > 11 && ev[:11] == "maintenance" {
				t.Errorf("outsider's audit log has %s", ev)
			}
		}
	}
}

// TestMaintenanceRecorded records results through the store, opened with the maintenance
// rule as serve opens it: a result inside a recurring Berlin window makes the service read MAINTENANCE
// over the API and counts as maintenance in uptime; the next one outside it does not.
func TestMaintenanceRecorded(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	svc := e.createHTTPService(ada.Token, "Site", "https://example.com")
	rec := e.do("POST", "/api/v1/maintenance-windows", ada.Token, map[string]any{"name": "Nightly", "service_ids": []string{svc},
		"starts_at": "2026-03-01T01:00:00Z", "timezone": "Europe/Berlin", "recurrence": map[string]any{"type": "daily", "duration_minutes": 60}})
	if rec.Code != 201 {
		t.Fatalf("create window: %d %s", rec.Code, rec.Body.String())
	}
	red := func(at time.Time) store.RecordItem {
		return store.RecordItem{OrgID: ada.OrgID, Result: store.CheckResult{ServiceID: svc, CheckedAt: at, Status: store.StatusRed, StatusCode: 503, Error: "down"}}
	}
	in := time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC) // 02:30 CET
	if err := e.db.RecordResults([]store.RecordItem{red(in)}); err != nil {
		t.Fatal(err)
	}
	e.run([]scenario{{name: "status reads MAINTENANCE", method: "GET", path: "/api/v1/services/" + svc, token: ada.Token, status: 200,
		contains: []string{`"status":"MAINTENANCE"`, `"last_error":"probe RED: down"`}}})
	if err := e.db.RecordResults([]store.RecordItem{red(in.Add(time.Minute)), red(in.Add(time.Hour))}); err != nil { // 03:30 CET: outside
		t.Fatal(err)
	}
	e.run([]scenario{{name: "status after the window", method: "GET", path: "/api/v1/services/" + svc, token: ada.Token, status: 200,
		contains: []string{`"status":"RED"`}}})
	up, err := e.db.Uptime(ada.OrgID, svc, in.Add(-time.Hour), in.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if up.MaintenanceChecks != 2 || up.FailedChecks != 1 || up.MaintenanceSeconds <= 0 {
		t.Errorf("uptime = %+v", up)
	}
}

package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// layer is a daily Berlin layer for the scenarios: handoff at 09:00 local.
func oncallLayer(users ...string) map[string]any {
	return map[string]any{"name": "Primary", "rotation": "daily", "handoff_time": "09:00",
		"starts_at": "2026-11-20T09:00:00+01:00", "users": users}
}

func TestOnCallSchedules(t *testing.T) {
	e, f := newOrgEnv(t)
	const base = "/api/v1/on-call-schedules"
	withLayer := func(mut func(l map[string]any)) map[string]any {
		l := oncallLayer(f.owner.ID, f.member.ID)
		mut(l)
		return map[string]any{"name": "x", "timezone": "Europe/Berlin", "layers": []any{l}}
	}
	var id string
	e.run([]scenario{
		{name: "create", method: "POST", path: base, token: f.memberTok,
			body:   map[string]any{"name": "Ops", "timezone": "Europe/Berlin", "layers": []any{oncallLayer(f.owner.ID, f.member.ID)}},
			status: 201, contains: []string{`"name":"Ops"`, `"timezone":"Europe/Berlin"`, `"handoff_time":"09:00"`, `"overrides":[]`},
			notContains: []string{"org_id"},
			check:       func(t *testing.T, rec *httptest.ResponseRecorder) { id = decode[map[string]any](t, rec)["id"].(string) }},
		{name: "viewer cannot create", method: "POST", path: base, token: f.viewerTok, body: withLayer(func(map[string]any) {}), status: 403},
		{name: "unknown time zone", method: "POST", path: base, token: f.memberTok,
			body: map[string]any{"name": "x", "timezone": "Mars/Olympus", "layers": []any{oncallLayer(f.owner.ID)}}, status: 422,
			contains: []string{`"timezone":"unknown time zone`}},
		{name: "user not a member", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) { l["users"] = []string{f.owner.ID, f.outsider.ID} }), status: 422,
			contains: []string{`"layers[0].users[1]":"is not a member of this organization"`}},
		{name: "layer without users", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) { l["users"] = []string{} }), status: 422, contains: []string{`"layers[0].users":"must list at least one member`}},
		{name: "restriction that never matches", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) {
				l["restrictions"] = []any{map[string]any{"start": "09:00", "end": "09:00"}}
			}), status: 422, contains: []string{`"layers[0].restrictions[0].end":"must differ from start`}},
		{name: "bad times and days", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) {
				l["handoff_time"], l["starts_at"] = "25:00", "tomorrow"
				l["restrictions"] = []any{map[string]any{"days": []string{"funday"}, "start": "9", "end": "24:00"}}
			}), status: 422, contains: []string{`"layers[0].handoff_time"`, `"layers[0].starts_at"`,
				`"layers[0].restrictions[0].days[0]"`, `"layers[0].restrictions[0].start"`}, notContains: []string{`restrictions[0].end`}},
		{name: "rotation kinds", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) { l["rotation"], l["shift_hours"] = "hourly", 3 }), status: 422,
			contains: []string{`"layers[0].rotation":"must be daily, weekly or custom"`}},
		{name: "custom needs shift_hours", method: "POST", path: base, token: f.memberTok,
			body: withLayer(func(l map[string]any) { l["rotation"] = "custom" }), status: 422, contains: []string{`"layers[0].shift_hours"`}},
		{name: "no layers", method: "POST", path: base, token: f.memberTok, body: map[string]any{"name": "x", "timezone": "UTC"}, status: 422,
			contains: []string{`"layers":"must list at least one layer"`}},
	})
	s := base + "/" + id
	e.run([]scenario{
		// The test clock says 2026-11-25T12:00Z: day 5 of the rotation, so the member's shift
		// from 09:00 to 09:00 Berlin time (08:00Z).
		{name: "on call now", method: "GET", path: s + "/on-call", token: f.viewerTok, status: 200,
			contains: []string{`"id":"` + f.member.ID + `"`, `"layer":"Primary"`, `"shift_start":"2026-11-25T08:00:00Z"`, `"shift_end":"2026-11-26T08:00:00Z"`}},
		{name: "on call at", method: "GET", path: s + "/on-call?at=2026-11-26T08:00:00Z", token: f.viewerTok, status: 200,
			contains: []string{`"id":"` + f.owner.ID + `"`}},
		{name: "bad at", method: "GET", path: s + "/on-call?at=noon", token: f.viewerTok, status: 422, contains: []string{`"at"`}},
		{name: "before the layer starts nobody is", method: "GET", path: s + "/on-call?at=2026-11-01T00:00:00Z", token: f.viewerTok, status: 200,
			contains: []string{`"user":null`, `"layer":null`}},
		{name: "shifts", method: "GET", path: s + "/shifts?from=2026-11-25T08:00:00Z&to=2026-11-27T08:00:00Z", token: f.viewerTok, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				if n := len(got["shifts"].([]any)); n != 2 {
					t.Errorf("%d final shifts, want 2: %s", n, rec.Body.String())
				}
				if n := len(got["layers"].([]any)); n != 1 {
					t.Errorf("%d layer rows", n)
				}
			}},
		{name: "shifts beyond 90 days", method: "GET", path: s + "/shifts?from=2026-11-25T00:00:00Z&to=2027-03-01T00:00:00Z", token: f.viewerTok,
			status: 422, contains: []string{`"to":"the window spans at most 90 days"`}},
		{name: "shifts backwards", method: "GET", path: s + "/shifts?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", token: f.viewerTok,
			status: 422, contains: []string{`"to":"must be after from"`}},
		{name: "override ending before it starts", method: "POST", path: s + "/overrides", token: f.memberTok,
			body:   map[string]any{"user_id": f.viewer.ID, "starts_at": "2026-11-25T13:00:00Z", "ends_at": "2026-11-25T13:00:00Z"},
			status: 422, contains: []string{`"ends_at":"must be after starts_at"`}},
		{name: "override for a non-member", method: "POST", path: s + "/overrides", token: f.memberTok,
			body:   map[string]any{"user_id": f.outsider.ID, "starts_at": "2026-11-25T11:00:00Z", "ends_at": "2026-11-25T13:00:00Z"},
			status: 422, contains: []string{`"user_id":"is not a member of this organization"`}},
		{name: "viewer cannot override", method: "POST", path: s + "/overrides", token: f.viewerTok,
			body: map[string]any{"user_id": f.viewer.ID, "starts_at": "2026-11-25T11:00:00Z", "ends_at": "2026-11-25T13:00:00Z"}, status: 403},
		{name: "override", method: "POST", path: s + "/overrides", token: f.memberTok,
			body: map[string]any{"user_id": f.viewer.ID, "starts_at": "2026-11-25T11:00:00Z", "ends_at": "2026-11-25T13:00:00Z"}, status: 201},
		{name: "a later overlapping override wins", method: "POST", path: s + "/overrides", token: f.memberTok,
			body: map[string]any{"user_id": f.admin.ID, "starts_at": "2026-11-25T11:30:00Z", "ends_at": "2026-11-25T12:30:00Z"}, status: 201},
		{name: "the admin's override is on call", method: "GET", path: s + "/on-call", token: f.viewerTok, status: 200,
			contains: []string{`"id":"` + f.admin.ID + `"`, `"layer":"override"`, `"shift_start":"2026-11-25T11:30:00Z"`, `"shift_end":"2026-11-25T12:30:00Z"`}},
		{name: "who is on call everywhere, and my shifts", method: "GET", path: "/api/v1/on-call", token: f.memberTok, status: 200,
			contains: []string{`"name":"Ops"`, `"id":"` + f.admin.ID + `"`, `"my_shifts":[{"schedule_id":"` + id + `"`}},
		{name: "update layers", method: "PUT", path: s, token: f.memberTok,
			body: map[string]any{"layers": []any{oncallLayer(f.owner.ID)}, "handoff_notices": true}, status: 200,
			contains: []string{`"handoff_notices":true`, `"users":["` + f.owner.ID + `"]`, `"name":"Ops"`}},
		{name: "update to a non-member", method: "PUT", path: s, token: f.memberTok,
			body: map[string]any{"layers": []any{oncallLayer(f.outsider.ID)}}, status: 422},
		{name: "other organization's on-call", method: "GET", path: s + "/on-call", token: f.outsider.Token, status: 404},
		{name: "other organization's shifts", method: "GET", path: s + "/shifts", token: f.outsider.Token, status: 404},
		{name: "other organization overrides", method: "POST", path: s + "/overrides", token: f.outsider.Token,
			body: map[string]any{"user_id": f.outsider.ID, "starts_at": "2026-11-25T11:00:00Z", "ends_at": "2026-11-25T13:00:00Z"}, status: 404},
	})
	var sched map[string]any
	e.run([]scenario{{name: "overrides kept in creation order", method: "GET", path: s, token: f.viewerTok, status: 200,
		check: func(t *testing.T, rec *httptest.ResponseRecorder) { sched = decode[map[string]any](t, rec) }}})
	ovs := sched["overrides"].([]any)
	first := ovs[0].(map[string]any)["id"].(string)
	e.run([]scenario{
		{name: "other organization removes an override", method: "DELETE", path: s + "/overrides/" + first, token: f.outsider.Token, status: 404},
		{name: "remove an override", method: "DELETE", path: s + "/overrides/" + first, token: f.memberTok, status: 204},
		{name: "remove it again", method: "DELETE", path: s + "/overrides/" + first, token: f.memberTok, status: 404},
	})
	// A schedule an escalation policy pages cannot be deleted.
	rec := e.do("POST", "/api/v1/escalation-policies", f.memberTok, map[string]any{"name": "Pager", "rules": []any{
		map[string]any{"notify_type": "schedule", "notify_id": id}}})
	if rec.Code != 201 {
		t.Fatalf("policy with a schedule step: %d %s", rec.Code, rec.Body.String())
	}
	pol := decode[map[string]any](t, rec)["id"].(string)
	e.run([]scenario{
		{name: "schedule of another organization as a step", method: "POST", path: "/api/v1/escalation-policies", token: f.outsider.Token,
			body: map[string]any{"name": "Theirs", "rules": []any{map[string]any{"notify_type": "schedule", "notify_id": id}}}, status: 422,
			contains: []string{`"rules[0].notify_id":"no such schedule in this organization"`}},
		{name: "paged schedule cannot be deleted", method: "DELETE", path: s, token: f.memberTok, status: 409},
		{name: "drop the policy", method: "DELETE", path: "/api/v1/escalation-policies/" + pol, token: f.memberTok, status: 204},
	})
	e.run(f.outsiderRows(base, s, s, id))
	e.run(f.deleteRows(s, f.memberTok))
	wantAudit(t, e, f.owner.OrgID, "on_call_schedule.created", "on_call_schedule.updated", "on_call_schedule.override_added",
		"on_call_schedule.override_removed", "on_call_schedule.deleted")
}

func TestOnCallCalendarFeedAndContactMethods(t *testing.T) {
	e, f := newOrgEnv(t)
	rec := e.do("POST", "/api/v1/on-call-schedules", f.memberTok,
		map[string]any{"name": "Ops", "timezone": "Europe/Berlin", "layers": []any{oncallLayer(f.owner.ID, f.member.ID)}})
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	var url1, url2 string
	feedPath := func(u string) string { return u[strings.Index(u, "/api/v1/"):] }
	e.run([]scenario{
		{name: "no feed yet", method: "GET", path: "/api/v1/profile/on-call-calendar", token: f.memberTok, status: 200, contains: []string{`"enabled":false`}},
		{name: "revoke without a feed", method: "DELETE", path: "/api/v1/profile/on-call-calendar", token: f.memberTok, status: 404},
		{name: "create the feed", method: "POST", path: "/api/v1/profile/on-call-calendar", token: f.memberTok, status: 201,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				url1 = decode[map[string]any](t, rec)["url"].(string)
			}},
	})
	e.run([]scenario{
		{name: "the feed lists my shifts", method: "GET", path: feedPath(url1), status: 200,
			contains: []string{"BEGIN:VCALENDAR", "SUMMARY:On call: Ops", "DTSTART:20261125T080000Z", "DTEND:20261126T080000Z"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
					t.Errorf("content type %q", ct)
				}
				if strings.Contains(rec.Body.String(), "DTSTART:20261126T080000Z") {
					t.Error("the owner's shift is in the member's feed")
				}
			}},
		{name: "a wrong token", method: "GET", path: "/api/v1/on-call/calendar/cal_nope.ics", status: 404},
		{name: "rotate", method: "POST", path: "/api/v1/profile/on-call-calendar", token: f.memberTok, status: 201,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				url2 = decode[map[string]any](t, rec)["url"].(string)
			}},
	})
	e.run([]scenario{
		{name: "the old URL is dead", method: "GET", path: feedPath(url1), status: 404},
		{name: "the new one works", method: "GET", path: feedPath(url2), status: 200, contains: []string{"BEGIN:VEVENT"}},
		{name: "revoke", method: "DELETE", path: "/api/v1/profile/on-call-calendar", token: f.memberTok, status: 204},
		{name: "revoked", method: "GET", path: feedPath(url2), status: 404},

		{name: "contact method of an unknown type", method: "POST", path: "/api/v1/profile/contact-methods", token: f.memberTok,
			body: map[string]any{"type": "fax", "config": map[string]any{}}, status: 422, contains: []string{`"type"`}},
		{name: "contact method with a bad config", method: "POST", path: "/api/v1/profile/contact-methods", token: f.memberTok,
			body: map[string]any{"type": "sms", "config": map[string]any{}}, status: 422, contains: []string{`"config.`}},
		{name: "ntfy contact method: its token is sealed, never shown", method: "POST", path: "/api/v1/profile/contact-methods", token: f.memberTok,
			body: map[string]any{"type": "ntfy", "config": map[string]any{"topic": "mia-pager", "token": "tk_secret_value"}}, status: 201,
			contains: []string{`"type":"ntfy"`, `"topic":"mia-pager"`, `"secrets_set":["token"]`}, notContains: []string{"tk_secret_value"}},
		{name: "listed without secrets", method: "GET", path: "/api/v1/profile/contact-methods", token: f.memberTok, status: 200,
			contains: []string{`"mia-pager"`}, notContains: []string{"tk_secret_value"}},
		{name: "another member's list is their own", method: "GET", path: "/api/v1/profile/contact-methods", token: f.viewerTok, status: 200,
			contains: []string{`"contact_methods":[]`}},
	})
	key := decode[map[string]any](t, e.do("POST", "/api/v1/api-keys", f.adminTok, map[string]any{"name": "ci", "role": "member"}))["key"].(string)
	e.run([]scenario{
		{name: "an API key cannot create a feed", method: "POST", path: "/api/v1/profile/on-call-calendar", token: key, status: 403,
			contains: []string{"API keys cannot"}},
		{name: "an API key cannot add a contact method", method: "POST", path: "/api/v1/profile/contact-methods", token: key,
			body: map[string]any{"type": "ntfy", "config": map[string]any{"topic": "x"}}, status: 403},
	})
	wantAudit(t, e, f.owner.OrgID, "calendar_feed.rotated", "calendar_feed.revoked", "contact_method.created")
}

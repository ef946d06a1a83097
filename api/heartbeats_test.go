package api

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// createHeartbeat creates a heartbeat through the API and returns its view.
func (e *testEnv) createHeartbeat(token string, body map[string]any) heartbeatView {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/heartbeats", token, body)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create heartbeat: %d %s", rec.Code, rec.Body.String())
	}
	return decode[heartbeatView](e.t, rec)
}

var heartbeatKeyPattern = regexp.MustCompile(`^nightly-backup-[0-9a-f]{16}$`)

func TestHeartbeatCreateDefaultsAndView(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "Nightly backup"})

	if !heartbeatKeyPattern.MatchString(hb.UniqueKey) {
		t.Fatalf("unique_key %q is not <name-slug>-<16 hex>", hb.UniqueKey)
	}
	if hb.PingURL != "http://localhost:3001/api/v1/heartbeat/"+hb.UniqueKey {
		t.Fatalf("ping_url %q", hb.PingURL)
	}
	now := e.clock.Now()
	if hb.Status != "healthy" || hb.Schedule != "every 1h" || hb.GracePeriodSeconds != 300 || hb.Timezone != "UTC" ||
		hb.NextExpectedAt == nil || !hb.NextExpectedAt.Equal(now.Add(time.Hour)) || hb.LastPingAt != nil {
		t.Fatalf("defaults: %+v", hb)
	}
	rec := e.do(http.MethodGet, "/api/v1/heartbeats/"+hb.ID, u.Token, nil)
	for _, field := range []string{`"last_ping_at":null`, `"last_duration_ms":null`, `"created_at":"2026-11-25T12:00:00Z"`} {
		if !strings.Contains(rec.Body.String(), field) {
			t.Errorf("GET lacks %s: %s", field, rec.Body.String())
		}
	}
	if strings.Contains(rec.Body.String(), "digest") || strings.Contains(rec.Body.String(), "pings_kept") {
		t.Fatalf("internal fields leak: %s", rec.Body.String())
	}
	// A cron schedule in the organization's zone is stored canonical; the first deadline
	// is the next 02:00 in Berlin (01:00 UTC).
	berlin := e.createHeartbeat(u.Token, map[string]any{"name": "Berlin", "schedule": "0 2 * * *",
		"timezone": "Europe/Berlin", "grace_period_seconds": 0})
	if berlin.Schedule != "0 2 * * *" || !berlin.NextExpectedAt.Equal(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("cron heartbeat %+v", berlin)
	}
	canon := e.createHeartbeat(u.Token, map[string]any{"name": "Canon", "schedule": "EVERY 120m"})
	if canon.Schedule != "every 2h" {
		t.Fatalf("schedule %q, want canonical every 2h", canon.Schedule)
	}
	// Spelled-out units are accepted and stored in the canonical form.
	for in, want := range map[string]string{"every 5 minutes": "every 5m", "every minute": "every 1m", "every 2 hours": "every 2h", "every day": "every 1d"} {
		if hb := e.createHeartbeat(u.Token, map[string]any{"name": in, "schedule": in}); hb.Schedule != want {
			t.Fatalf("schedule %q stored as %q, want %q", in, hb.Schedule, want)
		}
	}
	if got := auditEvents(t, e, u.OrgID); !slices.Contains(got, "heartbeat.created") {
		t.Fatalf("audit %v", got)
	}
}

func TestHeartbeatValidation(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "job"})
	fields := func(want ...string) func(t *testing.T, rec *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertErrorBody(t, rec, "validation_failed")
			got := decode[map[string]any](t, rec)["fields"].(map[string]any)
			for _, f := range want {
				if _, ok := got[f]; !ok {
					t.Errorf("no error for %s: %v", f, got)
				}
			}
		}
	}
	e.run([]scenario{
		{name: "name required", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{}, status: 422, check: fields("name")},
		{name: "bad schedule, zone and grace at once", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body:   map[string]any{"name": "x", "schedule": "every 5 fortnights", "timezone": "Mars/Olympus", "grace_period_seconds": -1},
			status: 422, check: fields("schedule", "timezone", "grace_period_seconds"),
			contains: []string{`unit \"fortnights\" is not one of s, m, h, d`}},
		{name: "interval too short", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{"name": "x", "schedule": "every 5s"}, status: 422, contains: []string{"at least 10s"}},
		{name: "spelled-out interval too short", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{"name": "x", "schedule": "every 5 seconds"}, status: 422, check: fields("schedule"), contains: []string{"at least 10s"}},
		{name: "plural word without a count", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{"name": "x", "schedule": "every minutes"}, status: 422, check: fields("schedule")},
		{name: "bad cron field", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{"name": "x", "schedule": "61 * * * *"}, status: 422, check: fields("schedule")},
		{name: "grace over 7 days", method: "PUT", path: "/api/v1/heartbeats/" + hb.ID, token: u.Token,
			body: map[string]any{"grace_period_seconds": 604801}, status: 422, check: fields("grace_period_seconds")},
		{name: "unknown field", method: "POST", path: "/api/v1/heartbeats", token: u.Token,
			body: map[string]any{"name": "x", "interval": 5}, status: 400},
	})
}

// TestHeartbeatIsolationAndRoles: another organization gets 404 on every endpoint; a
// viewer reads but gets 403 on every write.
func TestHeartbeatIsolationAndRoles(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	other := e.newUser("other@example.com", "Other")
	viewer := e.join(owner.OrgID, e.newUser("viewer@example.com", "Viewer"), roleViewer)
	hb := e.createHeartbeat(owner.Token, map[string]any{"name": "job"})
	base := "/api/v1/heartbeats/" + hb.ID
	notFound := func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "not_found") }
	forbidden := func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "forbidden") }
	e.run([]scenario{
		{name: "other org get", method: "GET", path: base, token: other.Token, status: 404, check: notFound},
		{name: "other org put", method: "PUT", path: base, token: other.Token, body: map[string]any{"name": "x"}, status: 404, check: notFound},
		{name: "other org delete", method: "DELETE", path: base, token: other.Token, status: 404, check: notFound},
		{name: "other org pause", method: "POST", path: base + "/pause", token: other.Token, status: 404, check: notFound},
		{name: "other org resume", method: "POST", path: base + "/resume", token: other.Token, status: 404, check: notFound},
		{name: "other org pings", method: "GET", path: base + "/pings", token: other.Token, status: 404, check: notFound},
		{name: "other org list", method: "GET", path: "/api/v1/heartbeats", token: other.Token, status: 200, notContains: []string{hb.ID}},
		{name: "viewer list", method: "GET", path: "/api/v1/heartbeats", token: viewer, status: 200, contains: []string{hb.ID}},
		{name: "viewer get", method: "GET", path: base, token: viewer, status: 200},
		{name: "viewer pings", method: "GET", path: base + "/pings", token: viewer, status: 200},
		{name: "viewer create", method: "POST", path: "/api/v1/heartbeats", token: viewer, body: map[string]any{"name": "x"}, status: 403, check: forbidden},
		{name: "viewer put", method: "PUT", path: base, token: viewer, body: map[string]any{"name": "x"}, status: 403, check: forbidden},
		{name: "viewer delete", method: "DELETE", path: base, token: viewer, status: 403, check: forbidden},
		{name: "viewer pause", method: "POST", path: base + "/pause", token: viewer, status: 403, check: forbidden},
		{name: "viewer resume", method: "POST", path: base + "/resume", token: viewer, status: 403, check: forbidden},
		{name: "no token", method: "GET", path: base, status: 401},
	})
}

func TestHeartbeatUpdatePauseResumeDelete(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "job", "schedule": "every 1h"})
	base := "/api/v1/heartbeats/" + hb.ID
	e.clock.Advance(10 * time.Minute)
	after := e.clock.Now()
	e.run([]scenario{
		{name: "rename keeps deadline and key", method: "PUT", path: base, token: u.Token, body: map[string]any{"name": "renamed"},
			status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				v := decode[heartbeatView](t, rec)
				if v.Name != "renamed" || v.UniqueKey != hb.UniqueKey || !v.NextExpectedAt.Equal(*hb.NextExpectedAt) {
					t.Fatalf("%+v", v)
				}
			}},
		{name: "new schedule restarts the deadline", method: "PUT", path: base, token: u.Token, body: map[string]any{"schedule": "every 30m"},
			status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if v := decode[heartbeatView](t, rec); !v.NextExpectedAt.Equal(after.Add(30 * time.Minute)) {
					t.Fatalf("deadline %v", v.NextExpectedAt)
				}
			}},
		{name: "pause", method: "POST", path: base + "/pause", token: u.Token, status: 200,
			contains: []string{`"status":"paused"`, `"next_expected_at":null`}},
		{name: "pause again is a no-op", method: "POST", path: base + "/pause", token: u.Token, status: 200, contains: []string{`"status":"paused"`}},
		{name: "resume", method: "POST", path: base + "/resume", token: u.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if v := decode[heartbeatView](t, rec); v.Status != "healthy" || !v.NextExpectedAt.Equal(after.Add(30*time.Minute)) {
					t.Fatalf("%+v", v)
				}
			}},
		{name: "ping without a recorder commits on its own", method: "POST", path: "/api/v1/heartbeat/" + hb.UniqueKey,
			status: 200, check: func(t *testing.T, _ *httptest.ResponseRecorder) {
				if v := e.heartbeatStatus(u.Token, hb.ID); v.LastPingAt == nil || !v.NextExpectedAt.Equal(after.Add(30*time.Minute)) {
					t.Fatalf("after ping: %+v", v)
				}
			}},
		{name: "delete", method: "DELETE", path: base, token: u.Token, status: 204},
		{name: "gone", method: "GET", path: base, token: u.Token, status: 404},
		{name: "its key is gone", method: "POST", path: "/api/v1/heartbeat/" + hb.UniqueKey, status: 404},
	})
	want := []string{"heartbeat.deleted", "heartbeat.resumed", "heartbeat.paused", "heartbeat.updated", "heartbeat.updated", "heartbeat.created"}
	if got := auditEvents(t, e, u.OrgID); !slices.Equal(got, want) {
		t.Fatalf("audit %v, want %v", got, want)
	}
}

func TestHeartbeatListPaginated(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	for _, n := range []string{"a", "b", "c"} {
		e.createHeartbeat(u.Token, map[string]any{"name": n})
	}
	rec := e.do(http.MethodGet, "/api/v1/heartbeats?limit=2", u.Token, nil)
	page := decode[[]heartbeatView](t, rec)
	cursor := rec.Header().Get("X-Next-Cursor")
	if len(page) != 2 || cursor == "" {
		t.Fatalf("first page %d, cursor %q", len(page), cursor)
	}
	rest := decode[[]heartbeatView](t, e.do(http.MethodGet, "/api/v1/heartbeats?limit=2&cursor="+cursor, u.Token, nil))
	if len(rest) != 1 || rest[0].Name != "c" {
		t.Fatalf("second page %+v", rest)
	}
}

func TestNewHeartbeatKey(t *testing.T) {
	for name, want := range map[string]string{
		"Nightly backup":        `^nightly-backup-[0-9a-f]{16}$`,
		"Org sync":              `^org-sync-[0-9a-f]{16}$`,
		"!!!":                   `^heartbeat-[0-9a-f]{16}$`,
		strings.Repeat("a", 90): `^a{40}-[0-9a-f]{16}$`,
	} {
		key, err := newHeartbeatKey(name)
		if err != nil || !regexp.MustCompile(want).MatchString(key) {
			t.Errorf("newHeartbeatKey(%q) = %q, %v; want %s", name, key, err, want)
		}
	}
	a, _ := newHeartbeatKey("x")
	b, _ := newHeartbeatKey("x")
	if a == b {
		t.Fatalf("two keys for one name are equal: %s", a)
	}
}

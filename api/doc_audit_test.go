package api

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// auditRows reads the audit log through the API as the documentation shows
// it (SPEC §3.17), filtered by event.
func auditRows(t *testing.T, e *testEnv, token, event string) []map[string]any {
	t.Helper()
	rec := e.do(http.MethodGet, "/api/v1/audit-logs?event="+event, token, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("audit-logs: %d %s", rec.Code, rec.Body.String())
	}
	return decode[[]map[string]any](t, rec)
}

// TestDocAuditAlertFiredAndAutoResolved replays SPEC §3.17's "alerts (fired,
// acknowledged, resolved)": a service that fails fires its alert and the
// audit log says alert.fired by the system; it recovers and the log says
// alert.auto_resolved — each written in the transaction of the result.
func TestDocAuditAlertFiredAndAutoResolved(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	id := e.createHTTPService(ada.Token, "API", "https://api.example.com")
	now := e.clock.Now()
	e.recordAt(ada.OrgID,
		store.CheckResult{ServiceID: id, CheckedAt: now, Status: store.StatusRed, Error: "connection refused"},
		store.CheckResult{ServiceID: id, CheckedAt: now.Add(time.Minute), Status: store.StatusRed, Error: "connection refused"})
	fired := auditRows(t, e, ada.Token, "alert.fired")
	if len(fired) != 1 {
		t.Fatalf("alert.fired entries: %v", fired)
	}
	actor, _ := fired[0]["actor"].(map[string]any)
	res, _ := fired[0]["resource"].(map[string]any)
	meta, _ := fired[0]["metadata"].(map[string]any)
	if actor["type"] != "system" || res["type"] != "alert" || res["id"] == "" || meta["service_id"] != id {
		t.Fatalf("alert.fired = %v", fired[0])
	}
	e.recordAt(ada.OrgID, store.CheckResult{ServiceID: id, CheckedAt: now.Add(2 * time.Minute), Status: store.StatusGreen, StatusCode: 200})
	resolved := auditRows(t, e, ada.Token, "alert.auto_resolved")
	if len(resolved) != 1 || resolved[0]["resource"].(map[string]any)["id"] != res["id"] ||
		resolved[0]["actor"].(map[string]any)["type"] != "system" {
		t.Fatalf("alert.auto_resolved = %v", resolved)
	}
	if n := len(auditRows(t, e, ada.Token, "alert.fired")); n != 1 {
		t.Fatalf("%d alert.fired entries after the recovery", n)
	}
}

// TestDocAuditAPIKeyUsed replays the documented api_key.used entry: at most
// once per key per hour, naming the endpoint, the key as actor; the hour
// survives a restart (it is in the store), and requests within the hour
// write nothing more.
func TestDocAuditAPIKeyUsed(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "ci"})
	get := func(path string) {
		t.Helper()
		if rec := e.do(http.MethodGet, path, k.Key, nil); rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	used := func() []map[string]any { return auditRows(t, e, o.adminTok, "api_key.used") }
	get("/api/v1/services")
	rows := used()
	if len(rows) != 1 {
		t.Fatalf("api_key.used after one request: %v", rows)
	}
	actor, _ := rows[0]["actor"].(map[string]any)
	res, _ := rows[0]["resource"].(map[string]any)
	meta, _ := rows[0]["metadata"].(map[string]any)
	if actor["type"] != "api_key" || res["type"] != "api_key" || res["id"] != k.ID || meta["endpoint"] != "GET /api/v1/services" {
		t.Fatalf("api_key.used = %v", rows[0])
	}
	for range 5 {
		e.clock.Advance(5 * time.Minute)
		get("/api/v1/alerts")
	}
	if n := len(used()); n != 1 {
		t.Fatalf("%d api_key.used entries within the hour", n)
	}
	e.reopen() // a restart forgets the memory, not the hour
	e.clock.Advance(20 * time.Minute)
	get("/api/v1/alerts")
	if n := len(used()); n != 1 {
		t.Fatalf("%d api_key.used entries after a restart within the hour", n)
	}
	e.clock.Advance(15 * time.Minute)
	get("/api/v1/alerts")
	if rows := used(); len(rows) != 2 || rows[0]["metadata"].(map[string]any)["endpoint"] != "GET /api/v1/alerts" {
		t.Fatalf("after the hour: %v", rows)
	}
}

// TestAPIKeyUseWritesAtMostOncePerMinute counts the store's commits: a key
// used many times a second adds no write per request.
func TestAPIKeyUseWritesAtMostOncePerMinute(t *testing.T) {
	var writes atomic.Int64
	e := newTestEnvOpts(t, store.Options{Capture: func(*store.WriteSet) error { writes.Add(1); return nil }}, nil)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "ci"})
	var rec *httptest.ResponseRecorder
	rec = e.do(http.MethodGet, "/api/v1/services", k.Key, nil)
	before := writes.Load()
	for range 20 {
		rec = e.do(http.MethodGet, "/api/v1/services", k.Key, nil)
	}
	if rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
	if n := writes.Load() - before; n != 0 {
		t.Fatalf("%d commits for 20 requests of one key within a minute", n)
	}
}

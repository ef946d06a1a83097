package api

import (
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceResultsAgree runs real checks through the engine, adds history at fixed
// times, and checks that /checks, /metrics, /uptime, the service view and the
// organization overview tell the same story — and still do after the store is reopened.
func TestServiceResultsAgree(t *testing.T) {
	e, te := newEngineEnv(t, nil)
	ada := e.newUser("ada@example.com", "Ada")
	id := e.mustCreateService(ada.Token, map[string]any{"name": "Local", "endpoint": okServer(t).URL + "/health",
		"check_type": "http"})["id"].(string)
	t0 := e.clock.Now() // 12:00:00
	// History two hours back: up, down for a minute (503), then slow.
	e.recordAt(ada.OrgID,
		store.CheckResult{ServiceID: id, CheckedAt: t0.Add(-2 * time.Hour), Status: store.StatusGreen, ResponseTimeMS: 100, StatusCode: 200},
		store.CheckResult{ServiceID: id, CheckedAt: t0.Add(-2*time.Hour + time.Minute), Status: store.StatusRed, StatusCode: 503, Error: "expected status 2xx, got 503"},
		store.CheckResult{ServiceID: id, CheckedAt: t0.Add(-2*time.Hour + 2*time.Minute), Status: store.StatusYellow, ResponseTimeMS: 1500, StatusCode: 200},
	)
	// Three real checks, ten seconds apart (the probe's clock is the test's: 0 ms each).
	for range 3 {
		e.clock.Advance(10 * time.Second)
		rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil)
		if rec.Code != 200 {
			t.Fatalf("check now: %d %s", rec.Code, rec.Body.String())
		}
		if got := decode[checkView](t, rec); !got.CheckedAt.Equal(e.clock.Now()) || got.Status != "GREEN" || got.StatusCode != 200 {
			t.Fatalf("check now answered %+v", got)
		}
	}
	now := e.clock.Now() // 12:00:30
	str := func(s string) *string { return &s }
	wantChecks := []checkView{
		{CheckedAt: now, Status: "GREEN", StatusCode: 200, Location: "local"},
		{CheckedAt: now.Add(-10 * time.Second), Status: "GREEN", StatusCode: 200, Location: "local"},
		{CheckedAt: now.Add(-20 * time.Second), Status: "GREEN", StatusCode: 200, Location: "local"},
		{CheckedAt: t0.Add(-2*time.Hour + 2*time.Minute), Status: "YELLOW", ResponseTimeMS: 1500, StatusCode: 200, Location: "local"},
		{CheckedAt: t0.Add(-2*time.Hour + time.Minute), Status: "RED", StatusCode: 503, Error: str("expected status 2xx, got 503"), Location: "local"},
		{CheckedAt: t0.Add(-2 * time.Hour), Status: "GREEN", ResponseTimeMS: 100, StatusCode: 200, Location: "local"},
	}
	svcPath := "/api/v1/services/" + id
	checksPath := svcPath + "/checks?since=" + rfc(t0.Add(-3*time.Hour))
	rawPath := svcPath + "/metrics?envelope=true&from=" + rfc(t0.Add(-3*time.Hour)) + "&to=" + rfc(now.Add(time.Second))

	get := func(path string) *httptest.ResponseRecorder {
		t.Helper()
		rec := e.do("GET", path, ada.Token, nil)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
		return rec
	}
	if got := decode[[]checkView](t, get(checksPath)); !reflect.DeepEqual(got, wantChecks) {
		t.Fatalf("checks:\n got %+v\nwant %+v", got, wantChecks)
	}
	if got := decode[[]checkView](t, get(svcPath+"/checks")); !reflect.DeepEqual(got, wantChecks[:3]) {
		t.Fatalf("checks of the last hour: %+v", got)
	}

	// Raw points are the same results, oldest first.
	raw := decode[struct {
		ServiceID  string         `json:"service_id"`
		Resolution string         `json:"resolution"`
		Points     []rawPointView `json:"points"`
	}](t, get(rawPath))
	if raw.Resolution != "raw" || raw.ServiceID != id || len(raw.Points) != len(wantChecks) {
		t.Fatalf("raw metrics: %+v", raw)
	}
	for i, p := range raw.Points {
		w := wantChecks[len(wantChecks)-1-i]
		if !p.Timestamp.Equal(w.CheckedAt) || p.Status != w.Status || p.ResponseTimeMS != w.ResponseTimeMS || p.StatusCode != w.StatusCode {
			t.Errorf("raw point %d = %+v, want the check %+v", i, p, w)
		}
	}

	// The default 24 h are 1-minute rollups of the same checks.
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }
	hour := t0.Add(-2 * time.Hour)
	wantRollup := []rollupPointView{
		{Timestamp: hour, Status: "GREEN", ResponseTimeMS: f(100), Resolution: "1m", AvgResponseTimeMS: f(100), MinResponseTimeMS: n(100), MaxResponseTimeMS: n(100), P95ResponseTimeMS: n(100), Up: 1, Total: 1},
		{Timestamp: hour.Add(time.Minute), Status: "RED", Resolution: "1m", Up: 0, Total: 1},
		{Timestamp: hour.Add(2 * time.Minute), Status: "YELLOW", ResponseTimeMS: f(1500), Resolution: "1m", AvgResponseTimeMS: f(1500), MinResponseTimeMS: n(1500), MaxResponseTimeMS: n(1500), Up: 1, Total: 1},
		{Timestamp: t0, Status: "GREEN", ResponseTimeMS: f(0), Resolution: "1m", AvgResponseTimeMS: f(0), MinResponseTimeMS: n(0), MaxResponseTimeMS: n(0), P95ResponseTimeMS: n(0), Up: 3, Total: 3},
	}
	minute := decode[struct {
		Resolution string            `json:"resolution"`
		Points     []rollupPointView `json:"points"`
	}](t, get(svcPath+"/metrics?envelope=true"))
	if minute.Resolution != "1m" || len(minute.Points) != len(wantRollup) {
		t.Fatalf("default metrics: %+v", minute)
	}
	for i, p := range minute.Points {
		w := wantRollup[i]
		w.P95ResponseTimeMS = p.P95ResponseTimeMS // estimated from a histogram; checked below
		if !reflect.DeepEqual(p, w) {
			t.Errorf("rollup point %d = %s, want %s", i, toJSON(t, p), toJSON(t, w))
		}
	}
	if p := minute.Points[2].P95ResponseTimeMS; p == nil || *p < 1400 || *p > 1600 {
		t.Errorf("p95 of one 1500 ms check: %v", p)
	}

	// Uptime over 30 days: 6 checks, 1 failed, 1 degraded, the 60 s until the next check down.
	wantUptime := uptimeView{ServiceID: id, PeriodStart: time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC),
		PeriodEnd: time.Date(2026, 11, 25, 12, 1, 0, 0, time.UTC), UptimePercentage: 83.333,
		TotalChecks: 6, FailedChecks: 1, DegradedChecks: 1, DowntimeSeconds: 60}
	if got := decode[uptimeView](t, get(svcPath+"/uptime")); got != wantUptime {
		t.Fatalf("uptime:\n got %+v\nwant %+v", got, wantUptime)
	}

	// The service view and the overview agree with the history.
	svc := decode[map[string]any](t, get(svcPath))
	if svc["status"] != "GREEN" || svc["last_checked_at"] != rfc(now) || svc["last_status_code"] != 200.0 || svc["last_error"] != nil {
		t.Errorf("service view: %v", svc)
	}
	ov := decode[overviewView](t, get("/api/v1/metrics"))
	if len(ov.Services) != 1 {
		t.Fatalf("overview: %+v", ov)
	}
	row := ov.Services[0]
	for name, v := range map[string]*float64{"24h": row.Uptime24h, "7d": row.Uptime7d, "30d": row.Uptime30d, "totals": ov.Totals.Uptime24h} {
		if v == nil || *v != 83.333 {
			t.Errorf("overview uptime %s = %v, want 83.333", name, v)
		}
	}
	if a := row.AvgResponseTimeMS24h; a == nil || *a != 320 { // (100 + 1500 + 0 + 0 + 0) / 5 up checks
		t.Errorf("overview average response time = %v, want 320", a)
	}

	// A restart keeps the history: the same answers, byte for byte, from the reopened file.
	paths := []string{checksPath, rawPath, svcPath + "/metrics", svcPath + "/uptime", "/api/v1/metrics"}
	before := make(map[string]string)
	for _, p := range paths {
		before[p] = get(p).Body.String()
	}
	te.stop()
	e.reopen()
	for _, p := range paths {
		if after := get(p).Body.String(); after != before[p] {
			t.Errorf("GET %s after reopen:\n%s\nbefore:\n%s", p, after, before[p])
		}
	}
}

func TestServiceSeriesParameters(t *testing.T) {
	e := newTestEnv(t)
	ada, bob, viewer, id, bobsID := e.twoOrgServices()
	now := e.clock.Now()
	e.recordAt(ada.OrgID, store.CheckResult{ServiceID: id, CheckedAt: now.Add(-400 * 24 * time.Hour), Status: store.StatusGreen, ResponseTimeMS: 7})
	e.recordAt(ada.OrgID, store.CheckResult{ServiceID: id, CheckedAt: now.Add(-time.Hour), Status: store.StatusGreen, ResponseTimeMS: 9})
	s := "/api/v1/services/" + id
	e.run([]scenario{
		{name: "metrics: bad from", method: "GET", path: s + "/metrics?from=last-week", token: ada.Token, status: 422, contains: []string{`"from":"must be an RFC 3339 time`}},
		{name: "metrics: bad to", method: "GET", path: s + "/metrics?to=2026-13-01T00:00:00Z", token: ada.Token, status: 422, contains: []string{`"to":`}},
		{name: "metrics: from after to", method: "GET", path: s + "/metrics?from=" + rfc(now) + "&to=" + rfc(now.Add(-time.Hour)),
			token: ada.Token, status: 422, contains: []string{`"from":"must be before to"`}},
		{name: "metrics: a year is daily", method: "GET", path: s + "/metrics?envelope=1&from=" + rfc(now.Add(-500*24*time.Hour)), token: viewer, status: 200,
			contains: []string{`"resolution":"1d"`, `"from":"2025-07-13T12:00:00Z"`, `"to":"2026-11-25T12:00:00Z"`, `"avg_response_time_ms":7`, `"avg_response_time_ms":9`}},
		{name: "metrics: a week is hourly", method: "GET", path: s + "/metrics?envelope=1&from=" + rfc(now.Add(-7*24*time.Hour)), token: viewer, status: 200,
			contains: []string{`"resolution":"1h"`, `"timestamp":"2026-11-25T11:00:00Z"`}, notContains: []string{`"avg_response_time_ms":7`}},
		{name: "metrics: an empty range has no points", method: "GET", path: s + "/metrics?envelope=1&from=" + rfc(now.Add(-10*time.Minute)), token: viewer, status: 200,
			contains: []string{`"resolution":"raw"`, `"points":[]`}},
		{name: "metrics: other organization is 404", method: "GET", path: "/api/v1/services/" + bobsID + "/metrics", token: ada.Token, status: 404},
		{name: "uptime: bad to", method: "GET", path: s + "/uptime?to=now", token: ada.Token, status: 422, contains: []string{`"to":`}},
		{name: "uptime: from after to", method: "GET", path: s + "/uptime?from=" + rfc(now.Add(time.Hour)), token: ada.Token, status: 422},
		{name: "uptime: a period without checks says so", method: "GET", token: viewer, status: 200,
			path:     s + "/uptime?from=" + rfc(now.Add(-30*time.Minute)),
			contains: []string{`"note":"no checks recorded in this period"`, `"status":"GREEN"`, `"period_start":"2026-11-25T11:30:00Z"`}},
		{name: "uptime: two years back still counts the old check", method: "GET", token: viewer, status: 200,
			path: s + "/uptime?from=" + rfc(now.Add(-700*24*time.Hour)), contains: []string{`"total_checks":2`, `"uptime_percentage":100`}},
		{name: "uptime: never checked", method: "GET", path: "/api/v1/services/" + bobsID + "/uptime", token: bob.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				want := map[string]any{"service_id": bobsID, "status": "PENDING", "note": "no checks recorded yet"}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("uptime before any check: %v", got)
				}
			}},
		{name: "uptime: other organization is 404", method: "GET", path: "/api/v1/services/" + bobsID + "/uptime", token: ada.Token, status: 404},
	})
}

// twoOrgServices is the fixture of the history tests: Ada's service "Site", Bob's own
// service in his organization (which Ada's side must answer 404 for), and Bob as a
// viewer of Ada's organization.
func (e *testEnv) twoOrgServices() (ada, bob *testUser, viewer, id, bobsID string) {
	e.t.Helper()
	ada, bob, viewer = e.adaWithViewerBob()
	id = e.createHTTPService(ada.Token, "Site", "https://example.com")
	bobsID = e.createHTTPService(bob.Token, "Bob's", "https://example.org")
	return ada, bob, viewer, id, bobsID
}

package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceResultsByLocation: every result of GET /checks names its location (the
// built-in one for a service that names none); ?location= narrows /checks, /metrics and
// /uptime to one location, and a name the service is not checked from is 422 on the field
// (SPEC §8). The service's own uptime is the quorum's verdict: one failing location of
// three leaves it at 100 %.
func TestServiceResultsByLocation(t *testing.T) {
	e := newLocationsEnv(t)
	for _, name := range []string{"eu-west", "us-east"} {
		if err := e.db.CreateLocation(e.ada.OrgID, &store.Location{Name: name}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var multi, single string
	e.run([]scenario{
		{name: "three locations", method: "POST", path: "/api/v1/services", token: e.ada.Token, status: 201,
			body:  map[string]any{"name": "Shop", "endpoint": "https://example.com/", "check_type": "HTTP", "locations": []string{"eu-west", "us-east", "local"}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { multi = decode[serviceView](t, rec).ID }},
		{name: "the built-in location", method: "POST", path: "/api/v1/services", token: e.ada.Token, status: 201,
			body:  map[string]any{"name": "Blog", "endpoint": "https://example.com/blog", "check_type": "HTTP"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { single = decode[serviceView](t, rec).ID }},
	})
	at := e.clock.Now().Add(-10 * time.Minute)
	var batch []store.RecordItem
	for _, r := range []struct {
		loc, status string
		ms          int
	}{{"eu-west", store.StatusRed, 0}, {"us-east", store.StatusGreen, 40}, {"local", store.StatusGreen, 20}} {
		batch = append(batch, store.RecordItem{OrgID: e.ada.OrgID, Result: store.CheckResult{ServiceID: multi, CheckedAt: at,
			Status: r.status, ResponseTimeMS: r.ms, Location: r.loc}})
	}
	batch = append(batch, store.RecordItem{OrgID: e.ada.OrgID, Result: store.CheckResult{ServiceID: single, CheckedAt: at,
		Status: store.StatusGreen, ResponseTimeMS: 7}})
	if err := e.db.RecordResults(batch); err != nil {
		t.Fatal(err)
	}
	svcPath := "/api/v1/services/" + multi
	e.run([]scenario{
		{name: "every location's checks, each named", method: "GET", path: svcPath + "/checks", token: e.viewerTok, status: 200,
			contains: []string{`"location":"eu-west"`, `"location":"us-east"`, `"location":"local"`}},
		{name: "one location's checks", method: "GET", path: svcPath + "/checks?location=eu-west", token: e.viewerTok, status: 200,
			contains:    []string{`"status":"RED","response_time_ms":0,"status_code":0,"error":null,"location":"eu-west"}]`},
			notContains: []string{`us-east`, `"location":"local"`}},
		{name: "a result of the built-in location names it", method: "GET", path: "/api/v1/services/" + single + "/checks", token: e.viewerTok,
			status: 200, contains: []string{`"response_time_ms":7`, `"location":"local"`}},
		{name: "?location= of the built-in location on its own service", method: "GET", path: "/api/v1/services/" + single + "/uptime?location=local",
			token: e.viewerTok, status: 200, contains: []string{`"uptime_percentage":100`}},
		{name: "the service's uptime is the quorum's", method: "GET", path: svcPath + "/uptime", token: e.viewerTok, status: 200,
			contains: []string{`"uptime_percentage":100`, `"failed_checks":0`}},
		{name: "one location's uptime", method: "GET", path: svcPath + "/uptime?location=eu-west", token: e.viewerTok, status: 200,
			contains: []string{`"uptime_percentage":0`, `"total_checks":1`, `"failed_checks":1`}},
		{name: "one location's metrics", method: "GET", path: svcPath + "/metrics?location=us-east&from=" + at.Add(-time.Minute).Format(time.RFC3339),
			token: e.viewerTok, status: 200, contains: []string{`"response_time_ms":40`}, notContains: []string{`"response_time_ms":20`}},
		{name: "unknown location on /checks", method: "GET", path: svcPath + "/checks?location=mars", token: e.viewerTok, status: 422,
			contains: []string{`"error":"validation_failed"`, `"location":"is not a location this service is checked from"`}},
		{name: "unknown location on /metrics", method: "GET", path: svcPath + "/metrics?location=", token: e.viewerTok, status: 422,
			contains: []string{`"location":`}},
		{name: "a location of another service on /uptime", method: "GET", path: "/api/v1/services/" + single + "/uptime?location=eu-west",
			token: e.viewerTok, status: 422, contains: []string{`"location":`}},
		{name: "another organization's service stays 404", method: "GET", path: svcPath + "/checks?location=eu-west", token: e.bob.Token,
			status: 404},
	})
}

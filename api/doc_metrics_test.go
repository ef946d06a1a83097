package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDocMetricsArray replays SPEC §3.8 / §12's GET /services/{id}/metrics:
// the answer is an array of points {timestamp, status, response_time_ms,
// status_code}, the resolution and window in X-Resolution / X-From / X-To;
// rollup points carry response_time_ms too; ?envelope=true keeps the object.
func TestDocMetricsArray(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	id := e.createHTTPService(ada.Token, "API", "https://api.example.com")
	now := e.clock.Now()
	e.recordAt(ada.OrgID,
		store.CheckResult{ServiceID: id, CheckedAt: now.Add(-2 * time.Minute), Status: store.StatusGreen, ResponseTimeMS: 120, StatusCode: 200},
		store.CheckResult{ServiceID: id, CheckedAt: now.Add(-time.Minute), Status: store.StatusRed, StatusCode: 503, Error: "expected status 2xx, got 503"})
	path := "/api/v1/services/" + id + "/metrics"
	e.run([]scenario{
		{name: "raw: the documented array", method: "GET", path: path + "?from=" + rfc(now.Add(-time.Hour)), token: ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				pts := decode[[]map[string]any](t, rec)
				if len(pts) != 2 || pts[0]["timestamp"] != rfc(now.Add(-2*time.Minute)) || pts[0]["status"] != "GREEN" ||
					pts[0]["response_time_ms"] != 120.0 || pts[0]["status_code"] != 200.0 || pts[1]["status_code"] != 503.0 {
					t.Fatalf("points %s", rec.Body.String())
				}
				if rec.Header().Get("X-Resolution") != "raw" || rec.Header().Get("X-From") != rfc(now.Add(-time.Hour)) ||
					rec.Header().Get("X-To") != rfc(now) {
					t.Fatalf("headers %v", rec.Header())
				}
			}},
		{name: "rollups: the same fields plus the rollup's", method: "GET", path: path, token: ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				pts := decode[[]map[string]any](t, rec)
				if len(pts) != 2 || rec.Header().Get("X-Resolution") != "1m" {
					t.Fatalf("points %s", rec.Body.String())
				}
				for _, f := range []string{"timestamp", "status", "response_time_ms", "status_code", "resolution", "avg_response_time_ms", "up", "total"} {
					if _, ok := pts[0][f]; !ok {
						t.Errorf("rollup point lacks %s: %v", f, pts[0])
					}
				}
				if pts[0]["response_time_ms"] != 120.0 || pts[0]["resolution"] != "1m" || pts[1]["response_time_ms"] != nil {
					t.Errorf("rollup points %s", rec.Body.String())
				}
			}},
		{name: "?envelope=true keeps the object", method: "GET", path: path + "?envelope=true", token: ada.Token, status: 200,
			contains: []string{`"service_id":"` + id + `"`, `"resolution":"1m"`, `"points":[{`}},
		{name: "a bad envelope value is named", method: "GET", path: path + "?envelope=maybe", token: ada.Token, status: 422,
			contains: []string{`"envelope":`}},
	})
}

package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestMetricsOverview(t *testing.T) {
	e := newTestEnv(t)
	ada, bob, viewer := e.adaWithViewerBob()
	now := e.clock.Now()
	create := func(token, name string) string {
		return e.createHTTPService(token, name, "https://"+name+".example.com")
	}
	web, api, paused, fresh := create(ada.Token, "web"), create(ada.Token, "api"), create(ada.Token, "paused"), create(ada.Token, "fresh")
	bobs := create(bob.Token, "bobs")
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	// web: 3 up in the last day and 1 failure 3 days ago (7d and 30d see it, 24h does not).
	e.recordAt(ada.OrgID,
		store.CheckResult{ServiceID: web, CheckedAt: at(72 * time.Hour), Status: store.StatusRed},
		store.CheckResult{ServiceID: web, CheckedAt: at(3 * time.Hour), Status: store.StatusGreen, ResponseTimeMS: 100},
		store.CheckResult{ServiceID: web, CheckedAt: at(2 * time.Hour), Status: store.StatusYellow, ResponseTimeMS: 1400},
		store.CheckResult{ServiceID: web, CheckedAt: at(time.Hour), Status: store.StatusGreen, ResponseTimeMS: 100},
		// api: half its checks failed, the latest too.
		store.CheckResult{ServiceID: api, CheckedAt: at(2 * time.Hour), Status: store.StatusGreen, ResponseTimeMS: 50},
		store.CheckResult{ServiceID: api, CheckedAt: at(time.Hour), Status: store.StatusRed},
		store.CheckResult{ServiceID: paused, CheckedAt: at(time.Hour), Status: store.StatusGreen, ResponseTimeMS: 10},
	)
	if rec := e.do("POST", "/api/v1/services/"+paused+"/pause", ada.Token, nil); rec.Code != 200 {
		t.Fatalf("pause: %d", rec.Code)
	}
	e.run([]scenario{
		{name: "per service uptimes and totals", method: "GET", path: "/api/v1/metrics", token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[overviewView](t, rec)
				if len(got.Services) != 4 {
					t.Fatalf("services: %+v", got.Services)
				}
				want := []struct {
					id, name, status       string
					up24, up7, up30, avg24 *float64
				}{
					{web, "web", "GREEN", ptr(100.0), ptr(75.0), ptr(75.0), ptr(533.33)},
					{api, "api", "RED", ptr(50.0), ptr(50.0), ptr(50.0), ptr(50.0)},
					{paused, "paused", "PAUSED", ptr(100.0), ptr(100.0), ptr(100.0), ptr(10.0)},
					{fresh, "fresh", "PENDING", nil, nil, nil, nil},
				}
				for i, w := range want {
					g := got.Services[i]
					if g.ServiceID != w.id || g.Name != w.name || g.Status != w.status || !eqPtr(g.Uptime24h, w.up24) ||
						!eqPtr(g.Uptime7d, w.up7) || !eqPtr(g.Uptime30d, w.up30) || !eqPtr(g.AvgResponseTimeMS24h, w.avg24) {
						t.Errorf("row %d = %s, want %+v", i, toJSON(t, g), w)
					}
				}
				wantTotals := overviewTotals{Services: 4, Up: 1, Down: 1, Paused: 1, Pending: 1, Uptime24h: ptr(83.333)}
				if got.Totals.Uptime24h == nil || *got.Totals.Uptime24h != *wantTotals.Uptime24h {
					t.Errorf("totals uptime_24h = %v, want 83.333", got.Totals.Uptime24h)
				}
				got.Totals.Uptime24h = wantTotals.Uptime24h
				if got.Totals != wantTotals {
					t.Errorf("totals %+v, want %+v", got.Totals, wantTotals)
				}
			}},
		{name: "the sparkline: 15-minute means of the up checks over 6 hours", method: "GET", path: "/api/v1/metrics", token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[overviewView](t, rec)
				// now is on a slot boundary, so the newest slot (index 23) starts at now; web's
				// checks 3, 2 and 1 hours ago fall in slots 11, 15 and 19; api's RED one is not up.
				want := map[string]map[int]float64{web: {11: 100, 15: 1400, 19: 100}, api: {15: 50}, fresh: {}}
				for _, row := range got.Services {
					w, ok := want[row.ServiceID]
					if !ok {
						continue
					}
					if len(row.Sparkline) != 24 {
						t.Fatalf("%s: %d slots", row.Name, len(row.Sparkline))
					}
					for i, v := range row.Sparkline {
						if mean, set := w[i]; set != (v != nil) || (set && *v != mean) {
							t.Errorf("%s: slot %d = %v, want %v", row.Name, i, v, w[i])
						}
					}
				}
			}},
		{name: "null, not 100, without checks", method: "GET", path: "/api/v1/metrics", token: bob.Token, status: 200,
			contains:    []string{`"service_id":"` + bobs + `"`, `"uptime_24h":null`, `"avg_response_time_ms_24h":null`},
			notContains: []string{web}},
		{name: "an organization the caller is not in is 404", method: "GET", path: "/api/v1/metrics?org=" + bob.OrgSlug, token: ada.Token, status: 404},
	})
}

func ptr[T any](v T) *T { return &v }

func eqPtr(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

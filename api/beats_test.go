package api

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestBeatsOfManyServicesAndHeartbeats reads the beat bars of two services and a heartbeat
// in one request: the newest limit of each, oldest first, another organization's ids and
// unknown ones left out, and a request of too many ids or a bad limit refused with the flat
// 422 body.
func TestBeatsOfManyServicesAndHeartbeats(t *testing.T) {
	e := newPingEnv(t)
	ada, bob, viewer := e.adaWithViewerBob()
	site := e.createHTTPService(ada.Token, "Site", "https://example.com")
	api := e.createHTTPService(ada.Token, "API", "https://api.example.com")
	never := e.createHTTPService(ada.Token, "Never checked", "https://new.example.com")
	bobs := e.createHTTPService(bob.Token, "Bob's", "https://example.org")
	t0 := e.clock.Now()
	// 60 results of Site a minute apart, the 55th down; 2 of API; 1 of Bob's.
	var results []store.CheckResult
	for i := range 60 {
		r := store.CheckResult{ServiceID: site, CheckedAt: t0.Add(time.Duration(i-60) * time.Minute), Status: store.StatusGreen,
			ResponseTimeMS: 100 + i, StatusCode: 200}
		if i == 55 {
			r.Status, r.StatusCode, r.Error = store.StatusRed, 503, "expected status 2xx, got 503"
		}
		results = append(results, r)
	}
	results = append(results,
		store.CheckResult{ServiceID: api, CheckedAt: t0.Add(-2 * time.Minute), Status: store.StatusYellow, ResponseTimeMS: 1500, StatusCode: 200},
		store.CheckResult{ServiceID: api, CheckedAt: t0.Add(-time.Minute), Status: store.StatusMaintenance, ResponseTimeMS: 20, StatusCode: 200})
	e.recordAt(ada.OrgID, results...)
	e.recordAt(bob.OrgID, store.CheckResult{ServiceID: bobs, CheckedAt: t0.Add(-time.Minute), Status: store.StatusRed, Error: "secret of bob"})

	hb := e.createHeartbeat(ada.Token, map[string]any{"name": "Nightly backup"})
	bobsHB := e.createHeartbeat(bob.Token, map[string]any{"name": "Bob's job"})
	for _, p := range []string{"", "/start", "/fail", ""} {
		e.clock.Advance(time.Second)
		if rec := e.do("POST", "/api/v1/heartbeat/"+hb.UniqueKey+p, "", "disk full"); rec.Code != 200 {
			t.Fatalf("ping %q: %d %s", p, rec.Code, rec.Body.String())
		}
	}
	if rec := e.do("POST", "/api/v1/heartbeat/"+bobsHB.UniqueKey, "", nil); rec.Code != 200 {
		t.Fatalf("bob's ping: %d", rec.Code)
	}

	ids := strings.Join([]string{site, api, never, bobs, "0190a1b2-0000-7000-8000-000000000000"}, ",")
	path := "/api/v1/beats?service_ids=" + ids + "&heartbeat_ids=" + hb.ID + "," + bobsHB.ID
	tooMany := make([]string, maxBeatIDs+1)
	for i := range tooMany {
		tooMany[i] = "id" + strconv.Itoa(i)
	}
	e.run([]scenario{
		{name: "anonymous is 401", method: "GET", path: path, status: 401},
		{name: "a viewer reads the beats", method: "GET", path: path, token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[beatsView](t, rec)
				if got.Limit != 50 || len(got.Services) != 3 || len(got.Heartbeats) != 1 {
					t.Fatalf("limit %d, %d services, %d heartbeats: %s", got.Limit, len(got.Services), len(got.Heartbeats), rec.Body.String())
				}
				s := got.Services[site]
				if len(s.At) != 50 || len(s.Status) != 50 || len(s.ResponseTimeMS) != 50 ||
					s.At[0] != t0.Add(-50*time.Minute).Unix() || s.At[49] != t0.Add(-time.Minute).Unix() {
					t.Fatalf("site beats: %d, first %v, last %v", len(s.At), s.At[0], s.At[len(s.At)-1])
				}
				// The 56th of 60 is the 46th of the newest 50: down, with its message, the only one.
				if s.Status != strings.Repeat("G", 45)+"R"+strings.Repeat("G", 4) || s.ResponseTimeMS[45] != 155 ||
					len(s.Message) != 1 || s.Message["45"] != "expected status 2xx, got 503" {
					t.Fatalf("site statuses %q, latency %d, messages %v", s.Status, s.ResponseTimeMS[45], s.Message)
				}
				if a := got.Services[api]; a.Status != "YM" || a.ResponseTimeMS[0] != 1500 {
					t.Fatalf("api beats %+v", a)
				}
				if n, ok := got.Services[never]; !ok || len(n.At) != 0 || n.Status != "" {
					t.Fatalf("a service never checked has an empty bar, got %+v (present %v)", n, ok)
				}
				h := got.Heartbeats[hb.ID]
				if h.Kind != "PSFP" || h.Message["2"] != "disk full" || len(h.At) != 4 || h.DurationMS[2] == nil || h.DurationMS[0] != nil {
					t.Fatalf("heartbeat beats %+v", h)
				}
			},
			notContains: []string{bobs, bobsHB.ID, "secret of bob"}},
		{name: "limit picks the newest", method: "GET", path: "/api/v1/beats?limit=3&service_ids=" + site, token: ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				s := decode[beatsView](t, rec).Services[site]
				if len(s.At) != 3 || s.At[2] != t0.Add(-time.Minute).Unix() || s.ResponseTimeMS[2] != 159 || s.Status != "GGG" {
					t.Fatalf("beats %+v", s)
				}
			}},
		{name: "bob sees only his own", method: "GET", path: path, token: bob.Token, status: 200,
			contains: []string{bobs, bobsHB.ID}, notContains: []string{site, hb.ID}},
		{name: "no ids is an empty answer", method: "GET", path: "/api/v1/beats", token: ada.Token, status: 200,
			contains: []string{`"services":{}`, `"heartbeats":{}`}},
		{name: "too many ids", method: "GET", path: "/api/v1/beats?service_ids=" + strings.Join(tooMany, ","), token: ada.Token, status: 422,
			contains: []string{`"error":"validation_failed"`, `"fields":{"service_ids":"at most 1000 ids`}},
		{name: "too many ids counting heartbeats", method: "GET", path: "/api/v1/beats?service_ids=" + strings.Join(tooMany[:1000], ",") + "&heartbeat_ids=" + hb.ID,
			token: ada.Token, status: 422, contains: []string{`"service_ids"`}},
		{name: "limit out of range", method: "GET", path: "/api/v1/beats?limit=101&service_ids=" + site, token: ada.Token, status: 422,
			contains: []string{`"fields":{"limit":"must be a whole number from 1 to 100"}`}},
		{name: "limit not a number", method: "GET", path: "/api/v1/beats?limit=x", token: ada.Token, status: 422,
			contains: []string{`"limit"`}},
	})
}

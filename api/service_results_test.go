package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// okServer is a loopback HTTP target answering 200 "ok".
func okServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// checkKeys is the exact key set of a check-now result (certificate added for TLS). A row
// of GET /checks has the same keys but timings, which are not stored per result.
var checkKeys = []string{"checked_at", "error", "response_time_ms", "status", "status_code", "timings"}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestServiceCheckNow(t *testing.T) {
	e, _ := newEngineEnv(t, nil)
	ada, bob, viewer := e.adaWithViewerBob()
	srv := okServer(t)
	id := e.createHTTPService(ada.Token, "Local", srv.URL+"/health")
	down := e.mustCreateService(ada.Token, map[string]any{"name": "Closed port", "endpoint": closedPort(t), "check_type": "tcp"})["id"].(string)
	bobsID := e.createHTTPService(bob.Token, "Bob's", srv.URL)
	path := "/api/v1/services/" + id + "/check"

	e.run([]scenario{
		{name: "viewer may not check", method: "POST", path: path, token: viewer, status: 403},
		{name: "other organization's service is 404", method: "POST", path: "/api/v1/services/" + bobsID + "/check", token: ada.Token, status: 404},
		{name: "unknown service is 404", method: "POST", path: "/api/v1/services/0190a1b2-0000-7000-8000-000000000000/check", token: ada.Token, status: 404},
		{name: "check now answers the committed result", method: "POST", path: path, token: ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				if !reflect.DeepEqual(sortedKeys(got), checkKeys) {
					t.Fatalf("keys %v, want %v", sortedKeys(got), checkKeys)
				}
				// The test clock stands still, so every phase gone through reads 0 ms; the ones
				// not gone through (no lookup for 127.0.0.1, no TLS) are null.
				timings := map[string]any{"dns_ms": nil, "connect_ms": 0.0, "tls_ms": nil, "first_byte_ms": 0.0}
				want := map[string]any{"checked_at": "2026-11-25T12:00:00Z", "status": "GREEN", "status_code": 200.0,
					"error": nil, "response_time_ms": 0.0, "timings": timings}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("result %v, want %v", got, want)
				}
			}},
		{name: "the result is visible at once", method: "GET", path: "/api/v1/services/" + id, token: viewer, status: 200,
			contains: []string{`"status":"GREEN"`, `"last_checked_at":"2026-11-25T12:00:00Z"`, `"last_status_code":200`,
				`"last_timings":{"dns_ms":null,"connect_ms":0,"tls_ms":null,"first_byte_ms":0}`}},
		{name: "the history row has no timings", method: "GET", path: "/api/v1/services/" + id + "/checks", token: viewer, status: 200,
			contains: []string{`"status":"GREEN"`}, notContains: []string{"timings"}},
		{name: "a failing check is a RED result, not an error", method: "POST", path: "/api/v1/services/" + down + "/check", token: ada.Token, status: 200,
			contains: []string{`"status":"RED"`, `"error":"connection refused"`, `"status_code":0`,
				`"timings":{"dns_ms":null,"connect_ms":0,"tls_ms":null,"first_byte_ms":null}`}},
		{name: "a service never checked has no timings", method: "GET", path: "/api/v1/services/" + bobsID, token: bob.Token, status: 200,
			contains: []string{`"last_timings":null`}},
	})
	if ev := auditEvents(t, e, ada.OrgID); !slices.Contains(ev, "service.checked") {
		t.Errorf("audit events %v lack service.checked", ev)
	}

	// A paused service may be checked on request: history grows, the status stays PAUSED.
	e.clock.Advance(time.Minute)
	if rec := e.do("POST", "/api/v1/services/"+id+"/pause", ada.Token, nil); rec.Code != 200 {
		t.Fatalf("pause: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("POST", path, ada.Token, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"GREEN"`) {
		t.Fatalf("check of a paused service: %d %s", rec.Code, rec.Body.String())
	}
	svc, err := e.db.Service(ada.OrgID, id)
	if err != nil || svc.Status != store.StatusPaused {
		t.Fatalf("paused service after check now: %+v, %v", svc, err)
	}
	if got, _ := e.db.Checks(ada.OrgID, id, time.Time{}, time.Time{}, 0); len(got) != 2 {
		t.Fatalf("history holds %d results, want 2", len(got))
	}
}

// closedPort returns host:port of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

// TestServiceCheckNowOneAtATime: a second check of the same service while the first still
// runs is refused (409) instead of piling up probes; other services are not held up.
func TestServiceCheckNowOneAtATime(t *testing.T) {
	e, _ := newEngineEnv(t, nil)
	ada := e.newUser("ada@example.com", "Ada")
	entered, release := make(chan struct{}, 1), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	defer slow.Close()
	defer close(release)
	id := e.createHTTPService(ada.Token, "Slow", slow.URL)
	other := e.createHTTPService(ada.Token, "Fast", okServer(t).URL)

	first := make(chan *httptest.ResponseRecorder, 1)
	go func() { first <- e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil) }()
	<-entered
	rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil)
	if rec.Code != http.StatusConflict {
		t.Fatalf("second check while the first runs: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "conflict")
	if rec := e.do("POST", "/api/v1/services/"+other+"/check", ada.Token, nil); rec.Code != 200 {
		t.Fatalf("another service's check: %d %s", rec.Code, rec.Body.String())
	}
	release <- struct{}{}
	if rec := <-first; rec.Code != 200 {
		t.Fatalf("first check: %d %s", rec.Code, rec.Body.String())
	}
	e.clock.Advance(time.Second)
	go func() { <-entered; release <- struct{}{} }()
	if rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil); rec.Code != 200 {
		t.Fatalf("check after the first finished: %d %s", rec.Code, rec.Body.String())
	}
}

// TestServiceCheckNowWhileScheduledCheckRuns: a check the engine runs on its own (the
// scheduler's path, monitor.Checker.Check) holds the service, so check-now answers 409 with
// the flat body and a message saying why, instead of probing the target a second time.
func TestServiceCheckNowWhileScheduledCheckRuns(t *testing.T) {
	e, te := newEngineEnv(t, nil)
	ada := e.newUser("ada@example.com", "Ada")
	entered, release := make(chan struct{}, 2), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-time.After(3 * time.Second): // an unfixed server runs check-now here; end it
		}
	}))
	defer slow.Close()
	id := e.createHTTPService(ada.Token, "Slow", slow.URL)
	svc, err := e.db.Service(ada.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	scheduled := make(chan error, 1)
	go func() {
		_, err := te.eng.Checker.Check(t.Context(), svc)
		scheduled <- err
	}()
	<-entered
	rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil)
	if rec.Code != http.StatusConflict {
		t.Fatalf("check-now during a scheduled check: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "conflict")
	if msg := decode[map[string]any](t, rec)["message"].(string); !strings.Contains(msg, "already running") {
		t.Errorf("message %q does not say a check is already running", msg)
	}
	close(release)
	if err := <-scheduled; err != nil {
		t.Fatalf("scheduled check: %v", err)
	}
	e.clock.Advance(time.Second)
	if rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil); rec.Code != 200 {
		t.Fatalf("check-now after the scheduled check ended: %d %s", rec.Code, rec.Body.String())
	}
}

func TestServiceCheckNowWithoutEngine(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	id := e.createHTTPService(ada.Token, "Site", "https://example.com")
	rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("check without an engine: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "unavailable")
	if rec := e.do("POST", "/api/v1/services/0190a1b2-0000-7000-8000-000000000000/check", ada.Token, nil); rec.Code != 404 {
		t.Fatalf("unknown service without an engine: %d", rec.Code)
	}
}

func TestServiceChecksList(t *testing.T) {
	e := newTestEnv(t)
	ada, bob, viewer, id, bobsID := e.twoOrgServices()
	now := e.clock.Now()
	// One result a minute for the last 90 minutes; the latest fails.
	var results []store.CheckResult
	for i := 90; i >= 1; i-- {
		results = append(results, store.CheckResult{ServiceID: id, CheckedAt: now.Add(-time.Duration(i) * time.Minute),
			Status: store.StatusGreen, ResponseTimeMS: i, StatusCode: 200})
	}
	results[len(results)-1] = store.CheckResult{ServiceID: id, CheckedAt: now.Add(-time.Minute), Status: store.StatusRed,
		StatusCode: 503, Error: "expected status 2xx, got 503"}
	e.recordAt(ada.OrgID, results...)
	base := "/api/v1/services/" + id + "/checks"
	list := func(t *testing.T, rec *httptest.ResponseRecorder) []checkView { return decode[[]checkView](t, rec) }

	e.run([]scenario{
		{name: "default is the last hour, newest first", method: "GET", path: base, token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := list(t, rec)
				if len(got) != 60 || !got[0].CheckedAt.Equal(now.Add(-time.Minute)) || !got[59].CheckedAt.Equal(now.Add(-time.Hour)) {
					t.Fatalf("%d results from %v to %v", len(got), got[0].CheckedAt, got[len(got)-1].CheckedAt)
				}
				if got[0].Status != "RED" || got[0].Error == nil || *got[0].Error != "expected status 2xx, got 503" || got[0].StatusCode != 503 {
					t.Errorf("latest result %+v", got[0])
				}
				if got[1].Error != nil || got[1].ResponseTimeMS != 2 {
					t.Errorf("second result %+v", got[1])
				}
			}},
		{name: "since and until bound the window", method: "GET", token: ada.Token, status: 200,
			path: base + "?since=" + rfc(now.Add(-10*time.Minute)) + "&until=" + rfc(now.Add(-5*time.Minute)),
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := list(t, rec); len(got) != 5 || !got[0].CheckedAt.Equal(now.Add(-6*time.Minute)) {
					t.Fatalf("window: %+v", got)
				}
			}},
		{name: "limit pages with a cursor", method: "GET", token: ada.Token, status: 200,
			path: base + "?since=" + rfc(now.Add(-2*time.Hour)) + "&limit=50",
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := list(t, rec); len(got) != 50 {
					t.Fatalf("first page: %d", len(got))
				}
				cur := rec.Header().Get("X-Next-Cursor")
				next := e.do("GET", base+"?since="+rfc(now.Add(-2*time.Hour))+"&limit=50&cursor="+cur, ada.Token, nil)
				got := list(t, next)
				if len(got) != 40 || next.Header().Get("X-Next-Cursor") != "" || !got[39].CheckedAt.Equal(now.Add(-90*time.Minute)) {
					t.Fatalf("second page: %d results, cursor %q", len(got), next.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "bad since is 422 on the field", method: "GET", path: base + "?since=yesterday", token: ada.Token, status: 422,
			contains: []string{`"since":"must be an RFC 3339 time`}},
		{name: "since after until is 422", method: "GET", token: ada.Token, status: 422,
			path: base + "?since=" + rfc(now) + "&until=" + rfc(now.Add(-time.Hour)), contains: []string{`"since":"must be before until"`}},
		{name: "bad limit is 422", method: "GET", path: base + "?limit=5000", token: ada.Token, status: 422},
		{name: "bad cursor is 400", method: "GET", path: base + "?cursor=abc", token: ada.Token, status: 400},
		{name: "other organization's service is 404", method: "GET", path: "/api/v1/services/" + bobsID + "/checks", token: ada.Token, status: 404},
		{name: "a service never checked has an empty list", method: "GET", path: "/api/v1/services/" + bobsID + "/checks", token: bob.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if strings.TrimSpace(rec.Body.String()) != "[]" {
					t.Fatalf("body %s, want []", rec.Body.String())
				}
			}},
	})
}

// rfc formats a time for a query string.
func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

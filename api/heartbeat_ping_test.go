package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
)

// newPingEnv is newTestEnv with a running PingRecorder in the router's Deps, as serve has.
func newPingEnv(t *testing.T) *testEnv {
	t.Helper()
	var rec *alerting.PingRecorder
	e := newTestEnvWith(t, func(d *Deps) {
		rec = alerting.NewPingRecorder(d.Store, nil)
		d.Pings = rec
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rec.Run(ctx) }()
	t.Cleanup(func() { // runs before the store's cleanup (LIFO): flush, then close
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ping recorder: %v", err)
		}
	})
	return e
}

// heartbeatStatus reads a heartbeat through the API.
func (e *testEnv) heartbeatStatus(token, id string) heartbeatView {
	e.t.Helper()
	rec := e.do(http.MethodGet, "/api/v1/heartbeats/"+id, token, nil)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("get heartbeat: %d %s", rec.Code, rec.Body.String())
	}
	return decode[heartbeatView](e.t, rec)
}

func TestHeartbeatPingKinds(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "Nightly backup"})
	ping := "/api/v1/heartbeat/" + hb.UniqueKey
	okBody := func(t *testing.T, rec *httptest.ResponseRecorder) {
		got := decode[map[string]any](t, rec)
		if got["status"] != "ok" || got["monitor"] != "Nightly backup" || got["pinged_at"] != e.clock.Now().Format(time.RFC3339) {
			t.Fatalf("ping answer %v", got)
		}
		if rawHeader(rec.Header(), "X-RateLimit-Limit") != "60" {
			t.Fatalf("rate headers %v", rec.Header())
		}
	}
	e.run([]scenario{
		{name: "GET ping", method: "GET", path: ping, status: 200, check: okBody},
		{name: "POST start", method: "POST", path: ping + "/start", body: "starting", status: 200, check: okBody},
		{name: "GET fail", method: "GET", path: ping + "/fail", status: 200, check: okBody},
		{name: "unknown key", method: "POST", path: "/api/v1/heartbeat/nightly-backup-00000000", status: 404,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "not_found") }},
		{name: "unknown start", method: "GET", path: "/api/v1/heartbeat/nope/start", status: 404},
	})
	if v := e.heartbeatStatus(u.Token, hb.ID); v.Status != "down" || v.LastDurationMS == nil || *v.LastDurationMS != 0 {
		t.Fatalf("after /fail: %+v", v)
	}
	e.clock.Advance(time.Minute)
	if rec := e.do(http.MethodPost, ping, "", `{"ok":true}`); rec.Code != 200 {
		t.Fatalf("POST ping: %d", rec.Code)
	}
	v := e.heartbeatStatus(u.Token, hb.ID)
	if v.Status != "healthy" || !v.LastPingAt.Equal(e.clock.Now()) || !v.NextExpectedAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("after ping: %+v", v)
	}
	pings := decode[[]pingView](t, e.do(http.MethodGet, "/api/v1/heartbeats/"+hb.ID+"/pings", u.Token, nil))
	kinds := make([]string, 0, len(pings))
	for _, p := range pings {
		kinds = append(kinds, p.Kind)
	}
	if strings.Join(kinds, ",") != "ping,fail,start,ping" || pings[0].Body != `{"ok":true}` || pings[2].Body != "starting" ||
		pings[0].SourceIP != "192.0.2.10" {
		t.Fatalf("pings newest first: %v %+v", kinds, pings[0])
	}
}

func TestHeartbeatPingRateLimitAndBody(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "chatty"})
	quiet := e.createHeartbeat(u.Token, map[string]any{"name": "quiet"})
	ping := "/api/v1/heartbeat/" + hb.UniqueKey

	big := strings.Repeat("a", 10*1024) + strings.Repeat("b", 50*1024)
	if rec := e.do(http.MethodPost, ping, "", big); rec.Code != 200 {
		t.Fatalf("big body: %d %s", rec.Code, rec.Body.String())
	}
	for i := 2; i <= 60; i++ {
		if rec := e.do(http.MethodGet, ping, "", nil); rec.Code != 200 {
			t.Fatalf("ping %d: %d", i, rec.Code)
		}
	}
	rec := e.do(http.MethodGet, ping, "", nil)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("61st ping: %d", rec.Code)
	}
	assertErrorBody(t, rec, "rate_limited")
	if decode[map[string]any](t, rec)["retry_after"] == nil || rawHeader(rec.Header(), "X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 lacks retry_after / headers: %s %v", rec.Body.String(), rec.Header())
	}
	// The limit is per key: another heartbeat is unaffected.
	if rec := e.do(http.MethodGet, "/api/v1/heartbeat/"+quiet.UniqueKey, "", nil); rec.Code != 200 {
		t.Fatalf("other key: %d", rec.Code)
	}
	e.clock.Advance(time.Second)
	if rec := e.do(http.MethodGet, ping, "", nil); rec.Code != 200 {
		t.Fatalf("a second later one token is back: %d", rec.Code)
	}
	pings := decode[[]pingView](t, e.do(http.MethodGet, "/api/v1/heartbeats/"+hb.ID+"/pings", u.Token, nil))
	if len(pings) != 61 {
		t.Fatalf("%d pings kept, want 61 (the refused one is not stored)", len(pings))
	}
	first := pings[len(pings)-1].Body
	if len(first) != 10*1024 || strings.Contains(first, "b") {
		t.Fatalf("body kept %d bytes", len(first))
	}
	tooBig := strings.Repeat("x", 2<<20)
	e.clock.Advance(time.Minute)
	if rec := e.do(http.MethodPost, ping, "", tooBig); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over 1 MiB: %d", rec.Code)
	}
}

// TestHeartbeatOnTimeMissedRecovered: pinged on time stays healthy; missing schedule + grace
// makes it down (late in between); the next ping recovers it — on a fixed clock, through
// the deadline watcher.
func TestHeartbeatOnTimeMissedRecovered(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "job", "schedule": "every 10m", "grace_period_seconds": 120})
	watch := &alerting.HeartbeatWatcher{Store: e.db, Now: e.clock.Now}
	ping := "/api/v1/heartbeat/" + hb.UniqueKey
	step := func(advance time.Duration, pinged bool, want string) {
		t.Helper()
		e.clock.Advance(advance)
		if pinged {
			if rec := e.do(http.MethodPost, ping, "", nil); rec.Code != 200 {
				t.Fatalf("ping: %d %s", rec.Code, rec.Body.String())
			}
		}
		if _, err := watch.Sweep(); err != nil {
			t.Fatal(err)
		}
		if got := e.heartbeatStatus(u.Token, hb.ID).Status; got != want {
			t.Fatalf("at %s: %s, want %s", e.clock.Now().Format(time.TimeOnly), got, want)
		}
	}
	for range 3 {
		step(9*time.Minute, true, "healthy") // on time, three times over
	}
	step(10*time.Minute+time.Second, false, "late")
	step(2*time.Minute, false, "down")
	step(time.Hour, false, "down")
	step(0, true, "healthy")
	step(11*time.Minute, false, "late")
	// Paused: never late or down, however long it stays silent.
	if rec := e.do(http.MethodPost, "/api/v1/heartbeats/"+hb.ID+"/pause", u.Token, nil); rec.Code != 200 {
		t.Fatalf("pause: %d", rec.Code)
	}
	step(48*time.Hour, false, "paused")
}

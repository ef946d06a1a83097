package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// pingFrom pings key from the client address ip.
func (e *testEnv) pingFrom(ip, key string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.doFrom(ip, http.MethodGet, "/api/v1/heartbeat/"+key, "", nil)
}

// guessKey is the i-th made-up key in the shape of a real one.
func guessKey(i int) string { return fmt.Sprintf("nightly-backup-%016x", 0xdead0000+i) }

// TestHeartbeatUnknownKeysLimitedPerClient: unknown keys are 404 with the guess window's
// headers until a client (an IPv4 address or an IPv6 /64) has sent pingGuessLimit of them
// in the window, then 429 with the flat body and headers; other clients are not affected,
// and neither are valid keys pinged from elsewhere, which keep their own per-key limit.
func TestHeartbeatUnknownKeysLimitedPerClient(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	hb := e.createHeartbeat(u.Token, map[string]any{"name": "Nightly backup"})
	n := pingGuessLimit.burst
	interval := time.Minute / time.Duration(pingGuessLimit.perMinute)
	for i := range n {
		reset := e.clock.Now().Add(time.Duration(i+1) * interval) // the bucket is full again then
		rec := e.pingFrom(v6(i), guessKey(i))
		if rec.Code != http.StatusNotFound {
			t.Fatalf("guess %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
		assertErrorBody(t, rec, "not_found")
		wantRateHeaders(pingGuessLimit.burst, n-i-1, reset, 60)(t, rec)
	}
	for _, key := range []string{guessKey(n), "x", hb.UniqueKey + "0"} {
		rec := e.pingFrom("2001:db8:a:b::99", key)
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("guess %q past the limit from the same /64: %d %s", key, rec.Code, rec.Body.String())
		}
		assertErrorBody(t, rec, "rate_limited")
		if rawHeader(rec.Header(), "X-RateLimit-Remaining") != "0" || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("429 without headers: %v", rec.Header())
		}
	}
	// Someone else's guessing slows nobody else: another /64 still gets 404s, and the
	// valid key answers from another client with its own per-key figures.
	if rec := e.pingFrom("2001:db8:a:c::1", guessKey(0)); rec.Code != http.StatusNotFound {
		t.Fatalf("guess from another /64: %d", rec.Code)
	}
	rec := e.pingFrom("198.51.100.20", hb.UniqueKey)
	if rec.Code != http.StatusOK || rawHeader(rec.Header(), "X-RateLimit-Limit") != "60" || rawHeader(rec.Header(), "X-RateLimit-Remaining") != "59" {
		t.Fatalf("valid key from another client: %d %v", rec.Code, rec.Header())
	}
	// A token a refill interval later: one more guess, then 429 again.
	e.clock.Advance(interval)
	if rec := e.pingFrom("2001:db8:a:b::99", guessKey(n+1)); rec.Code != http.StatusNotFound {
		t.Fatalf("guess after the refill: %d", rec.Code)
	}
	if rec := e.pingFrom("2001:db8:a:b::99", guessKey(n+2)); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("second guess after one refill: %d", rec.Code)
	}
}

// TestHeartbeatGuesserLearnsNothingFromValidKeys: a client out of guesses gets the very
// same 429 for a valid key as for an unknown one (a 200 would tell a guesser it hit),
// unless that key's pings already came from this client: a job sharing an address with a
// guesser keeps reporting.
func TestHeartbeatGuesserLearnsNothingFromValidKeys(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	own := e.createHeartbeat(u.Token, map[string]any{"name": "Own job"})
	foreign := e.createHeartbeat(u.Token, map[string]any{"name": "Foreign job"})
	const shared = "203.0.113.50"
	if rec := e.pingFrom(shared, own.UniqueKey); rec.Code != http.StatusOK {
		t.Fatalf("first ping: %d", rec.Code)
	}
	for i := range pingGuessLimit.burst {
		if rec := e.pingFrom(shared, guessKey(i)); rec.Code != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	miss := e.pingFrom(shared, guessKey(999))
	hit := e.pingFrom(shared, foreign.UniqueKey)
	if miss.Code != http.StatusTooManyRequests || hit.Code != miss.Code || hit.Body.String() != miss.Body.String() ||
		rateHeaders(hit) != rateHeaders(miss) || hit.Header().Get("Retry-After") != miss.Header().Get("Retry-After") {
		t.Fatalf("blocked client: valid key %d %s %v, unknown key %d %s %v; want the same 429",
			hit.Code, hit.Body.String(), rateHeaders(hit), miss.Code, miss.Body.String(), rateHeaders(miss))
	}
	if rec := e.pingFrom(shared, own.UniqueKey); rec.Code != http.StatusOK || rawHeader(rec.Header(), "X-RateLimit-Limit") != "60" {
		t.Fatalf("the key this client already pings: %d %s", rec.Code, rec.Body.String())
	}
	if hb := e.heartbeatStatus(u.Token, foreign.ID); hb.LastPingAt != nil {
		t.Fatalf("the refused ping of the foreign key was recorded")
	}
}

// TestHeartbeatKeysOfEightHexKeepWorking: keys made before keys had 64 random bits
// (<name-slug>-<8 hex>) are still accepted.
func TestHeartbeatKeysOfEightHexKeepWorking(t *testing.T) {
	e := newPingEnv(t)
	u := e.newUser("owner@example.com", "Owner")
	const key = "legacy-job-0123abcd"
	now := e.clock.Now()
	next := now.Add(time.Hour)
	hb := &store.Heartbeat{Name: "Legacy job", Schedule: "every 1h", Timezone: "UTC", GracePeriodSeconds: 300,
		UniqueKey: key, KeyDigest: crypto.Digest(key), Status: store.HeartbeatHealthy, NextExpectedAt: &next, CreatedAt: now}
	if err := e.db.CreateHeartbeat(u.OrgID, hb, nil); err != nil {
		t.Fatal(err)
	}
	rec := e.pingFrom("198.51.100.30", key)
	if rec.Code != http.StatusOK || decode[map[string]any](t, rec)["monitor"] != "Legacy job" {
		t.Fatalf("ping of an 8-hex key: %d %s", rec.Code, rec.Body.String())
	}
}

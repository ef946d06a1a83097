package api

import (
	"strconv"
	"testing"
)

// TestDocRateLimitHeaders replays SPEC §2.4 with a free-plan key: a request
// answers X-RateLimit-Limit 30 (the plan's per-minute figure, not the
// burst) and X-RateLimit-Window 60, and Remaining never exceeds the Limit
// while the bucket spends its burst.
func TestDocRateLimitHeaders(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "ci"})
	for i := 1; i <= 50; i++ {
		rec := e.do("GET", "/api/v1/services", k.Key, nil)
		if rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body.String())
		}
		h := rateHeaders(rec)
		if h[0] != "30" || h[3] != "60" {
			t.Fatalf("request %d: X-RateLimit-Limit %s, Window %s; want 30 and 60", i, h[0], h[3])
		}
		want := min(30, 50-i)
		if h[1] != strconv.Itoa(want) {
			t.Fatalf("request %d: Remaining %s, want %d", i, h[1], want)
		}
	}
	rec := e.do("GET", "/api/v1/services", k.Key, nil)
	if rec.Code != 429 || rateHeaders(rec)[0] != "30" || rateHeaders(rec)[1] != "0" {
		t.Fatalf("51st request: %d %v", rec.Code, rateHeaders(rec))
	}
}

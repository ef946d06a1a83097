package api

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// rateHeaders reads the four X-RateLimit-* headers ("" when absent).
func rateHeaders(rec *httptest.ResponseRecorder) [4]string {
	h := rec.Header()
	return [4]string{rawHeader(h, "X-RateLimit-Limit"), rawHeader(h, "X-RateLimit-Remaining"),
		rawHeader(h, "X-RateLimit-Reset"), rawHeader(h, "X-RateLimit-Window")}
}

func wantRateHeaders(limit, remaining int, reset time.Time, window int) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		want := [4]string{strconv.Itoa(limit), strconv.Itoa(remaining), strconv.FormatInt(reset.Unix(), 10),
			strconv.Itoa(window)}
		if got := rateHeaders(rec); got != want {
			t.Fatalf("X-RateLimit-{Limit,Remaining,Reset,Window} = %v, want %v", got, want)
		}
	}
}

// TestRateLimitFreeKeyBurst spends a free-plan key's burst of 50, checks the
// 429 body and headers, and that the bucket refills at 30/min (one every 2 s).
func TestRateLimitFreeKeyBurst(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "ci"})
	other := createKey(e, o.member2Tok, map[string]any{"name": "other"})
	t0 := e.clock.Now()
	for i := 1; i <= 50; i++ {
		rec := e.do("GET", "/api/v1/api-keys", k.Key, nil)
		if rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body.String())
		}
		// Each request empties the bucket by 2 s of refill.
		// Limit is the per-minute figure; Remaining, capped at it, counts
		// down once the burst above it is spent.
		wantRateHeaders(30, min(30, 50-i), t0.Add(time.Duration(i)*2*time.Second), 60)(t, rec)
	}
	tooMany := func(until string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			want := `{"error":"rate_limited","message":"Too many requests. Retry after ` + until +
				`.","retry_after":"` + until + `"}`
			if rec.Body.String() != want {
				t.Fatalf("body %s\nwant %s", rec.Body.String(), want)
			}
			if n, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || n < 1 {
				t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
			}
			wantRateHeaders(30, 0, t0.Add(100*time.Second), 60)(t, rec)
		}
	}
	e.run([]scenario{
		{name: "51st request", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 429,
			check: tooMany("2026-11-25T12:00:02Z")},
		{name: "refused requests cost nothing", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 429,
			check: tooMany("2026-11-25T12:00:02Z")},
		{name: "another key has its own bucket", method: "GET", path: "/api/v1/api-keys", token: other.Key, status: 200,
			check: wantRateHeaders(30, 30, t0.Add(2*time.Second), 60)},
		{name: "the creator's session is not limited by the key", method: "GET", path: "/api/v1/api-keys",
			token: o.memberTok, status: 200},
	})
	e.clock.Advance(1500 * time.Millisecond)
	e.run([]scenario{{name: "not yet refilled", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 429,
		check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "rate_limited") }}})
	e.clock.Advance(500 * time.Millisecond)
	e.run([]scenario{
		{name: "one token back after 2 s", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 200,
			check: wantRateHeaders(30, 0, t0.Add(102*time.Second), 60)},
		{name: "and spent again", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 429},
	})
	e.clock.Advance(time.Minute)
	e.run([]scenario{{name: "a minute refills 30", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 200,
		check: func(t *testing.T, rec *httptest.ResponseRecorder) {
			if got := rawHeader(rec.Header(), "X-RateLimit-Remaining"); got != "29" {
				t.Fatalf("remaining %s, want 29", got)
			}
		}}})
}

func TestRateLimitPlans(t *testing.T) {
	e := newTestEnv(t)
	o := newKeyOrg(e)
	k := createKey(e, o.memberTok, map[string]any{"name": "ci"})
	t0 := e.clock.Now()
	setPlan := func(plan string) {
		if _, err := e.db.UpdateOrganization(o.owner.OrgID, func(org *store.Organization) error {
			org.PlanType = plan
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
	}
	noHeaders := func(t *testing.T, rec *httptest.ResponseRecorder) {
		if got := rateHeaders(rec); got != [4]string{} {
			t.Fatalf("enterprise answer has rate-limit headers %v", got)
		}
	}
	e.run([]scenario{
		// The member's session already made one request: creating the key.
		{name: "JWT session: 600/min per user", method: "GET", path: "/api/v1/api-keys", token: o.memberTok,
			status: 200, check: wantRateHeaders(600, 598, t0.Add(time.Second), 60)},
	})
	setPlan("starter")
	e.run([]scenario{{name: "starter 60/min", method: "GET", path: "/api/v1/api-keys", token: k.Key, status: 200,
		check: wantRateHeaders(60, 60, t0.Add(time.Second), 60)}})
	setPlan("professional")
	e.run([]scenario{{name: "professional 300/min", method: "GET", path: "/api/v1/api-keys", token: k.Key,
		status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
			// The bucket carries the starter request's token over: two
			// tokens of 200 ms spent.
			wantRateHeaders(300, 300, t0.Add(time.Second), 60)(t, rec)
		}}})
	setPlan("enterprise")
	for i := 0; i < 600; i++ {
		rec := e.do("GET", "/api/v1/api-keys", k.Key, nil)
		if rec.Code != 200 {
			t.Fatalf("enterprise request %d: %d", i, rec.Code)
		}
		noHeaders(t, rec)
	}
	e.run([]scenario{
		{name: "enterprise sessions keep the per-user limit", method: "GET", path: "/api/v1/api-keys",
			token: o.memberTok, status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rawHeader(rec.Header(), "X-RateLimit-Limit") != "600" {
					t.Fatalf("session limit headers %v", rateHeaders(rec))
				}
			}},
	})
	setPlan("mystery")
	e.run([]scenario{{name: "unknown plan gets the free limits", method: "GET", path: "/api/v1/api-keys",
		token: k.Key, status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rawHeader(rec.Header(), "X-RateLimit-Limit") != "30" {
				t.Fatalf("headers %v", rateHeaders(rec))
			}
		}}})
}

// TestRateLimiterDailyQuota spends a free key's 1 000 requests a day at the
// refill pace, so only the daily quota can stop it.
func TestRateLimiterDailyQuota(t *testing.T) {
	l := newRateLimiter(time.Now)
	free := rateLimit{perMinute: 30, burst: 50, perDay: 1_000} // the free plan (SPEC §2.4)
	key := rateKey{kind: 'k', id: "key-1"}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	midnight := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 1000; i++ {
		d := l.take(key, free, now)
		if !d.allowed {
			t.Fatalf("request %d refused", i)
		}
		if left := 1000 - i; left <= 30 {
			// No more left today than the minute shows: the daily window shows
			// (at a tie, the later reset).
			if d.limit != 1000 || d.remaining != left || !d.reset.Equal(midnight) || d.window != 24*time.Hour {
				t.Fatalf("request %d: headers %+v", i, d)
			}
		} else if d.limit != 30 || d.remaining != 30 || d.window != time.Minute {
			t.Fatalf("request %d: headers %+v, want the minute window", i, d)
		}
		now = now.Add(2 * time.Second)
	}
	d := l.take(key, free, now)
	if d.allowed || !d.retryAt.Equal(midnight) || d.remaining != 0 {
		t.Fatalf("1001st request: %+v, want refused until midnight", d)
	}
	if d := l.take(key, free, midnight); !d.allowed || d.limit != 30 || d.remaining != 30 {
		t.Fatalf("a new UTC day: %+v", d)
	}
}

// TestRateLimiterBothExhausted checks that retry_after waits for the later
// of the two limits when both are spent.
func TestRateLimiterBothExhausted(t *testing.T) {
	l := newRateLimiter(time.Now)
	lim := rateLimit{perMinute: 60, burst: 2, perDay: 2}
	key := rateKey{kind: 'k', id: "k"}
	now := time.Date(2026, 11, 25, 23, 59, 59, 500_000_000, time.UTC)
	l.take(key, lim, now)
	l.take(key, lim, now)
	d := l.take(key, lim, now)
	// The bucket has a token back at 00:00:00.5, rounded up to :01; the day
	// resets at 00:00:00 — the bucket is the later one.
	if d.allowed || !d.retryAt.Equal(time.Date(2026, 11, 26, 0, 0, 1, 0, time.UTC)) {
		t.Fatalf("%+v", d)
	}
}

// TestRateLimiterPlanChangeWhileRefused switches plans while the bucket is
// empty, twice in a row, and checks the spent tokens carry over once.
func TestRateLimiterPlanChangeWhileRefused(t *testing.T) {
	l := newRateLimiter(time.Now)
	key := rateKey{kind: 'k', id: "k"}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	slow := rateLimit{perMinute: 1, burst: 2}  // a token a minute
	fast := rateLimit{perMinute: 60, burst: 2} // a token a second
	l.take(key, slow, now)
	l.take(key, slow, now)
	if d := l.take(key, slow, now); d.allowed {
		t.Fatal("third request allowed")
	}
	// Two tokens spent, now worth 2 s: refused at once, back in one second.
	for i := 0; i < 2; i++ {
		if d := l.take(key, fast, now); d.allowed || !d.retryAt.Equal(now.Add(time.Second)) {
			t.Fatalf("attempt %d on the new plan: %+v", i, d)
		}
	}
	if d := l.take(key, fast, now.Add(time.Second)); !d.allowed {
		t.Fatalf("a second later on the new plan: %+v", d)
	}
}

func TestRateLimiterPrunesIdleEntries(t *testing.T) {
	l := newRateLimiter(time.Now)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 1000; i++ {
		l.take(rateKey{kind: 'u', id: strconv.Itoa(i)}, sessionRateLimit, now)
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d entries, want 1000", n)
	}
	// Still inside the idle window: nothing goes. (A thousand keys touch
	// every one of the 32 shards, whatever the hash seed.)
	later := now.Add(23 * time.Hour)
	for i := 0; i < 1000; i++ {
		l.take(rateKey{kind: 'u', id: "x" + strconv.Itoa(i)}, sessionRateLimit, later)
	}
	if n := l.size(); n != 2000 {
		t.Fatalf("%d entries after 23 h, want 2000", n)
	}
	// A day later, the first thousand are idle and traffic sweeps them away.
	later = now.Add(24*time.Hour + time.Minute)
	for i := 0; i < 1000; i++ {
		l.take(rateKey{kind: 'u', id: "x" + strconv.Itoa(i)}, sessionRateLimit, later)
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d entries after a day, want the 1000 recent ones", n)
	}
}

// size counts the entries of every shard.
func (l *rateLimiter) size() int {
	n := 0
	for i := range l.shards {
		l.shards[i].mu.Lock()
		n += len(l.shards[i].entries)
		l.shards[i].mu.Unlock()
	}
	return n
}

// TestRateLimiterConcurrent hammers one key from many goroutines: exactly
// the burst gets through.
func TestRateLimiterConcurrent(t *testing.T) {
	l := newRateLimiter(time.Now)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	lim := rateLimit{perMinute: 60, burst: 100, perDay: 10_000} // the starter plan
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if l.take(rateKey{kind: 'k', id: "shared"}, lim, now).allowed {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if ok.Load() != int64(lim.burst) {
		t.Fatalf("%d requests allowed, want the burst of %d", ok.Load(), lim.burst)
	}
}

// BenchmarkRateLimiter measures the middleware's cost per request, in
// parallel, over 1 024 professional-plan keys whose clock runs fast enough
// that they are never refused (the common path). "baseline" is the same
// chain without the limiter, so the difference is the limiter's cost.
func BenchmarkRateLimiter(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	var tick atomic.Int64
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	l := newRateLimiter(func() time.Time { return start.Add(time.Duration(tick.Add(1)) * 10 * time.Millisecond) })
	org := &store.Organization{PlanType: "professional"}
	actors := make([]*actor, 1024)
	for i := range actors {
		actors[i] = &actor{kind: "api_key", user: &store.User{ID: "u"}, org: org,
			apiKey: &store.APIKey{ID: "key-" + strconv.Itoa(i)}}
	}
	var next atomic.Int64
	setActor := func(c *gin.Context) { c.Set(ctxActor, actors[next.Add(1)%int64(len(actors))]) }
	answer := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	for _, bc := range []struct {
		name  string
		chain []gin.HandlerFunc
	}{
		{"baseline", []gin.HandlerFunc{setActor, answer}},
		{"middleware", []gin.HandlerFunc{setActor, l.perCaller(), answer}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := gin.New()
			r.GET("/x", bc.chain...)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest("GET", "/x", nil)
				w := &discardWriter{header: http.Header{}}
				for pb.Next() {
					clear(w.header)
					r.ServeHTTP(w, req)
					if w.status != http.StatusNoContent {
						b.Fatalf("status %d", w.status)
					}
				}
			})
		})
	}
}

// discardWriter is a reusable ResponseWriter, so the benchmark measures the
// chain rather than a recorder's allocations.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// rawHeader reads a header by its exact spelling: the limiter writes the
// SPEC's X-RateLimit-* keys as they are, which Header.Get would canonicalize.
func rawHeader(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestIPBucket(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":                  "198.51.100.7",
		"::ffff:198.51.100.7":           "198.51.100.7", // IPv4-mapped IPv6 is the IPv4 address
		"2001:db8:a:b:1:2:3:4":          "2001:db8:a:b::/64",
		"2001:db8:a:b:ffff:ffff:ffff:1": "2001:db8:a:b::/64",
		"2001:db8:a:c::1":               "2001:db8:a:c::/64",
		"fe80::1%eth0":                  "fe80::/64",
		"::1":                           "::/64",
		"":                              "", // gin found no address: one key, as before
	} {
		if got := ipBucket(in); got != want {
			t.Errorf("ipBucket(%q) = %q, want %q", in, got, want)
		}
	}
}

// v6 is the i-th address of the /64 2001:db8:a:b::/64, spread over the interface ID.
func v6(i int) string { return fmt.Sprintf("2001:db8:a:b:%x:%x::%x", i*7919%0x10000, i, i+1) }

// TestLoginRateLimitHeaders: every answer of the login guard carries the headers (limit per
// window, what is left, when the window ends, the window in seconds), the 429 included;
// a success gives the IP attempt back and says so.
func TestLoginRateLimitHeaders(t *testing.T) {
	e := newTestEnv(t)
	e.newUser("ada@example.com", "Ada")
	reset := e.clock.Now().Add(loginWindow)
	for i := range loginAttemptLimit {
		rec := e.doFrom("203.0.113.5", "POST", "/api/v1/auth/login", "", loginBody(fmt.Sprintf("u%d@example.com", i), "guess"))
		if rec.Code != 401 {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
		wantRateHeaders(loginAttemptLimit, loginAttemptLimit-i-1, reset, 900)(t, rec)
		e.clock.Advance(time.Second) // the window still ends 15 minutes after its first attempt
	}
	rec := e.doFrom("203.0.113.5", "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "rate_limited")
	wantRateHeaders(loginAttemptLimit, 0, reset, 900)(t, rec)

	// Another address: two failures, then a success, which refunds its own attempt.
	for range 2 {
		e.doFrom("203.0.113.6", "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", "typo"))
	}
	rec = e.doFrom("203.0.113.6", "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword))
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	wantRateHeaders(loginAttemptLimit, loginAttemptLimit-2, e.clock.Now().Add(loginWindow), 900)(t, rec)
}

// TestRegistrationRateLimitHeaders: registration answers carry the headers of its own
// window (10 per hour per IP), the 429 included.
func TestRegistrationRateLimitHeaders(t *testing.T) {
	e := newTestEnv(t)
	reset := e.clock.Now().Add(registerWindow)
	bad := registerBody("x@example.com", "X", "short")
	for i := range registerLimit {
		rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/register", "", bad)
		if rec.Code != 422 {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
		wantRateHeaders(registerLimit, registerLimit-i-1, reset, 3600)(t, rec)
	}
	rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/register", "", registerBody("ok@example.com", "Ok", "s3cret-enough"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("11th registration: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "rate_limited")
	wantRateHeaders(registerLimit, 0, reset, 3600)(t, rec)
}

// TestPerIPLimitsBucketIPv6By64: every per-IP limit counts one IPv6 /64 as one client (a
// subscriber holds the whole /64 and may use any address in it), another /64 is another
// client, and an IPv4-mapped IPv6 address counts as its IPv4 address.
func TestPerIPLimitsBucketIPv6By64(t *testing.T) {
	// Each case builds its environment and returns how to send its i-th limited request.
	type sender func(ip string, i int) *httptest.ResponseRecorder
	cases := []struct {
		name  string
		n     int // requests a client may send before the 429
		setup func(t *testing.T) (*testEnv, sender)
	}{
		{"login", loginAttemptLimit, func(t *testing.T) (*testEnv, sender) {
			e := newTestEnv(t)
			return e, func(ip string, i int) *httptest.ResponseRecorder {
				return e.doFrom(ip, "POST", "/api/v1/auth/login", "", loginBody(fmt.Sprintf("u%d@example.com", i), "guess"))
			}
		}},
		{"registration", registerLimit, func(t *testing.T) (*testEnv, sender) {
			e := newTestEnv(t)
			return e, func(ip string, i int) *httptest.ResponseRecorder {
				return e.doFrom(ip, "POST", "/api/v1/auth/register", "", registerBody(fmt.Sprintf("u%d@example.com", i), "U", "short"))
			}
		}},
		{"public subscribe", subscribeRateLimit.burst, func(t *testing.T) (*testEnv, sender) {
			e := newTestEnv(t, withInstanceSMTP)
			e.mustPage(newOrgFixture(e).memberTok, map[string]any{"name": "Acme", "slug": "acme", "subscriptions_enabled": true})
			return e, func(ip string, i int) *httptest.ResponseRecorder {
				return e.doFrom(ip, "POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": fmt.Sprintf("s%d@example.com", i)})
			}
		}},
		{"alert acknowledge link", ackLinkFailureLimit, func(t *testing.T) (*testEnv, sender) {
			e, al := newAlertEnv(t)
			u := e.newUser("ada@example.com", "Ada")
			_, a := e.firingService(u.Token, u.OrgID, "api", "critical")
			guess := tamper(t, ackPath(t, al.AckURL(u.OrgID, a.ID, e.clock.Now().Add(time.Hour))))
			return e, func(ip string, _ int) *httptest.ResponseRecorder { return e.doFrom(ip, "GET", guess, "", nil) }
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, send := c.setup(t)
			for i := range c.n {
				if rec := send(v6(i), i); rec.Code == http.StatusTooManyRequests {
					t.Fatalf("request %d of %d from the /64 already refused", i+1, c.n)
				}
			}
			rec := send("2001:db8:a:b:ffff:ffff:ffff:fffe", c.n)
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("another address of the same /64 after %d requests: %d %s, want 429", c.n, rec.Code, rec.Body.String())
			}
			assertErrorBody(t, rec, "rate_limited")
			if rawHeader(rec.Header(), "X-RateLimit-Remaining") != "0" {
				t.Errorf("429 without X-RateLimit-Remaining: 0 (headers %v)", rec.Header())
			}
			if rec := send("2001:db8:a:c::1", c.n+1); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("a different /64 is refused too: %s", rec.Body.String())
			}
			// IPv4: the mapped spelling is the same client as the plain one.
			for i := range c.n {
				send("198.51.100.77", c.n+2+i)
			}
			if rec := send("::ffff:198.51.100.77", 2*c.n+2); rec.Code != http.StatusTooManyRequests {
				t.Fatalf("IPv4-mapped spelling of a limited IPv4 client: %d, want 429", rec.Code)
			}
		})
	}
}

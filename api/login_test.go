package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
)

func loginBody(email, password string) map[string]any {
	return map[string]any{"email": email, "password": password}
}

func TestLogin(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	other := e.newUser("bob@example.com", "Bob")
	e.join(other.OrgID, ada, roleViewer) // joined later: not her default organization
	var wrongBody string
	e.run([]scenario{
		{name: "correct", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada@example.com", authPassword), status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[tokenResponse](t, rec)
				_, claims := authJWT(t, got.Token)
				if got.UserID != ada.ID || got.OrgID != ada.OrgID || claims["tenant_id"] != ada.OrgID {
					t.Fatalf("got %+v, claims %v", got, claims)
				}
				if rec := e.do("GET", "/api/v1/organization", got.Token, nil); rec.Code != 200 {
					t.Fatalf("token does not work: %d", rec.Code)
				}
			}},
		{name: "e-mail in any case", method: "POST", path: "/api/v1/auth/login", body: loginBody(" ADA@Example.COM ", authPassword), status: 200},
		{name: "wrong password", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada@example.com", "wrong password"), status: 401,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) { wrongBody = rec.Body.String() }},
		{name: "unknown e-mail reads exactly the same", method: "POST", path: "/api/v1/auth/login", body: loginBody("nobody@example.com", "wrong password"), status: 401,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				want := `{"error":"unauthorized","message":"Invalid e-mail or password."}`
				if rec.Body.String() != want || wrongBody != want {
					t.Fatalf("unknown e-mail %s, wrong password %s, want both %s", rec.Body.String(), wrongBody, want)
				}
			}},
		{name: "73-byte password is refused like any wrong one", method: "POST", path: "/api/v1/auth/login",
			body: loginBody("ada@example.com", authPassword+strings.Repeat("x", 73-len(authPassword))), status: 401},
		{name: "missing password", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ada@example.com"}, status: 422,
			contains: []string{`"password":"is required"`}},
		{name: "malformed e-mail", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada", "x"), status: 422},
	})
	authWantEvent(t, e, ada.OrgID, "auth.login")
	authWantEvent(t, e, ada.OrgID, "auth.login_failed")
	if got := auditEvents(t, e, other.OrgID); len(got) != 0 {
		t.Fatalf("ada's logins were audited in a non-default organization: %v", got)
	}

	t.Run("a user without organization gets a token with no tenant", func(t *testing.T) {
		lone := e.newUser("lone@example.com", "Lone")
		if err := e.db.DeleteOrganization(lone.OrgID); err != nil {
			t.Fatal(err)
		}
		rec := e.do("POST", "/api/v1/auth/login", "", loginBody("lone@example.com", authPassword))
		got := decode[tokenResponse](t, rec)
		if rec.Code != 200 || got.OrgID != "" {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		rec = e.do("GET", "/api/v1/profile", got.Token, nil)
		if rec.Code != 200 || decode[profileView](t, rec).Organizations == nil {
			t.Fatalf("profile: %d %s", rec.Code, rec.Body.String())
		}
	})
}

// TestLoginLockoutPerAccount: ten failures against one account, each from a
// different IP, lock that account (even for the right password) until the
// window ends, and leave other accounts alone.
func TestLoginLockoutPerAccount(t *testing.T) {
	e := newTestEnv(t)
	e.newUser("ada@example.com", "Ada")
	e.newUser("bob@example.com", "Bob")
	for i := range loginAttemptLimit {
		ip := fmt.Sprintf("203.0.113.%d", i+1)
		if rec := e.doFrom(ip, "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", "guess")); rec.Code != 401 {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	rec := e.doFrom("203.0.113.200", "POST", "/api/v1/auth/login", "", loginBody("ADA@example.com", authPassword))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("locked account: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "rate_limited")
	until := e.clock.Now().Add(loginWindow).Format(time.RFC3339)
	if body := decode[map[string]any](t, rec); body["retry_after"] != until || rec.Header().Get("Retry-After") != "900" {
		t.Fatalf("retry_after %v (want %s), Retry-After %q", body["retry_after"], until, rec.Header().Get("Retry-After"))
	}
	// The guessing IPs are not blocked for other accounts.
	if rec := e.doFrom("203.0.113.1", "POST", "/api/v1/auth/login", "", loginBody("bob@example.com", authPassword)); rec.Code != 200 {
		t.Fatalf("other account: %d", rec.Code)
	}
	e.clock.Advance(loginWindow)
	if rec := e.doFrom("203.0.113.200", "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 200 {
		t.Fatalf("after the window: %d %s", rec.Code, rec.Body.String())
	}
}

// TestLoginLockoutPerIP: ten failures from one IP against ten accounts
// (unknown ones too) block that IP, and only that IP.
func TestLoginLockoutPerIP(t *testing.T) {
	e := newTestEnv(t)
	e.newUser("ada@example.com", "Ada")
	const attacker = "198.51.100.66"
	for i := range loginAttemptLimit {
		email := fmt.Sprintf("victim%d@example.com", i)
		if rec := e.doFrom(attacker, "POST", "/api/v1/auth/login", "", loginBody(email, "guess")); rec.Code != 401 {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	if rec := e.doFrom(attacker, "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 429 {
		t.Fatalf("blocked IP: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.doFrom("198.51.100.1", "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 200 {
		t.Fatalf("other IP: %d", rec.Code)
	}
	e.clock.Advance(loginWindow - time.Second)
	if rec := e.doFrom(attacker, "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 429 {
		t.Fatalf("one second before the window ends: %d", rec.Code)
	}
	e.clock.Advance(time.Second)
	if rec := e.doFrom(attacker, "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 200 {
		t.Fatalf("after the window: %d", rec.Code)
	}
}

// TestLoginSuccessResetsAccount: a success clears the account's failures and
// does not count against the IP, so a user who mistypes now and then (or an
// office behind one IP) is never locked out.
func TestLoginSuccessResetsAccount(t *testing.T) {
	e := newTestEnv(t)
	e.newUser("ada@example.com", "Ada")
	for round := range 3 {
		for i := range loginAttemptLimit - 1 {
			ip := fmt.Sprintf("203.0.113.%d", round*20+i+1)
			if rec := e.doFrom(ip, "POST", "/api/v1/auth/login", "", loginBody("ada@example.com", "typo")); rec.Code != 401 {
				t.Fatalf("round %d typo %d: %d", round, i, rec.Code)
			}
		}
		for range loginAttemptLimit {
			if rec := e.do("POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword)); rec.Code != 200 {
				t.Fatalf("round %d: success refused: %d %s", round, rec.Code, rec.Body.String())
			}
		}
	}
}

func TestLogoutAll(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	login := func() string {
		rec := e.do("POST", "/api/v1/auth/login", "", loginBody("ada@example.com", authPassword))
		return decode[tokenResponse](t, rec).Token
	}
	second := login()
	key := authAPIKey(t, e, ada.OrgID, ada.ID, roleOwner)
	e.run([]scenario{
		{name: "API key may not", method: "POST", path: "/api/v1/auth/logout-all", token: key, status: 403},
		{name: "unauthenticated", method: "POST", path: "/api/v1/auth/logout-all", status: 401},
		{name: "logout everywhere", method: "POST", path: "/api/v1/auth/logout-all", token: ada.Token, status: 200, contains: []string{`"message"`}},
		{name: "that token is dead", method: "GET", path: "/api/v1/profile", token: ada.Token, status: 401},
		{name: "the other session too", method: "GET", path: "/api/v1/profile", token: second, status: 401},
		{name: "API keys are not sessions and keep working", method: "GET", path: "/api/v1/organization", token: key, status: 200},
	})
	if rec := e.do("GET", "/api/v1/profile", login(), nil); rec.Code != 200 {
		t.Fatalf("a fresh login: %d", rec.Code)
	}
	authWantEvent(t, e, ada.OrgID, "auth.logout_all")
}

// TestLoginUnknownEmailCostsABcrypt: refusing an unknown e-mail takes as
// long as checking a real password, so response times do not reveal which
// e-mails have accounts. Measured at a cost high enough (about 60 ms a hash) to dwarf
// everything else — the failed-login audit write the recorder here still waits for
// included (TestWrongPasswordAnsweredBeforeItsAuditCommit shows a real client does not) —
// taking the fastest of a few runs so a busy machine does not make it flaky.
func TestLoginUnknownEmailCostsABcrypt(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) { c.BcryptCost = 10 })
	e.newUser("ada@example.com", "Ada")
	// Interleaved, so a burst of load elsewhere on the machine slows both kinds alike, and
	// the fastest of each kept: load only ever adds time.
	unknown, wrong := time.Duration(1<<63-1), time.Duration(1<<63-1)
	timed := func(ip, email string) time.Duration {
		start := time.Now()
		w := e.doFrom(ip, "POST", "/api/v1/auth/login", "", loginBody(email, "wrong password"))
		took := time.Since(start)
		if w.Code != http.StatusUnauthorized { // a rate limit's quick 429 would time nothing
			t.Fatalf("login as %s: %d %s, want 401", email, w.Code, w.Body)
		}
		return took
	}
	for range 5 {
		unknown = min(unknown, timed("198.51.100.7", "nobody@example.com"))
		wrong = min(wrong, timed("198.51.100.8", "ada@example.com"))
	}
	if unknown < wrong/2 {
		t.Fatalf("unknown e-mail refused in %v, wrong password in %v: the difference tells them apart", unknown, wrong)
	}
}

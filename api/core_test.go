package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
)

func TestHealthAndReady(t *testing.T) {
	e := newTestEnv(t)
	rec := e.do("GET", "/api/v1/health", "", nil)
	if rec.Code != 200 || rec.Body.String() != "OK" {
		t.Fatalf("health = %d %q", rec.Code, rec.Body.String())
	}
	if rec.Header().Get("X-Request-ID") == "" {
		t.Fatal("no X-Request-ID on the answer")
	}
	e.run([]scenario{{name: "ready", method: "GET", path: "/api/v1/ready", status: 200, contains: []string{`"status":"ready"`}}})
}

func TestUnknownRouteIsFlatNotFound(t *testing.T) {
	e := newTestEnv(t)
	rec := e.do("GET", "/api/v1/nope", "", nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
	assertErrorBody(t, rec, "not_found")
}

// TestForgedTokensAreUnauthorized covers every way a bearer token can be bad:
// each answers 401 with exactly the unauthorized code.
func TestForgedTokensAreUnauthorized(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	now := e.clock.Now()
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	claims := func(exp time.Time) jwt.MapClaims {
		c := jwt.MapClaims{"user_id": u.ID, "tenant_id": u.OrgID, "email": u.Email, "tv": 0, "iat": now.Unix()}
		if !exp.IsZero() {
			c["exp"] = exp.Unix()
		}
		return c
	}
	none := sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(now.Add(time.Hour)))
	cases := map[string]string{
		"missing":   "",
		"garbage":   "not-a-token",
		"alg none":  none,
		"wrong key": sign(jwt.SigningMethodHS256, []byte(strings.Repeat("x", 40)), claims(now.Add(time.Hour))),
		"no exp":    sign(jwt.SigningMethodHS256, e.cfg.JWTKey, claims(time.Time{})),
		"expired":   sign(jwt.SigningMethodHS256, e.cfg.JWTKey, claims(now.Add(-time.Second))),
		"HS512":     sign(jwt.SigningMethodHS512, e.cfg.JWTKey, claims(now.Add(time.Hour))),
		"api key":   "ak_unknownunknownunknownunknownunknown",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			rec := e.do("GET", "/api/v1/profile", tok, nil)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", rec.Code, rec.Body.String())
			}
			assertErrorBody(t, rec, "unauthorized")
		})
	}
	// The genuine token passes authentication (whatever the handler answers).
	if rec := e.do("GET", "/api/v1/profile", u.Token, nil); rec.Code == http.StatusUnauthorized {
		t.Fatalf("valid token refused: %s", rec.Body.String())
	}
}

func TestStrictJSONBinding(t *testing.T) {
	r := gin.New()
	r.Use(requestID(slog.New(slog.NewTextHandler(io.Discard, nil))), bodyLimit(maxBodyBytes))
	r.POST("/x", h(func(c *gin.Context) error {
		var req struct {
			Name string `json:"name"`
			N    int    `json:"n"`
		}
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		c.JSON(200, req)
		return nil
	}))
	cases := []struct {
		name, ctype, body string
		status            int
		want              string
	}{
		{"ok", "application/json; charset=utf-8", `{"name":"a","n":2}`, 200, `"name":"a"`},
		{"unknown field", "application/json", `{"name":"x","bogus":1}`, 400, `"bogus":"unknown field"`},
		{"not json", "application/json", `{"name":`, 400, `"bad_request"`},
		{"wrong type", "application/json", `{"n":"two"}`, 422, `"n":"must be a number"`},
		{"two values", "application/json", `{} {}`, 400, `exactly one JSON value`},
		{"empty", "application/json", ``, 400, `is empty`},
		{"wrong content type", "text/plain", `{}`, 400, `Content-Type must be application/json`},
		{"too large", "application/json", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, 413, `"payload_too_large"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("got %d %s, want %d with %q", rec.Code, rec.Body.String(), tc.status, tc.want)
			}
		})
	}
}

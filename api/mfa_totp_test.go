package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/identity"
)

// mfaStep answers the second sign-in step mfaToken with an authenticator app's code.
func (e *testEnv) mfaStep(mfaToken, code string) *httptest.ResponseRecorder {
	return e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfaToken, "code": code})
}

// TestRFC6238Vectors checks the test's own TOTP and the server's against the SHA-1 test
// vectors of RFC 6238 appendix B (8 digits there; the last six are the 6-digit code).
func TestRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of key
	for unix, want := range map[int64]string{59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"} {
		at := time.Unix(unix, 0)
		if got := rfc6238(key, at, 30, 8); got != want {
			t.Errorf("test TOTP at %d = %s, want %s", unix, got, want)
		}
		got, err := identity.TOTPCode(secret, identity.TOTPStep(at))
		if err != nil || got != want[2:] {
			t.Errorf("server TOTP at %d = %s (%v), want %s", unix, got, err, want[2:])
		}
	}
}

// TestTOTPEnrolAndSignIn enrols an authenticator app, signs in with a code computed in
// the test, and is refused a replayed code, a wrong code, the mfa_token as a session, a
// wrong and a reused recovery code — each a flat error and audited.
func TestTOTPEnrolAndSignIn(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")

	rec := e.do(http.MethodPost, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{})
	if rec.Code != http.StatusOK {
		t.Fatalf("start: %d %s", rec.Code, rec.Body.String())
	}
	start := decode[map[string]string](t, rec)
	if !strings.HasPrefix(start["otpauth_url"], "otpauth://totp/AlertifyPro:ada@example.com?") ||
		!strings.Contains(start["otpauth_url"], "secret="+start["secret"]) ||
		!strings.HasPrefix(start["qr_svg"], "<svg ") || strings.Count(start["qr_svg"], "h1v1h-1z") < 100 {
		t.Fatalf("enrolment answer: %v", start)
	}
	// The secret is kept sealed: the raw record does not hold it.
	if raw := e.rawUserMFA(ada.ID); len(raw) == 0 || bytes.Contains(raw, []byte(start["secret"])) {
		t.Fatalf("pending secret stored in the clear (or not at all): %s", raw)
	}
	rec = e.do(http.MethodPost, "/api/v1/profile/mfa/totp/verify", ada.Token, map[string]any{"code": "000000"})
	assertErrorBody(t, rec, "bad_request")
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("wrong enrolment code: %d", rec.Code)
	}
	rec = e.do(http.MethodPost, "/api/v1/profile/mfa/totp/verify", ada.Token, map[string]any{"code": totpCode(t, start["secret"], e.clock.Now())})
	if rec.Code != http.StatusOK {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body.String())
	}
	codes := decode[struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}](t, rec).RecoveryCodes
	if len(codes) != 10 {
		t.Fatalf("recovery codes: %v", codes)
	}
	if raw := e.rawUserMFA(ada.ID); bytes.Contains(raw, []byte(codes[0])) || bytes.Contains(raw, []byte(start["secret"])) {
		t.Fatal("a recovery code or the secret is stored in the clear")
	}
	status := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/mfa", ada.Token, nil))
	if status["totp_enabled"] != true || status["recovery_codes_left"] != float64(10) {
		t.Fatalf("status: %v", status)
	}

	// The code that confirmed enrolment is spent: signing in with it within its window is a replay.
	mfa := e.mfaToken(ada.Email)
	rec = e.mfaStep(mfa, totpCode(t, start["secret"], e.clock.Now()))
	assertErrorBody(t, rec, "unauthorized")
	if !strings.Contains(rec.Body.String(), "used already") {
		t.Fatalf("replayed code: %d %s", rec.Code, rec.Body.String())
	}
	// The mfa_token is no session anywhere.
	for _, path := range []string{"/api/v1/profile", "/api/v1/services", "/api/v1/profile/mfa"} {
		if rec := e.do(http.MethodGet, path, mfa, nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("mfa_token as bearer on %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	rec = e.mfaStep(mfa, "123456")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d %s", rec.Code, rec.Body.String())
	}

	e.clock.Advance(30 * time.Second)
	next := totpCode(t, start["secret"], e.clock.Now())
	rec = e.mfaStep(mfa, next)
	if rec.Code != http.StatusOK {
		t.Fatalf("sign in with the next code: %d %s", rec.Code, rec.Body.String())
	}
	session := decode[map[string]any](t, rec)["token"].(string)
	if rec := e.do(http.MethodGet, "/api/v1/services", session, nil); rec.Code != http.StatusOK {
		t.Fatalf("session after the second factor: %d", rec.Code)
	}
	// The step is used up, and the same code cannot sign in through a fresh step either.
	if rec := e.mfaStep(mfa, next); rec.Code != http.StatusUnauthorized {
		t.Fatalf("used mfa_token: %d", rec.Code)
	}
	if rec := e.mfaStep(e.mfaToken(ada.Email), next); rec.Code != http.StatusUnauthorized {
		t.Fatalf("replayed code on a new step: %d", rec.Code)
	}

	// Recovery codes: a wrong one is refused; a right one works once, in any case and spacing.
	mfa = e.mfaToken(ada.Email)
	if rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa, "recovery_code": "AAAAA-AAAAA"}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong recovery code: %d", rec.Code)
	}
	if rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa, "recovery_code": " " + strings.ToLower(codes[3])}); rec.Code != http.StatusOK {
		t.Fatalf("recovery code: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": e.mfaToken(ada.Email), "recovery_code": codes[3]})
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "used already") {
		t.Fatalf("reused recovery code: %d %s", rec.Code, rec.Body.String())
	}

	reasons := map[string]int{}
	for _, m := range auditMeta(t, e, ada.OrgID, "auth.mfa_failed") {
		reasons[m["reason"].(string)]++
	}
	for _, want := range []string{"enrolment_code_invalid", "code_reused", "mfa_token_as_session", "wrong_code", "wrong_recovery_code", "recovery_code_reused"} {
		if reasons[want] == 0 {
			t.Errorf("no auth.mfa_failed with reason %s: %v", want, reasons)
		}
	}
	if len(auditMeta(t, e, ada.OrgID, "auth.mfa_enabled")) != 1 || len(auditMeta(t, e, ada.OrgID, "auth.recovery_code_used")) != 1 {
		t.Errorf("audit: %v", auditEvents(t, e, ada.OrgID))
	}
	methods := map[string]bool{}
	for _, m := range auditMeta(t, e, ada.OrgID, "auth.login") {
		methods[m["method"].(string)] = true
	}
	if !methods[methodPasswordTOTP] || !methods[methodPasswordRecover] || methods[methodPassword] {
		t.Errorf("auth.login methods: %v", methods)
	}
}

// TestMFATokenExpires: the second step lives five minutes; after that it is refused,
// audited, and gone.
func TestMFATokenExpires(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	secret, _ := e.enrolTOTP(ada.Token)
	mfa := e.mfaToken(ada.Email)
	e.clock.Advance(5*time.Minute + time.Second)
	rec := e.mfaStep(mfa, totpCode(t, secret, e.clock.Now()))
	assertErrorBody(t, rec, "unauthorized")
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "expired") {
		t.Fatalf("expired step: %d %s", rec.Code, rec.Body.String())
	}
	if m := auditMeta(t, e, ada.OrgID, "auth.mfa_failed"); len(m) != 1 || m[0]["reason"] != "mfa_token_expired" {
		t.Fatalf("audit: %v", m)
	}
	if rec := e.mfaStep(mfa, totpCode(t, secret, e.clock.Now())); rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "expired") {
		t.Fatalf("expired step asked again: %d %s", rec.Code, rec.Body.String())
	}
}

// TestMFAAttemptsLimited: five wrong codes per 15 minutes per account; the sixth attempt,
// even with the right code, is 429 with Retry-After, and audited.
func TestMFAAttemptsLimited(t *testing.T) {
	e, ada, secret, _ := withTOTP(t)
	mfa := e.mfaToken(ada.Email)
	for i := range 5 {
		if rec := e.mfaStep(mfa, "99999"+string(rune('0'+i))); rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	rec := e.mfaStep(mfa, totpCode(t, secret, e.clock.Now()))
	assertErrorBody(t, rec, "rate_limited")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "900" {
		t.Fatalf("sixth attempt: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	// A new step does not reset the account's count.
	if rec := e.mfaStep(e.mfaToken(ada.Email), totpCode(t, secret, e.clock.Now())); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("new step while limited: %d", rec.Code)
	}
	limited := 0
	for _, m := range auditMeta(t, e, ada.OrgID, "auth.mfa_failed") {
		if m["reason"] == "rate_limited" {
			limited++
		}
	}
	if limited != 2 {
		t.Fatalf("rate_limited audit entries: %d", limited)
	}
	e.clock.Advance(15 * time.Minute)
	if rec := e.mfaStep(e.mfaToken(ada.Email), totpCode(t, secret, e.clock.Now())); rec.Code != http.StatusOK {
		t.Fatalf("after the window: %d %s", rec.Code, rec.Body.String())
	}
}

// TestTOTPDisable needs the password and a code; afterwards a password alone signs in.
func TestTOTPDisable(t *testing.T) {
	e, ada, secret, codes := withTOTP(t)
	code := totpCode(t, secret, e.clock.Now())
	rec := e.do(http.MethodDelete, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{"password": "wrong password", "code": code})
	assertErrorBody(t, rec, "bad_request")
	if !strings.Contains(rec.Body.String(), `"password"`) {
		t.Fatalf("wrong password: %s", rec.Body.String())
	}
	rec = e.do(http.MethodDelete, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{"password": "correct horse battery", "code": "000001"})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"code"`) {
		t.Fatalf("wrong code: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do(http.MethodDelete, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{"password": "correct horse battery"}); rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no code: %d", rec.Code)
	}
	if rec := e.do(http.MethodDelete, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{"password": "correct horse battery", "code": codes[0]}); rec.Code != http.StatusNoContent {
		t.Fatalf("disable with a recovery code: %d %s", rec.Code, rec.Body.String())
	}
	body := e.passwordLogin(ada.Email)
	if body["token"] == nil || body["mfa_required"] != nil {
		t.Fatalf("login after disabling: %v", body)
	}
	if len(auditMeta(t, e, ada.OrgID, "auth.mfa_disabled")) != 1 {
		t.Fatalf("audit: %v", auditEvents(t, e, ada.OrgID))
	}
	if rec := e.do(http.MethodDelete, "/api/v1/profile/mfa/totp", ada.Token, map[string]any{"password": "correct horse battery", "code": code}); rec.Code != http.StatusNotFound {
		t.Fatalf("disable again: %d", rec.Code)
	}
}

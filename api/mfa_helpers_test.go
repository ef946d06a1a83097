package api

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// rfc6238 computes a TOTP code the way RFC 6238 (and RFC 4226's dynamic truncation)
// describes it, independently of the library the server uses: HMAC-SHA1 of the big-endian
// step counter, truncated to digits.
func rfc6238(key []byte, t time.Time, period int64, digits int) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(t.Unix()/period))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpCode is the six-digit code of the base32 secret at t (30-second steps).
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatalf("secret %q is not base32: %v", secret, err)
	}
	return rfc6238(key, at, 30, 6)
}

// enrolTOTP sets up an authenticator app for the holder of token and returns its secret
// and recovery codes; the confirming code is of the current step (so the next sign-in
// needs a later one).
func (e *testEnv) enrolTOTP(token string) (secret string, recovery []string) {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/profile/mfa/totp", token, map[string]any{})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("start TOTP: %d %s", rec.Code, rec.Body.String())
	}
	start := decode[map[string]string](e.t, rec)
	rec = e.do(http.MethodPost, "/api/v1/profile/mfa/totp/verify", token, map[string]any{"code": totpCode(e.t, start["secret"], e.clock.Now())})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("verify TOTP: %d %s", rec.Code, rec.Body.String())
	}
	return start["secret"], decode[struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}](e.t, rec).RecoveryCodes
}

// passwordLogin signs in with the test password and returns the decoded answer.
func (e *testEnv) passwordLogin(email string) map[string]any {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/auth/login", "", map[string]any{"email": email, "password": "correct horse battery"})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	return decode[map[string]any](e.t, rec)
}

// mfaToken signs in with the password and returns the second step's token.
func (e *testEnv) mfaToken(email string) string {
	e.t.Helper()
	body := e.passwordLogin(email)
	tok, _ := body["mfa_token"].(string)
	if body["mfa_required"] != true || tok == "" {
		e.t.Fatalf("login did not ask for the second factor: %v", body)
	}
	return tok
}

// withTOTP is a test environment whose user Ada has enrolled an authenticator app
// (secret, recovery codes) half a minute ago, so the app's next code is of a new step.
func withTOTP(t *testing.T) (e *testEnv, ada *testUser, secret string, recovery []string) {
	e = newTestEnv(t)
	ada = e.newUser("ada@example.com", "Ada")
	secret, recovery = e.enrolTOTP(ada.Token)
	e.clock.Advance(30 * time.Second)
	return e, ada, secret, recovery
}

// auditMeta returns the metadata of the entries of event in orgID, newest first.
func auditMeta(t *testing.T, e *testEnv, orgID, event string) []map[string]any {
	t.Helper()
	entries, _, err := e.db.AuditLogs(orgID, store.AuditFilter{Event: event, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, en := range entries {
		if en.Event == event {
			out = append(out, en.Metadata)
		}
	}
	return out
}

package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

// newSoftAuthenticator is a software authenticator for the test server's relying party
// (BASE_URL http://localhost:3001).
func newSoftAuthenticator() *softAuthenticator {
	return &softAuthenticator{rpID: "localhost", origin: "http://localhost:3001"}
}

// ceremony is a begin answer.
type ceremonyStart struct {
	CeremonyToken string          `json:"ceremony_token"`
	PublicKey     json.RawMessage `json:"public_key"`
}

// withPasskeyUsers is a test environment with the accounts of Ada and Bob and one software
// authenticator for the passkeys either of them registers.
func withPasskeyUsers(t *testing.T) (e *testEnv, ada, bob *testUser, auth *softAuthenticator) {
	e = newTestEnv(t)
	return e, e.newUser("ada@example.com", "Ada"), e.newUser("bob@example.com", "Bob"), newSoftAuthenticator()
}

// addPasskey registers a new key of auth as name for the holder of token.
func (e *testEnv) addPasskey(token, name string, auth *softAuthenticator) *softCredential {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/profile/passkeys/begin", token, map[string]any{})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("begin: %d %s", rec.Code, rec.Body.String())
	}
	start := decode[ceremonyStart](e.t, rec)
	answer, cred := auth.create(e.t, start.PublicKey)
	rec = e.do(http.MethodPost, "/api/v1/profile/passkeys", token, map[string]any{
		"ceremony_token": start.CeremonyToken, "name": name, "credential": json.RawMessage(answer)})
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("add passkey: %d %s", rec.Code, rec.Body.String())
	}
	return cred
}

// TestPasskeysInProfile: several named keys, listed, removable; a registration answering
// another challenge, a used ceremony and another account's key are refused.
func TestPasskeysInProfile(t *testing.T) {
	e, ada, bob, auth := withPasskeyUsers(t)
	e.addPasskey(ada.Token, "Laptop", auth)
	e.addPasskey(ada.Token, "Phone", auth)
	bobKey := e.addPasskey(bob.Token, "Bob's key", auth)
	_ = bobKey

	list := decode[[]map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/passkeys", ada.Token, nil))
	if len(list) != 2 || list[0]["name"] != "Laptop" || list[1]["name"] != "Phone" {
		t.Fatalf("list: %v", list)
	}
	if strings.Contains(e.do(http.MethodGet, "/api/v1/profile/passkeys", ada.Token, nil).Body.String(), "credential") {
		t.Fatal("the list shows credentials")
	}

	// An answer built for another challenge is refused and nothing is stored.
	start := decode[ceremonyStart](t, e.do(http.MethodPost, "/api/v1/profile/passkeys/begin", ada.Token, map[string]any{}))
	forged := json.RawMessage(strings.Replace(string(start.PublicKey), challengeOf(t, start.PublicKey), b64url.EncodeToString([]byte("another challenge, not the server's")), 1))
	answer, _ := auth.create(t, forged)
	rec := e.do(http.MethodPost, "/api/v1/profile/passkeys", ada.Token, map[string]any{
		"ceremony_token": start.CeremonyToken, "name": "Forged", "credential": json.RawMessage(answer)})
	assertErrorBody(t, rec, "bad_request")
	// The ceremony was used by that attempt: a right answer to it now is refused too.
	answer, _ = auth.create(t, start.PublicKey)
	rec = e.do(http.MethodPost, "/api/v1/profile/passkeys", ada.Token, map[string]any{
		"ceremony_token": start.CeremonyToken, "name": "Late", "credential": json.RawMessage(answer)})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "ceremony_token") {
		t.Fatalf("used ceremony: %d %s", rec.Code, rec.Body.String())
	}
	// Bob cannot finish Ada's ceremony.
	start = decode[ceremonyStart](t, e.do(http.MethodPost, "/api/v1/profile/passkeys/begin", ada.Token, map[string]any{}))
	answer, _ = auth.create(t, start.PublicKey)
	if rec := e.do(http.MethodPost, "/api/v1/profile/passkeys", bob.Token, map[string]any{
		"ceremony_token": start.CeremonyToken, "name": "Stolen", "credential": json.RawMessage(answer)}); rec.Code != http.StatusBadRequest {
		t.Fatalf("another account's ceremony: %d", rec.Code)
	}
	if n := len(decode[[]map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/passkeys", ada.Token, nil))); n != 2 {
		t.Fatalf("%d passkeys after refused registrations", n)
	}
	// Names are required and plain.
	start = decode[ceremonyStart](t, e.do(http.MethodPost, "/api/v1/profile/passkeys/begin", ada.Token, map[string]any{}))
	answer, _ = auth.create(t, start.PublicKey)
	if rec := e.do(http.MethodPost, "/api/v1/profile/passkeys", ada.Token, map[string]any{
		"ceremony_token": start.CeremonyToken, "name": "bad\x00name", "credential": json.RawMessage(answer)}); rec.Code/100 != 4 || !strings.Contains(rec.Body.String(), `"name"`) {
		t.Fatalf("control character in the name: %d %s", rec.Code, rec.Body.String())
	}

	if rec := e.do(http.MethodDelete, "/api/v1/profile/passkeys/"+list[0]["id"].(string), bob.Token, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("bob removes ada's passkey: %d", rec.Code)
	}
	if rec := e.do(http.MethodDelete, "/api/v1/profile/passkeys/"+list[0]["id"].(string), ada.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("remove: %d %s", rec.Code, rec.Body.String())
	}
	if list := decode[[]map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/passkeys", ada.Token, nil)); len(list) != 1 || list[0]["name"] != "Phone" {
		t.Fatalf("after removal: %v", list)
	}
	if n, m := len(auditMeta(t, e, ada.OrgID, "auth.passkey_added")), len(auditMeta(t, e, ada.OrgID, "auth.passkey_removed")); n != 2 || m != 1 {
		t.Fatalf("audit: %v", auditEvents(t, e, ada.OrgID))
	}
}

// TestPasskeyAsSecondFactor: a password sign-in of an account with a passkey asks for it;
// the assertion to the step's challenge gives the session; an assertion to another
// challenge, by another account's key, or without asking for a challenge is refused and
// audited.
func TestPasskeyAsSecondFactor(t *testing.T) {
	e, ada, bob, auth := withPasskeyUsers(t)
	adaKey := e.addPasskey(ada.Token, "Laptop", auth)
	bobKey := e.addPasskey(bob.Token, "Bob's key", auth)

	body := e.passwordLogin(ada.Email)
	if body["mfa_required"] != true || !strings.Contains(strings.Join(anyStrings(body["methods"]), ","), "passkey") {
		t.Fatalf("login: %v", body)
	}
	mfa := body["mfa_token"].(string)
	// No challenge asked for yet.
	rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa,
		"credential": json.RawMessage(auth.get(t, adaKey, b64url.EncodeToString([]byte("no challenge was issued"))))})
	assertErrorBody(t, rec, "unauthorized")

	start := decode[map[string]json.RawMessage](t, e.do(http.MethodPost, "/api/v1/auth/mfa/passkey", "", map[string]any{"mfa_token": mfa}))
	challenge := challengeOf(t, start["public_key"])
	// Another challenge than the step's.
	if rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa,
		"credential": json.RawMessage(auth.get(t, adaKey, b64url.EncodeToString([]byte("a challenge of my own choosing"))))}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong challenge: %d %s", rec.Code, rec.Body.String())
	}
	// Bob's key, on Ada's step and (a new) challenge.
	start = decode[map[string]json.RawMessage](t, e.do(http.MethodPost, "/api/v1/auth/mfa/passkey", "", map[string]any{"mfa_token": mfa}))
	challenge = challengeOf(t, start["public_key"])
	if rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa,
		"credential": json.RawMessage(auth.get(t, bobKey, challenge))}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("other account's key: %d %s", rec.Code, rec.Body.String())
	}
	// Each refused answer used the challenge up: the right answer to it comes too late.
	if rec := e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa,
		"credential": json.RawMessage(auth.get(t, adaKey, challenge))}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("answer to a used challenge: %d %s", rec.Code, rec.Body.String())
	}
	start = decode[map[string]json.RawMessage](t, e.do(http.MethodPost, "/api/v1/auth/mfa/passkey", "", map[string]any{"mfa_token": mfa}))
	rec = e.do(http.MethodPost, "/api/v1/auth/mfa", "", map[string]any{"mfa_token": mfa, "credential": json.RawMessage(auth.get(t, adaKey, challengeOf(t, start["public_key"])))})
	if rec.Code != http.StatusOK {
		t.Fatalf("passkey as second factor: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do(http.MethodGet, "/api/v1/services", decode[map[string]any](t, rec)["token"].(string), nil); rec.Code != http.StatusOK {
		t.Fatalf("session: %d", rec.Code)
	}
	reasons := map[string]int{}
	for _, m := range auditMeta(t, e, ada.OrgID, "auth.mfa_failed") {
		reasons[m["reason"].(string)]++
	}
	if reasons["passkey_not_started"] != 2 || reasons["passkey_refused"] != 2 {
		t.Fatalf("auth.mfa_failed reasons: %v", reasons)
	}
	keys := decode[[]map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/passkeys", ada.Token, nil))
	if keys[0]["last_used_at"] == nil {
		t.Fatalf("last use not recorded: %v", keys)
	}
}

// TestPasskeyPasswordlessSignIn: a registered passkey signs in with no password; an
// assertion to another challenge, a reused ceremony, or a key claiming another account
// is refused and audited.
func TestPasskeyPasswordlessSignIn(t *testing.T) {
	e, ada, bob, auth := withPasskeyUsers(t)
	adaKey := e.addPasskey(ada.Token, "Laptop", auth)

	begin := func() ceremonyStart {
		rec := e.do(http.MethodPost, "/api/v1/auth/passkey/begin", "", map[string]any{})
		if rec.Code != http.StatusOK {
			t.Fatalf("begin: %d %s", rec.Code, rec.Body.String())
		}
		return decode[ceremonyStart](t, rec)
	}
	finish := func(token string, answer []byte) *httptest.ResponseRecorder {
		return e.do(http.MethodPost, "/api/v1/auth/passkey/finish", "", map[string]any{"ceremony_token": token, "credential": json.RawMessage(answer)})
	}

	start := begin()
	if !strings.Contains(string(start.PublicKey), `"userVerification":"required"`) {
		t.Fatalf("password-less sign-in must require user verification: %s", start.PublicKey)
	}
	if rec := finish(start.CeremonyToken, auth.get(t, adaKey, b64url.EncodeToString([]byte("not the server's challenge")))); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong challenge: %d %s", rec.Code, rec.Body.String())
	}
	// The ceremony is spent by the refused attempt.
	if rec := finish(start.CeremonyToken, auth.get(t, adaKey, challengeOf(t, start.PublicKey))); rec.Code != http.StatusBadRequest {
		t.Fatalf("reused ceremony: %d %s", rec.Code, rec.Body.String())
	}
	// Ada's key claiming to be Bob's account.
	start = begin()
	stolen := *adaKey
	stolen.userHandle = []byte(bob.ID)
	if rec := finish(start.CeremonyToken, auth.get(t, &stolen, challengeOf(t, start.PublicKey))); rec.Code != http.StatusUnauthorized {
		t.Fatalf("key of another account: %d %s", rec.Code, rec.Body.String())
	}

	start = begin()
	rec := finish(start.CeremonyToken, auth.get(t, adaKey, challengeOf(t, start.PublicKey)))
	if rec.Code != http.StatusOK {
		t.Fatalf("password-less sign-in: %d %s", rec.Code, rec.Body.String())
	}
	body := decode[map[string]any](t, rec)
	if body["user_id"] != ada.ID || body["org_id"] != ada.OrgID {
		t.Fatalf("signed in as %v", body)
	}
	if len(auditMeta(t, e, ada.OrgID, "auth.passkey_login")) != 1 {
		t.Fatalf("audit: %v", auditEvents(t, e, ada.OrgID))
	}
	failed := auditMeta(t, e, ada.OrgID, "auth.login_failed")
	if len(failed) != 1 || failed[0]["method"] != methodPasskey {
		t.Fatalf("ada's auth.login_failed: %v", failed)
	}
	if f := auditMeta(t, e, bob.OrgID, "auth.login_failed"); len(f) != 1 {
		t.Fatalf("bob's auth.login_failed: %v", f)
	}
}

// anyStrings converts a decoded JSON array of strings.
func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// TestPasskeySignInLimitedPerIP: the password-less endpoints need no credential, so each
// client address gets a bounded number of ceremonies; another address is not affected.
func TestPasskeySignInLimitedPerIP(t *testing.T) {
	e := newTestEnv(t)
	limited := 0
	for range 30 {
		if rec := e.doFrom("198.51.100.7", http.MethodPost, "/api/v1/auth/passkey/begin", "", map[string]any{}); rec.Code == http.StatusTooManyRequests {
			assertErrorBody(t, rec, "rate_limited")
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("30 ceremonies from one address within a minute were all allowed")
	}
	if rec := e.doFrom("198.51.100.8", http.MethodPost, "/api/v1/auth/passkey/begin", "", map[string]any{}); rec.Code != http.StatusOK {
		t.Fatalf("another address: %d", rec.Code)
	}
}

// TestPasskeysNeedADomain: with BASE_URL naming an IP address (a common home set-up) the
// server starts and signs in as before; the passkey endpoints say why they cannot work.
func TestPasskeysNeedADomain(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) { c.BaseURL = "http://192.0.2.10:3001" })
	ada := e.newUser("ada@example.com", "Ada")
	if body := e.passwordLogin(ada.Email); body["token"] == nil {
		t.Fatalf("login: %v", body)
	}
	for _, path := range []string{"/api/v1/profile/passkeys/begin", "/api/v1/auth/passkey/begin"} {
		rec := e.do(http.MethodPost, path, ada.Token, map[string]any{})
		assertErrorBody(t, rec, "bad_request")
		if !strings.Contains(rec.Body.String(), "BASE_URL") {
			t.Fatalf("%s: %s", path, rec.Body.String())
		}
	}
	if s := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/mfa", ada.Token, nil)); s["passkeys_available"] != false {
		t.Fatalf("status: %v", s)
	}
}

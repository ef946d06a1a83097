package api

import (
	"testing"
	"time"
)

// TestRegisterInvitationOfAnotherEmailLooksBogus: registering with a real
// invitation issued to someone else answers exactly like an unknown token, so
// a guessed or leaked token does not reveal that it exists (the accept
// endpoint answers both with the same 404).
func TestRegisterInvitationOfAnotherEmailLooksBogus(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	real := authInvite(t, e, owner.OrgID, "bob@example.com", "member", e.clock.Now().Add(time.Hour))
	withInvite := func(email, tok string) map[string]any {
		b := registerBody(email, "Mallory", "s3cret-enough")
		b["invite_token"] = tok
		return b
	}
	bogus := e.do("POST", "/api/v1/auth/register", "", withInvite("mallory@example.com", "inv_nope"))
	foreign := e.do("POST", "/api/v1/auth/register", "", withInvite("mallory@example.com", real))
	if bogus.Code != 422 || foreign.Code != bogus.Code || foreign.Body.String() != bogus.Body.String() {
		t.Fatalf("bogus token: %d %s\nsomeone else's invitation: %d %s",
			bogus.Code, bogus.Body.String(), foreign.Code, foreign.Body.String())
	}
	assertErrorBody(t, foreign, "validation_failed")
	if _, err := e.db.UserByEmail("mallory@example.com"); err == nil {
		t.Fatal("an account was created with someone else's invitation")
	}
	// The invitation still works for the person it was issued to.
	if rec := e.do("POST", "/api/v1/auth/register", "", withInvite("bob@example.com", real)); rec.Code != 201 {
		t.Fatalf("invitee: %d %s", rec.Code, rec.Body.String())
	}
}

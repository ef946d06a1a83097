package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// TestInvitationPreview: the landing page of an invitation link learns the organization,
// the inviter's name, the role and the address from the token alone; unknown and expired
// tokens answer the same 404, and a missing token is a field error.
func TestInvitationPreview(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Grace Hopper")
	org, err := e.db.Organization(owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	invite := func(email string, expires time.Time) string {
		tok, err := crypto.RandomToken("inv_", 32)
		if err != nil {
			t.Fatal(err)
		}
		inv := &store.Invitation{Email: email, Role: "responder", InvitedBy: owner.ID, Digest: crypto.Digest(tok), ExpiresAt: expires}
		if err := e.db.CreateInvitation(owner.OrgID, inv, nil); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	valid := invite("bob@example.com", e.clock.Now().Add(time.Hour))
	expired := invite("carol@example.com", e.clock.Now().Add(-time.Second))
	rec := e.do("POST", "/api/v1/auth/invitation", "", map[string]any{"token": valid})
	if rec.Code != 200 {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body.String())
	}
	got := decode[invitationPreview](t, rec)
	if got.Email != "bob@example.com" || got.Role != "responder" || got.OrganizationName != org.Name ||
		got.InvitedByName != "Grace Hopper" || got.AccountExists {
		t.Fatalf("preview = %+v", got)
	}
	unknown := e.do("POST", "/api/v1/auth/invitation", "", map[string]any{"token": "inv_nope"})
	old := e.do("POST", "/api/v1/auth/invitation", "", map[string]any{"token": expired})
	if unknown.Code != 404 || old.Code != 404 || unknown.Body.String() != old.Body.String() {
		t.Fatalf("unknown: %d %s; expired: %d %s", unknown.Code, unknown.Body.String(), old.Code, old.Body.String())
	}
	assertErrorBody(t, unknown, "not_found")
	empty := e.do("POST", "/api/v1/auth/invitation", "", map[string]any{"token": ""})
	if empty.Code != 422 {
		t.Fatalf("empty token: %d %s", empty.Code, empty.Body.String())
	}
	assertErrorBody(t, empty, "validation_failed")
}

// TestInvitationPreviewRateLimited: the unauthenticated preview is limited per client IP
// like login and sign-up (SPEC §2.4): once an address has used its window every answer is
// the 429 error body with the rate headers, whatever the token; another address still gets
// its answers, and the window's end lets the first one in again.
func TestInvitationPreviewRateLimited(t *testing.T) {
	e := newTestEnv(t)
	reset := e.clock.Now().Add(invitationPreviewWindow)
	for i := range invitationPreviewLimit {
		rec := e.doFrom("203.0.113.5", "POST", "/api/v1/auth/invitation", "", map[string]any{"token": fmt.Sprintf("inv_guess%d", i)})
		if rec.Code != http.StatusNotFound {
			t.Fatalf("preview %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
		wantRateHeaders(invitationPreviewLimit, invitationPreviewLimit-i-1, reset, int(invitationPreviewWindow/time.Second))(t, rec)
	}
	rec := e.doFrom("203.0.113.5", "POST", "/api/v1/auth/invitation", "", map[string]any{"token": "inv_guess"})
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "rate_limited")
	if rec := e.doFrom("203.0.113.6", "POST", "/api/v1/auth/invitation", "", map[string]any{"token": "inv_guess"}); rec.Code != http.StatusNotFound {
		t.Fatalf("another address: %d", rec.Code)
	}
	e.clock.Advance(invitationPreviewWindow)
	if rec := e.doFrom("203.0.113.5", "POST", "/api/v1/auth/invitation", "", map[string]any{"token": "inv_guess"}); rec.Code != http.StatusNotFound {
		t.Fatalf("after the window: %d", rec.Code)
	}
}

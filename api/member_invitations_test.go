package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// invited is the 201 answer to an invitation.
type invited struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expires_at"`
	InviteURL string    `json:"invite_url"`
	EmailSent bool      `json:"email_sent"`
}

// inviteToken extracts the token of an invite_url.
func (inv invited) token(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(inv.InviteURL)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("invite_url %q has no token", inv.InviteURL)
	}
	return u.Query().Get("token")
}

// mustInvite invites email into the caller's organization through the API.
func mustInvite(t *testing.T, e *testEnv, token, email, role string) invited {
	t.Helper()
	rec := e.do("POST", "/api/v1/members", token, map[string]any{"email": email, "role": role})
	if rec.Code != http.StatusCreated {
		t.Fatalf("invite %s: %d %s", email, rec.Code, rec.Body.String())
	}
	return decode[invited](t, rec)
}

func TestInvitationsCreateListRevoke(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) {
		c.BaseURL = "https://status.example.com/"
		c.JWTTTL = 30 * 24 * time.Hour // the clock moves past the expiry below
	})
	f := newOrgFixture(e)
	inv := mustInvite(t, e, f.adminTok, "New.Person@Example.com", "responder")
	tok := inv.token(t)
	if inv.Status != "invited" || inv.Email != "new.person@example.com" || inv.Role != "responder" || inv.EmailSent {
		t.Fatalf("invitation = %+v", inv)
	}
	if !strings.HasPrefix(inv.InviteURL, "https://status.example.com/invite?token=inv_") || len(tok) < 40 {
		t.Fatalf("invite_url = %q", inv.InviteURL)
	}
	if want := e.clock.Now().Add(7 * 24 * time.Hour); !inv.ExpiresAt.Equal(want) {
		t.Fatalf("expires_at = %v, want %v", inv.ExpiresAt, want)
	}
	// Only the digest is stored.
	stored, err := e.db.InvitationByDigest(crypto.Digest(tok))
	if err != nil || stored.ID != inv.ID {
		t.Fatalf("stored invitation = %+v, %v", stored, err)
	}
	second := mustInvite(t, e, f.owner.Token, "second@example.com", "admin")

	const list = "/api/v1/members/invitations"
	e.run([]scenario{
		{name: "admin lists", method: "GET", path: list, token: f.adminTok, status: 200,
			contains:    []string{`"email":"new.person@example.com"`, `"status":"invited"`, `"invited_by":"` + f.admin.ID + `"`, `"expires_at":"2026-12-02T12:00:00Z"`},
			notContains: []string{tok, "digest", "token", second.token(t)}},
		{name: "member cannot list", method: "GET", path: list, token: f.memberTok, status: 403},
		{name: "viewer cannot list", method: "GET", path: list, token: f.viewerTok, status: 403},
		{name: "other organization lists A's with ?org=", method: "GET", path: f.inA(list), token: f.outsider.Token, status: 404},
		{name: "other organization lists its own", method: "GET", path: list, token: f.outsider.Token, status: 200,
			notContains: []string{"new.person@example.com"}},
		{name: "viewer cannot revoke", method: "DELETE", path: list + "/" + second.ID, token: f.viewerTok, status: 403},
		{name: "other organization revokes with ?org= of A", method: "DELETE", path: f.inA(list + "/" + second.ID), token: f.outsider.Token, status: 404},
		{name: "other organization's token on A's invitation", method: "DELETE", path: list + "/" + second.ID, token: f.outsider.Token, status: 404},
		{name: "admin revokes", method: "DELETE", path: list + "/" + second.ID, token: f.adminTok, status: 204},
		{name: "revoked twice", method: "DELETE", path: list + "/" + second.ID, token: f.adminTok, status: 404},
	})
	if _, err := e.db.InvitationByDigest(crypto.Digest(second.token(t))); err == nil {
		t.Fatal("revoked invitation still resolves")
	}

	// The invitee registers with the token: the account joins A with the
	// invited role and the invitation is consumed.
	u := &store.User{Email: "new.person@example.com", FullName: "New Person", PasswordHash: "x"}
	if _, err := e.db.RegisterInvited(u, crypto.Digest(tok), nil, nil); err != nil {
		t.Fatalf("RegisterInvited: %v", err)
	}
	wantRole(t, e, f.owner.OrgID, u.ID, roleResponder)
	e.run([]scenario{
		{name: "invitee is listed as member", method: "GET", path: "/api/v1/members", token: f.viewerTok, status: 200,
			contains: []string{`"email":"new.person@example.com"`, `"role":"responder"`}},
		{name: "accepted invitation is gone", method: "GET", path: list, token: f.adminTok, status: 200,
			notContains: []string{"new.person@example.com"}},
	})

	// Past its 7 days an invitation is listed as expired.
	mustInvite(t, e, f.adminTok, "late@example.com", "viewer")
	e.clock.Advance(7*24*time.Hour + time.Second)
	e.run([]scenario{{name: "expired status", method: "GET", path: list, token: f.adminTok, status: 200,
		contains: []string{`"status":"expired"`}}})
	wantAudit(t, e, f.owner.OrgID, "member.invited", "invitation.revoked")
}

func TestInvitationRoleRules(t *testing.T) {
	e, f := newOrgEnv(t)
	e.run([]scenario{
		{name: "admin cannot invite an owner", method: "POST", path: "/api/v1/members", token: f.adminTok,
			body: map[string]any{"email": "boss@example.com", "role": "owner"}, status: 403},
		{name: "owner can invite an owner", method: "POST", path: "/api/v1/members", token: f.owner.Token,
			body: map[string]any{"email": "boss@example.com", "role": "owner"}, status: 201, contains: []string{`"role":"owner"`, `"status":"invited"`}},
		{name: "viewer cannot invite", method: "POST", path: "/api/v1/members", token: f.viewerTok,
			body: map[string]any{"email": "x@example.com"}, status: 403},
	})
}

func TestAcceptInvitation(t *testing.T) {
	e, f := newOrgEnv(t, func(c *config.Config) { c.JWTTTL = 30 * 24 * time.Hour })
	// Invitations made before the invitees had accounts.
	late := mustInvite(t, e, f.adminTok, "late@example.com", "member")
	stale := mustInvite(t, e, f.adminTok, "stale@example.com", "viewer")
	dup := mustInvite(t, e, f.adminTok, "dup@example.com", "viewer")
	lateUser := e.newUser("late@example.com", "Late Comer")
	staleUser := e.newUser("stale@example.com", "Stale")
	dupUser := e.newUser("dup@example.com", "Dup")
	e.join(f.owner.OrgID, dupUser, roleViewer)

	secret := "ak_" + strings.Repeat("k", 43)
	key := &store.APIKey{Name: "ci", Prefix: secret[:8], Role: roleMember, CreatedBy: lateUser.ID, Digest: crypto.Digest(secret)}
	if err := e.db.CreateAPIKey(lateUser.OrgID, key, nil); err != nil {
		t.Fatal(err)
	}
	const accept = "/api/v1/invitations/accept"
	body := func(tok string) map[string]any { return map[string]any{"token": tok} }
	e.run([]scenario{
		{name: "unauthenticated", method: "POST", path: accept, body: body(late.token(t)), status: 401},
		{name: "api key", method: "POST", path: accept, token: secret, body: body(late.token(t)), status: 403},
		{name: "someone else's invitation looks unknown", method: "POST", path: accept, token: f.carol.Token, body: body(late.token(t)), status: 404,
			notContains: []string{"late@example.com", f.owner.OrgID}},
		{name: "unknown token", method: "POST", path: accept, token: lateUser.Token, body: body("inv_nope"), status: 404},
		{name: "missing token", method: "POST", path: accept, token: lateUser.Token, body: map[string]any{}, status: 422},
		{name: "already a member", method: "POST", path: accept, token: dupUser.Token, body: body(dup.token(t)), status: 409},
		{name: "invitee accepts", method: "POST", path: accept, token: lateUser.Token, body: body(late.token(t)), status: 200,
			contains: []string{`"org_id":"` + f.owner.OrgID + `"`, `"role":"member"`}},
		{name: "accepting twice", method: "POST", path: accept, token: lateUser.Token, body: body(late.token(t)), status: 404},
	})
	wantRole(t, e, f.owner.OrgID, lateUser.ID, roleMember)
	// The invitee can now act in A through ?org=.
	if rec := e.do("GET", "/api/v1/members?org="+f.owner.OrgSlug, lateUser.Token, nil); rec.Code != http.StatusOK {
		t.Fatalf("invitee lists A's members: %d", rec.Code)
	}
	wantAudit(t, e, f.owner.OrgID, "member.added")

	e.clock.Advance(8 * 24 * time.Hour)
	e.run([]scenario{{name: "expired", method: "POST", path: accept, token: staleUser.Token, body: body(stale.token(t)), status: 422,
		check: func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, "validation_failed") }}})
	if _, err := e.db.Membership(f.owner.OrgID, staleUser.ID); err == nil {
		t.Fatal("expired invitation was accepted")
	}
}

func TestInvitationEmailDelivered(t *testing.T) {
	smtpSrv := startSMTPCapture(t)
	e, f := newOrgEnv(t, smtpSrv.configure)
	inv := mustInvite(t, e, f.adminTok, "grace@example.com", "admin")
	if !inv.EmailSent {
		t.Fatalf("email_sent false: %+v", inv)
	}
	msgs := smtpSrv.messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails delivered, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "grace@example.com" {
		t.Errorf("envelope recipients %v", m.To)
	}
	if m.Subject != "You're invited to Olivia Owner's Organization on AlertifyPro" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, want := range []string{inv.InviteURL, "Adam Admin", "an admin", "2 December 2026 12:00 UTC"} {
			if !strings.Contains(part, want) {
				t.Errorf("e-mail part lacks %q:\n%s", want, part)
			}
		}
	}
	if !strings.Contains(m.HTML, "Olivia Owner&#39;s Organization") {
		t.Errorf("organization name not HTML-escaped in the HTML part:\n%s", m.HTML)
	}

	// An existing account is added, not e-mailed.
	mustInvite(t, e, f.adminTok, "carol@example.com", "member")
	if n := len(smtpSrv.messages(t)); n != 1 {
		t.Fatalf("adding an existing account sent mail (%d messages)", n)
	}
}

func TestInvitationSurvivesMailFailure(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) {
		// A port nothing listens on: the send fails at once.
		c.SMTPHost, c.SMTPPort, c.SMTPTLS, c.SMTPFrom = "127.0.0.1", 1, "none", "noreply@alertify.example"
	})
	f := newOrgFixture(e)
	inv := mustInvite(t, e, f.adminTok, "grace@example.com", "viewer")
	if inv.EmailSent || inv.InviteURL == "" {
		t.Fatalf("invitation = %+v, want email_sent false with a link", inv)
	}
	if _, err := e.db.InvitationByDigest(crypto.Digest(inv.token(t))); err != nil {
		t.Fatalf("invitation lost after a failed send: %v", err)
	}
}

package api

import (
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// confirmEmail marks u's current address as proven, as following an
// invitation or e-mail change link does.
func (e *testEnv) confirmEmail(u *testUser) {
	e.t.Helper()
	if _, err := e.db.UpdateUser(u.ID, func(su *store.User) error {
		su.ConfirmedEmail = su.Email
		return nil
	}, "", nil); err != nil {
		e.t.Fatal(err)
	}
}

// TestAddingAnUnconfirmedAccountInvitesIt: "add member" gives an account the
// membership at once only when its holder proved the address; otherwise the
// address gets an invitation, and accepting it (signed in as that account)
// both joins and confirms the address, so the next organization adds it at
// once.
func TestAddingAnUnconfirmedAccountInvitesIt(t *testing.T) {
	smtpSrv := startSMTPCapture(t)
	e := newTestEnv(t, smtpSrv.configure)
	a := e.newUser("a-owner@example.com", "Ann")
	b := e.newUser("b-owner@example.com", "Ben")
	grace := e.newUser("grace@example.com", "Grace") // registered; address never proven

	inv := mustInvite(t, e, a.Token, "Grace@Example.com", "member")
	if inv.Status != "invited" || !inv.EmailSent || inv.Email != "grace@example.com" {
		t.Fatalf("adding an unconfirmed account: %+v", inv)
	}
	if _, err := e.db.Membership(a.OrgID, grace.ID); err == nil {
		t.Fatal("the unconfirmed account was added without the invitation")
	}
	msgs := smtpSrv.messages(t)
	if len(msgs) != 1 || msgs[0].To[0] != "grace@example.com" {
		t.Fatalf("invitation mail: %+v", msgs)
	}
	e.run([]scenario{
		{name: "the profile says unconfirmed", method: "GET", path: "/api/v1/profile", token: grace.Token, status: 200,
			contains: []string{`"email_confirmed":false`, `"pending_email":null`}},
		{name: "grace accepts, signed in", method: "POST", path: "/api/v1/invitations/accept", token: grace.Token,
			body: map[string]any{"token": inv.token(t)}, status: 200},
		{name: "now confirmed", method: "GET", path: "/api/v1/profile", token: grace.Token, status: 200,
			contains: []string{`"email_confirmed":true`}},
		{name: "adding her again is a conflict", method: "POST", path: "/api/v1/members", token: a.Token,
			body: map[string]any{"email": "grace@example.com"}, status: 409},
		{name: "another organization now adds her at once", method: "POST", path: "/api/v1/members", token: b.Token,
			body: map[string]any{"email": "grace@example.com", "role": "viewer"}, status: 201,
			contains: []string{`"user_id":"` + grace.ID + `"`, `"role":"viewer"`}, notContains: []string{"invite_url"}},
	})
	wantRole(t, e, a.OrgID, grace.ID, roleMember)
	wantRole(t, e, b.OrgID, grace.ID, roleViewer)
	// An unconfirmed account that is already a member is a conflict, not a new invitation.
	dan := e.newUser("dan@example.com", "Dan")
	e.join(a.OrgID, dan, roleViewer)
	if rec := e.do("POST", "/api/v1/members", a.Token, map[string]any{"email": "dan@example.com"}); rec.Code != 409 {
		t.Fatalf("adding a member again: %d %s", rec.Code, rec.Body.String())
	}
}

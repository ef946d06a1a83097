package api

import (
	"bytes"
	"html"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
)

// TestEmailSquattingGainsNoMembership: an account that claims an address it
// does not control — by changing its profile e-mail, or by registering with
// it — never receives a membership meant for that address. Adding the address
// as a member sends an invitation to the address instead.
func TestEmailSquattingGainsNoMembership(t *testing.T) {
	smtpSrv := startSMTPCapture(t)
	e := newTestEnv(t, smtpSrv.configure)
	admin := e.newUser("admin@corp.example", "Olivia Admin")
	squatter := e.newUser("mallory@example.com", "Mallory")

	// Without the password the e-mail does not change at all.
	rec := e.do("PUT", "/api/v1/profile", squatter.Token, map[string]any{"email": "new.hire@corp.example"})
	if rec.Code != 422 {
		t.Fatalf("e-mail change without password: %d %s", rec.Code, rec.Body.String())
	}
	// With it, the address is only pending: the old one stays in force.
	rec = e.do("PUT", "/api/v1/profile", squatter.Token,
		map[string]any{"email": "new.hire@corp.example", "current_password": authPassword})
	if rec.Code != 200 {
		t.Fatalf("e-mail change with password: %d %s", rec.Code, rec.Body.String())
	}
	if u, err := e.db.User(squatter.ID); err != nil || u.Email != "mallory@example.com" {
		t.Fatalf("e-mail changed before confirmation: %+v %v", u, err)
	}
	if _, err := e.db.UserByEmail("new.hire@corp.example"); err == nil {
		t.Fatal("a pending address claimed the e-mail index")
	}

	inv := mustInvite(t, e, admin.Token, "new.hire@corp.example", "admin")
	if inv.Status != "invited" || !inv.EmailSent {
		t.Fatalf("adding the address: %+v, want an invitation mailed to it", inv)
	}
	if _, err := e.db.Membership(admin.OrgID, squatter.ID); err == nil {
		t.Fatal("the squatter got the membership")
	}
	if msgs := smtpSrv.messages(t); len(msgs) != 2 || msgs[1].To[0] != "new.hire@corp.example" {
		t.Fatalf("mails: %+v", msgs)
	}
}

// TestRegisteredAddressIsNotConfirmed: registering without an invitation
// proves nothing about the address (no mail is sent), so adding that address
// as a member invites it instead of granting the account the membership.
func TestRegisteredAddressIsNotConfirmed(t *testing.T) {
	e := newTestEnv(t)
	admin := e.newUser("admin@corp.example", "Olivia Admin")
	rec := e.do("POST", "/api/v1/auth/register", "", registerBody("boss@corp.example", "Not The Boss", "s3cret-enough"))
	if rec.Code != 201 {
		t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
	}
	registered := decode[registerResponse](t, rec)

	inv := mustInvite(t, e, admin.Token, "boss@corp.example", "admin")
	if inv.Status != "invited" || inv.Email != "boss@corp.example" {
		t.Fatalf("adding the address: %+v, want an invitation", inv)
	}
	if _, err := e.db.Membership(admin.OrgID, registered.UserID); err == nil {
		t.Fatal("an unproven registration got the membership")
	}
}

// emailLink extracts the confirmation link's token from a captured mail.
func emailLink(t *testing.T, m capturedMail) (link, token string) {
	t.Helper()
	i := strings.Index(m.Text, "http://localhost:3001"+emailConfirmPath+"?token=")
	if i < 0 {
		t.Fatalf("no confirmation link in:\n%s", m.Text)
	}
	link = strings.Fields(m.Text[i:])[0]
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return link, u.Query().Get("token")
}

// postForm submits the confirmation page's form as a browser does.
func postForm(e *testEnv, path string, form url.Values) *httptest.ResponseRecorder {
	return postFormFrom(e, "192.0.2.10:40000", path, form)
}

func TestProfileEmailChangeConfirmedByLink(t *testing.T) {
	smtpSrv := startSMTPCapture(t)
	e := newTestEnv(t, smtpSrv.configure)
	ada := e.newUser("ada@example.com", "Ada")
	e.newUser("bob@example.com", "Bob")
	change := func(email, password string) map[string]any {
		return map[string]any{"email": email, "current_password": password}
	}
	e.run([]scenario{
		{name: "wrong password", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: change("ada.king@example.com", "not the password"), status: 400, contains: []string{`"current_password":"is incorrect"`}},
		{name: "another account's address", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: change("BOB@example.com", authPassword), status: 409},
		{name: "requested", method: "PUT", path: "/api/v1/profile", token: ada.Token,
			body: change("Ada.King@Example.com", authPassword), status: 200,
			contains: []string{`"email":"ada@example.com"`, `"pending_email":{"email":"ada.king@example.com","expires_at":"2026-11-26T12:00:00Z"}`}},
		{name: "the old address still signs in", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada@example.com", authPassword), status: 200},
		{name: "the new one not yet", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada.king@example.com", authPassword), status: 401},
	})
	msgs := smtpSrv.messages(t)
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "ada.king@example.com" {
		t.Fatalf("confirmation mail: %+v", msgs)
	}
	link, token := emailLink(t, msgs[0])
	if !strings.HasPrefix(token, "emc_") || len(token) < 40 || !strings.Contains(msgs[0].HTML, html.EscapeString(link)) {
		t.Fatalf("link %q", link)
	}
	// Only the token's digest is stored.
	if ch, err := e.db.PendingEmailChange(ada.ID); err != nil || !bytes.Equal(ch.Digest, crypto.Digest(token)) {
		t.Fatalf("pending change %+v, %v", ch, err)
	}

	// Opening the link (as a mail scanner does) shows a page and changes nothing.
	for range 2 {
		rec := e.do("GET", emailConfirmPath+"?token="+url.QueryEscape(token), "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<form method="post" action="`+emailConfirmPath+`">`) ||
			!strings.Contains(rec.Body.String(), "ada.king@example.com") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET link: %d %s", rec.Code, rec.Body.String())
		}
	}
	if u, _ := e.db.User(ada.ID); u.Email != "ada@example.com" {
		t.Fatalf("GET changed the e-mail to %s", u.Email)
	}
	if rec := e.do("GET", emailConfirmPath+"?token=emc_bogus", "", nil); rec.Code != 404 || strings.Contains(rec.Body.String(), "<form") {
		t.Fatalf("bogus link: %d %s", rec.Code, rec.Body.String())
	}

	// The page's button posts the form: the change is made, once.
	rec := postForm(e, emailConfirmPath, url.Values{"token": {token}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "now uses ada.king@example.com") {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	if rec := postForm(e, emailConfirmPath, url.Values{"token": {token}}); rec.Code != 404 {
		t.Fatalf("second confirm: %d %s", rec.Code, rec.Body.String())
	}
	e.run([]scenario{
		{name: "the new address signs in", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada.king@example.com", authPassword), status: 200},
		{name: "the old one no more", method: "POST", path: "/api/v1/auth/login", body: loginBody("ada@example.com", authPassword), status: 401},
		{name: "the session goes on, confirmed", method: "GET", path: "/api/v1/profile", token: ada.Token, status: 200,
			contains: []string{`"email":"ada.king@example.com"`, `"email_confirmed":true`, `"pending_email":null`}},
		{name: "the old address is free", method: "POST", path: "/api/v1/auth/register", body: registerBody("ada@example.com", "New Ada", "s3cret-enough"), status: 201},
	})
	msgs = smtpSrv.messages(t)
	if len(msgs) != 2 || msgs[1].To[0] != "ada@example.com" || !strings.Contains(msgs[1].Text, "ada.king@example.com") {
		t.Fatalf("no notice to the old address: %+v", msgs)
	}
	wantAudit(t, e, ada.OrgID, "user.email_change_requested", "user.email_changed")
}

func TestProfileEmailChangeLinkRules(t *testing.T) {
	smtpSrv := startSMTPCapture(t)
	e := newTestEnv(t, smtpSrv.configure, func(c *config.Config) { c.JWTTTL = 30 * 24 * time.Hour })
	ada := e.newUser("ada@example.com", "Ada")
	request := func(email string) string {
		t.Helper()
		n := len(smtpSrv.messages(t))
		rec := e.do("PUT", "/api/v1/profile", ada.Token, map[string]any{"email": email, "current_password": authPassword})
		if rec.Code != 200 {
			t.Fatalf("request %s: %d %s", email, rec.Code, rec.Body.String())
		}
		msgs := smtpSrv.messages(t)
		if len(msgs) != n+1 {
			t.Fatalf("%d mails, want %d", len(msgs), n+1)
		}
		_, token := emailLink(t, msgs[n])
		return token
	}
	confirmJSON := func(token string) *httptest.ResponseRecorder {
		return e.do("POST", emailConfirmPath, "", map[string]any{"token": token})
	}

	// A second request replaces the first: its link is dead.
	first := request("first@example.com")
	second := request("second@example.com")
	if rec := confirmJSON(first); rec.Code != 404 {
		t.Fatalf("replaced link: %d %s", rec.Code, rec.Body.String())
	}
	// The pending address claims nothing: someone else may take it meanwhile, and then
	// the confirmation finds it taken and changes nothing.
	if rec := e.do("POST", "/api/v1/auth/register", "", registerBody("second@example.com", "Sec", "s3cret-enough")); rec.Code != 201 {
		t.Fatalf("register the pending address: %d %s", rec.Code, rec.Body.String())
	}
	rec := confirmJSON(second)
	if rec.Code != 409 {
		t.Fatalf("taken meanwhile: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "conflict")
	if u, _ := e.db.User(ada.ID); u.Email != "ada@example.com" {
		t.Fatalf("e-mail became %s", u.Email)
	}
	// Links expire after 24 hours.
	late := request("late@example.com")
	e.clock.Advance(24*time.Hour + time.Second)
	if rec := e.do("GET", emailConfirmPath+"?token="+late, "", nil); rec.Code != 404 {
		t.Fatalf("expired link page: %d", rec.Code)
	}
	if rec := confirmJSON(late); rec.Code != 404 {
		t.Fatalf("expired link: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("GET", "/api/v1/profile", ada.Token, nil); !strings.Contains(rec.Body.String(), `"pending_email":null`) {
		t.Fatalf("expired change still shown: %s", rec.Body.String())
	}
	// An API client confirms with JSON.
	ok := request("ada.k@example.com")
	if rec := confirmJSON(ok); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"email":"ada.k@example.com"`) {
		t.Fatalf("JSON confirm: %d %s", rec.Code, rec.Body.String())
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"token": strings.Repeat("x", 5000)}} {
		if rec := e.do("POST", emailConfirmPath, "", bad); rec.Code != 404 {
			t.Fatalf("confirm %v: %d %s", bad, rec.Code, rec.Body.String())
		}
	}
	if rec := e.do("POST", emailConfirmPath, "", map[string]any{"token": ok, "extra": 1}); rec.Code != 400 {
		t.Fatalf("unknown field: %d", rec.Code)
	}
}

func TestProfileEmailChangeMailFailureChangesNothing(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) {
		// A port nothing listens on: the send fails at once.
		c.SMTPHost, c.SMTPPort, c.SMTPTLS, c.SMTPFrom = "127.0.0.1", 1, "none", "noreply@alertify.example"
	})
	ada := e.newUser("ada@example.com", "Ada")
	rec := e.do("PUT", "/api/v1/profile", ada.Token,
		map[string]any{"full_name": "Ada King", "email": "new@example.com", "current_password": authPassword})
	if rec.Code != 503 {
		t.Fatalf("unsent confirmation: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "unavailable")
	if _, err := e.db.PendingEmailChange(ada.ID); err == nil {
		t.Fatal("a change whose link was never sent is pending")
	}
	if u, _ := e.db.User(ada.ID); u.FullName != "Ada" || u.Email != "ada@example.com" {
		t.Fatalf("half the update was written: %+v", u)
	}
}

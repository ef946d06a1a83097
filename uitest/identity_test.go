package uitest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// TestRemovedFromOrganization: removal from the organization the app shows
// switches to one the user still belongs to (the token stays valid); the end
// of the organization the token was issued for (SPEC §12: 401) sends the user
// to the login page once, with a reason, and signing in lands in an
// organization that is still theirs — no loop either way.
func TestRemovedFromOrganization(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Bob Builder", "bob@example.com", "correct horse battery")
	bob, err := srv.DB.UserByEmail("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	own, err := srv.DB.UserOrganizations(bob.ID)
	if err != nil || len(own) != 1 {
		t.Fatalf("bob's organizations: %v %v", own, err)
	}
	bobOrg := own[0].Organization
	ann := &store.User{Email: "ann@example.com", FullName: "Ann", PasswordHash: "x"}
	annOrg := &store.Organization{Name: "Acme Operations", Slug: "acme-operations"}
	if err := srv.DB.Register(ann, annOrg, &store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.AddMember(annOrg.ID, &store.Membership{UserID: bob.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	// Bob selects Acme (as the switcher does) and reloads.
	evalJS[bool](b, `(localStorage.setItem('alertifypro.org', 'acme-operations'), true)`)
	b.open("/")
	b.waitFor("Acme selected", `document.querySelector('#org-switcher')?.value === 'acme-operations'`, 10*time.Second)

	// Ann removes Bob; his next request in Acme is 404 and the app moves him home.
	if err := srv.DB.RemoveMember(annOrg.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	b.click("Alerts")
	b.waitText("You are no longer a member of acme-operations")
	b.waitFor("own organization selected", fmt.Sprintf(`localStorage.getItem('alertifypro.org') === %q &&
		document.querySelector('#org-switcher')?.value === %q`, bobOrg.Slug, bobOrg.Slug), 10*time.Second)
	b.screenshot("switched-home")

	// The same after a full reload: the profile loads without the stale selection, so
	// the app never gets stuck on "Organization not found".
	if err := srv.DB.AddMember(annOrg.ID, &store.Membership{UserID: bob.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	evalJS[bool](b, `(localStorage.setItem('alertifypro.org', 'acme-operations'), true)`)
	if err := srv.DB.RemoveMember(annOrg.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	b.open("/alerts")
	b.waitFor("own organization after reload", fmt.Sprintf(`document.querySelector('#org-switcher')?.value === %q`, bobOrg.Slug), 10*time.Second)
	if evalJS[bool](b, `document.body.innerText.includes('Organization not found')`) {
		t.Fatal("the app shows the stale organization's 404")
	}

	// Bob's token was issued for his own organization; once that is gone the token is
	// 401 everywhere, and the app asks him to sign in again.
	if err := srv.DB.AddMember(annOrg.ID, &store.Membership{UserID: bob.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	b.click("Heartbeats")
	b.waitFor("heartbeats page", `location.pathname === '/heartbeats'`, 10*time.Second)
	if err := srv.DB.DeleteOrganization(bobOrg.ID); err != nil {
		t.Fatal(err)
	}
	// The app's own polling may meet the 401 first; otherwise opening the page again
	// makes a request. Clicking inside the page is one step, so it cannot race a
	// navigation to the login page that already happened.
	evalJS[bool](b, `(() => { const a = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Heartbeats');
		if (a) a.click(); return true; })()`)
	b.waitText("Your session has ended")
	if path := evalJS[string](b, `location.pathname`); path != "/login" {
		t.Fatalf("after the 401 the app is at %s, want /login", path)
	}
	b.screenshot("session-ended")
	b.fill("email", "bob@example.com")
	b.fill("password", "correct horse battery")
	b.click("Log in")
	b.waitFor("back in, in Acme", `location.pathname === '/heartbeats' &&
		document.querySelector('#org-switcher')?.value === 'acme-operations'`, 10*time.Second)
	time.Sleep(500 * time.Millisecond) // a loop would navigate away again
	if path := evalJS[string](b, `location.pathname`); path != "/heartbeats" {
		t.Fatalf("after signing in again the app went on to %s", path)
	}
}

// TestProfileEmailChange: the profile form asks for the password once the
// address differs, says where the confirmation link went, and the link's page
// confirms only when its button is pressed.
func TestProfileEmailChange(t *testing.T) {
	mails := startMailbox(t)
	srv := startServer(t, serverOptions{Configure: mails.configure})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.open("/profile")
	b.waitText("Your details")
	// Only the password form asks for the password while the address is unchanged.
	if n := evalJS[int](b, `document.querySelectorAll('[name=current_password]').length`); n != 1 {
		t.Fatalf("%d password fields before the address changed, want 1", n)
	}
	b.fill("email", "countess@example.com")
	b.waitFor("password field", `document.querySelectorAll('[name=current_password]').length === 2`, 5*time.Second)
	b.click("Save")
	b.waitText("is required to change the e-mail address")
	b.fill("current_password", "correct horse battery") // the first one: the details form's
	b.click("Save")
	b.waitText("Check your inbox.")
	b.waitText("countess@example.com")
	b.screenshot("check-your-inbox")
	if u, _ := srv.DB.UserByEmail("ada@example.com"); u == nil {
		t.Fatal("the old address stopped working before confirmation")
	}

	link := mails.link(t, "countess@example.com")
	b.run("open the link", chromedp.Navigate(link))
	b.waitText("Confirm your new e-mail address")
	if u, _ := srv.DB.UserByEmail("countess@example.com"); u != nil {
		t.Fatal("opening the link changed the address")
	}
	b.screenshot("confirm-page")
	b.click("Confirm this address")
	b.waitText("E-mail address changed")
	if u, err := srv.DB.UserByEmail("countess@example.com"); err != nil || !u.EmailConfirmed() {
		t.Fatalf("after confirming: %+v %v", u, err)
	}
	b.open("/profile")
	b.waitFor("new address shown", `document.querySelector('[name=email]')?.value === 'countess@example.com'`, 10*time.Second)
}

// mailbox is a real SMTP server (go-smtp) on 127.0.0.1 that keeps the text part
// of every message it receives, by recipient.
type mailbox struct {
	mu   sync.Mutex
	to   []string
	text []string
	port int
}

func (m *mailbox) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &mailboxSession{m: m}, nil }

type mailboxSession struct {
	m  *mailbox
	to []string
}

func (s *mailboxSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Reset()        { s.to = nil }
func (s *mailboxSession) Logout() error { return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	// multipart.Part undoes the quoted-printable encoding, which wraps long links.
	mr := multipart.NewReader(msg.Body, params["boundary"])
	text := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		body, _ := io.ReadAll(part)
		if mt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); mt == "text/plain" {
			text = string(body)
		}
	}
	s.m.mu.Lock()
	for _, to := range s.to {
		s.m.to, s.m.text = append(s.m.to, to), append(s.m.text, text)
	}
	s.m.mu.Unlock()
	return nil
}

// startMailbox runs the SMTP server until the test ends.
func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{}
	srv := gosmtp.NewServer(m)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return m
}

// configure points the server's SMTP settings at the mailbox.
func (m *mailbox) configure(cfg *config.Config) {
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = "127.0.0.1", m.port, "none"
	cfg.SMTPFrom = "AlertifyPro <noreply@alertify.example>"
}

var confirmLink = regexp.MustCompile(`http://[0-9.:]+/api/v1/profile/email/confirm\?token=[A-Za-z0-9_%-]+`)

// link returns the confirmation link of the latest mail to rcpt.
func (m *mailbox) link(t *testing.T, rcpt string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.to) - 1; i >= 0; i-- {
		if m.to[i] != rcpt {
			continue
		}
		if l := confirmLink.FindString(m.text[i]); l != "" {
			return l
		}
	}
	t.Fatalf("no confirmation link mailed to %s (mails to %v)", rcpt, m.to)
	return ""
}

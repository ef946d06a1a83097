package uitest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/alertifypro/alertifypro/config"
)

// TestTwoFactorSignIn drives SPEC §10 in Chromium: enrol an authenticator app from the
// profile (the code computed in Go from the secret the page shows), see the recovery
// codes once, sign out and sign in with a code; then add a passkey through Chrome's
// virtual authenticator (DevTools WebAuthn domain), sign out and sign in with the passkey
// alone. The page is opened as http://localhost:<port> (still the 127.0.0.1 listener):
// a WebAuthn relying party ID must be a domain name, never an IP address.
func TestTwoFactorSignIn(t *testing.T) {
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) {
		c.BaseURL = strings.Replace(c.BaseURL, "127.0.0.1", "localhost", 1)
	}})
	b := newBrowser(t, srv, 120*time.Second)
	b.base = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	b.open("/profile")
	b.click("Set up an authenticator app")
	secret := b.waitFor("the secret", `document.querySelector('[data-totp-secret]')?.textContent`, 10*time.Second).(string)
	if !evalJS[bool](b, `document.querySelector('img.qr')?.src.startsWith('data:image/svg+xml')`) {
		t.Fatal("no QR code image")
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.fill("code", code)
	b.click("Turn on two-factor sign-in")
	b.waitFor("recovery codes", `document.querySelectorAll('[data-recovery-codes] code').length === 10`, 10*time.Second)
	b.screenshot("recovery codes")
	b.click("I have saved them")
	b.waitText("Recovery codes left: 10")

	b.click("Log out")
	b.open("/login")
	b.fill("email", "ada@example.com")
	b.fill("password", "correct horse battery")
	b.click("Log in")
	b.waitText("Code from your authenticator app")
	// The enrolment spent the current step's code; the next step's is within the window.
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	b.fill("code", next)
	b.click("Verify")
	b.waitText("Dashboard")

	// Passkeys, with Chrome's virtual authenticator (user verification built in).
	if _, err := chromedp.Call(b.ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("WebAuthn.enable: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true}}); err != nil {
		t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
	b.open("/profile")
	b.fill("passkey_name", "Test laptop")
	b.click("Add a passkey")
	b.waitFor("the new passkey", `!!document.querySelector('[data-passkey="Test laptop"]')`, 10*time.Second)
	b.screenshot("passkey added")

	b.click("Log out")
	b.open("/login")
	b.click("Sign in with a passkey")
	b.waitText("Dashboard")
	if got := evalJS[string](b, `document.querySelector('[data-passkey-signin]') ? 'login page' : 'signed in'`); got != "signed in" {
		t.Fatalf("after the passkey sign-in: %s", got)
	}
}

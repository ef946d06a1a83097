package uitest

import (
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/internal/ssotest"
)

// TestSSOSignIn drives SPEC §10's single sign-on in Chromium against a real OpenID
// provider on loopback (zitadel/oidc's op, internal/ssotest): the owner configures OIDC
// on Settings → Security, runs "Test sign-in" (the mapped identity shows, nobody is
// provisioned), then a new person uses "Sign in with SSO" on the login page, finds the
// organization by e-mail, signs in at the provider's own page and lands on the
// dashboard as a member.
func TestSSOSignIn(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 120*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	b.open("/settings")
	b.click("Security settings")
	b.waitText("Register this redirect URI")
	redirect := evalJS[string](b, `document.querySelector('section.card code').textContent`)
	if !strings.HasSuffix(redirect, "/oidc/callback") {
		t.Fatalf("redirect URI %q", redirect)
	}
	op := ssotest.NewOIDCProvider(t, redirect)
	op.AddUser("grace", "grace@example.com", true, "ops")

	b.fill("issuer", op.Issuer)
	b.fill("client_id", op.ClientID)
	b.fill("client_secret", op.Secret)
	b.fill("allowed_domains", "example.com")
	b.fill("group_roles", "ops = member")
	b.clickSel(`input[name="oidc_enabled"]`)
	b.click("Save OpenID Connect")
	b.waitText("OpenID Connect saved")
	b.screenshot("security oidc configured")

	b.click("Test sign-in")
	b.fill("username", "grace")
	b.fill("password", "idp-password")
	b.click("Sign in")
	b.waitFor("the test result", `document.querySelector('[data-testid="sso-test-result"]')?.textContent.includes('grace@example.com')`, 15*time.Second)
	if got := evalJS[string](b, `document.querySelector('[data-testid="sso-test-result"]').textContent`); !strings.Contains(got, "role member") {
		t.Fatalf("test result %q", got)
	}
	if strings.Contains(evalJS[string](b, `location.href`), "sso_test") {
		t.Fatal("the test code stays in the address bar")
	}
	b.screenshot("security test sign-in")
	if _, err := srv.DB.UserByEmail("grace@example.com"); err == nil {
		t.Fatal("Test sign-in provisioned grace")
	}

	b.click("Log out")
	b.open("/login")
	b.click("Sign in with SSO")
	b.fill("sso_who", "grace@example.com")
	b.click("Continue with SSO")
	b.fill("username", "grace")
	b.fill("password", "idp-password")
	b.click("Sign in")
	b.waitText("Dashboard", 15*time.Second)
	if strings.Contains(evalJS[string](b, `location.href`), "sso_code") {
		t.Fatal("the one-time code stays in the address bar")
	}
	b.screenshot("signed in with sso")
	user, err := srv.DB.UserByEmail("grace@example.com")
	if err != nil {
		t.Fatalf("grace was not provisioned: %v", err)
	}
	orgs, err := srv.DB.UserOrganizations(user.ID)
	if err != nil || len(orgs) != 1 || orgs[0].Role != "member" {
		t.Fatalf("grace's organizations %+v %v, want one, as member", orgs, err)
	}
}

// TestSecurityPageInGerman: with the UI in German the login page's "Sign in with SSO" and
// Settings → Security (two-factor, OpenID Connect, SAML, enforcement) are in German and
// show no raw message key (text, aria-labels, placeholders, titles); a setting saved there
// is confirmed in German.
func TestSecurityPageInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")

	b := newBrowser(t, srv, 60*time.Second)
	noRawKeys := b.noRawKeys

	b.open("/login")
	evalJS[bool](b, `localStorage.setItem('alertifypro.lang', 'de'); true`)
	b.open("/login")
	b.waitFor("the login page in German", `document.documentElement.lang === 'de'
		&& document.querySelector('section.sso-signin[aria-label="Single Sign-On"]') !== null`, 15*time.Second)
	b.click("Mit SSO anmelden")
	b.waitText("Geschäftliche E-Mail-Adresse oder Slug der Organisation")
	b.fill("sso_who", "nobody@example.org")
	b.click("Weiter mit SSO")
	b.waitText("Für diese Adresse oder Organisation ist kein Single Sign-On eingerichtet.")
	noRawKeys("the login page's single sign-on")

	b.signInAs(token, orgSlug)
	b.open("/settings/security")
	b.waitFor("the page in German", `document.documentElement.lang === 'de' && document.querySelector('main h1')?.textContent === 'Sicherheit'
		&& document.querySelector('main .loading') === null && document.querySelector('[name="issuer"]') !== null`, 15*time.Second)
	for _, s := range []string{"Anmelderegeln dieser Organisation", "Zwei-Faktor-Anmeldung für alle Mitglieder verlangen",
		"Hinterlegen Sie diese Redirect-URI bei Ihrem Anbieter:", "Metadaten-URL des Identitätsanbieters", "Single Sign-On erzwingen"} {
		b.waitText(s)
	}
	for _, s := range []string{"OpenID Connect speichern", "SAML speichern", "Redirect-URI kopieren", "ACS-URL kopieren"} {
		if !evalJS[bool](b, `[...document.querySelectorAll('main button')].some((x) => x.textContent.trim() === `+jsString(s)+`)`) {
			t.Errorf("no button %q", s)
		}
	}
	if !evalJS[bool](b, `document.querySelector('label[for="' + document.querySelector('[name="client_secret"]').id + '"]')?.textContent.trim() === 'Client-Secret'`) {
		t.Error("the client secret field is not labelled in German")
	}
	noRawKeys("the security page")
	b.screenshot("de-security")

	b.clickSel(`input[name="require_mfa"]`)
	b.waitText("Zwei-Faktor-Anmeldung ist jetzt Pflicht")
	noRawKeys("the security page after a change")
}

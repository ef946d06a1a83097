package uitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSCIMTokensPage drives the SCIM provisioning page (SPEC §10) in Chromium: reach it
// from the organization settings, see the base URL to paste into the identity provider,
// create a token (shown once), and use that token against the SCIM service.
func TestSCIMTokensPage(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	b.open("/settings")
	b.click("SCIM tokens and base URL")
	baseURL := b.waitFor("the SCIM base URL", `document.querySelector('[data-scim-url]')?.textContent`, 10*time.Second).(string)
	if !strings.Contains(baseURL, "/scim/v2/") {
		t.Fatalf("SCIM base URL %q", baseURL)
	}
	b.waitText("No SCIM tokens")
	b.fill("name", "Okta")
	b.click("Create token")
	secret := b.waitFor("the new token", `document.querySelector('[data-secret]')?.textContent`, 10*time.Second).(string)
	if !strings.HasPrefix(secret, "scim_") {
		t.Fatalf("token %q", secret)
	}
	b.waitFor("the token in the list", `[...document.querySelectorAll('table td')].some((td) => td.textContent === 'Okta')`, 10*time.Second)
	b.screenshot("scim tokens")

	// The token shown is the one the SCIM service accepts (the URL's path, this server).
	path := baseURL[strings.Index(baseURL, "/scim/v2/"):]
	req, err := http.NewRequest("GET", srv.URL+path+"/Users", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/scim+json") {
		t.Fatalf("SCIM with the shown token: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestSCIMTokensPageInGerman: with the UI in German the SCIM provisioning page, its empty
// state, the created-token banner, the token list and the revoke dialog are in German and
// show no raw message key (text, aria-labels, placeholders, titles).
func TestSCIMTokensPageInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")

	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, orgSlug)
	evalJS[bool](b, `localStorage.setItem('alertifypro.lang', 'de'); true`)
	noRawKeys := b.noRawKeys

	b.open("/settings/scim")
	b.waitFor("the page in German", `document.documentElement.lang === 'de' && document.querySelector('main h1')?.textContent === 'SCIM-Bereitstellung'
		&& document.querySelector('[data-scim-url]') !== null`, 15*time.Second)
	b.waitText("Keine SCIM-Tokens")
	b.waitText("SCIM-Basis-URL")
	if !evalJS[bool](b, `[...document.querySelectorAll('main button')].some((x) => x.textContent.trim() === 'SCIM-Basis-URL kopieren')`) {
		t.Error("the base URL's copy button is not labelled in German")
	}
	noRawKeys("the empty page")

	b.fill("name", "Okta")
	b.click("Token erstellen")
	b.waitFor("the created banner in German", `[...document.querySelectorAll('main p')].some((p) => p.textContent.startsWith('Okta wurde erstellt. Kopieren Sie das Token jetzt'))
		&& document.querySelector('main p strong')?.textContent === 'Okta'`, 10*time.Second)
	b.waitFor("the token in the list", `[...document.querySelectorAll('table td')].some((td) => td.textContent === 'Okta')`, 10*time.Second)
	if !evalJS[bool](b, `[...document.querySelectorAll('main th')].some((th) => th.textContent.trim() === 'Präfix')`) {
		t.Error("the list's columns are not in German")
	}
	noRawKeys("the list")
	b.screenshot("de-scim-tokens")

	b.clickSel(`[aria-label="Okta widerrufen"]`)
	b.waitFor("the revoke dialog in German", `document.querySelector('dialog[open] h2')?.textContent === 'Dieses SCIM-Token widerrufen?'
		&& document.querySelector('dialog[open]').textContent.includes('Der Identitätsanbieter, der Okta verwendet')`, 5*time.Second)
	noRawKeys("the revoke dialog")
}

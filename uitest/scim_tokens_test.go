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

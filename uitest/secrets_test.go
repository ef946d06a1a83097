package uitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSecretsPage drives Settings → Secrets in Chromium: reach it from the organization
// settings, add a secret (its value never appears on the page again), see where a monitor
// uses it, and delete it through the confirmation that names its users.
func TestSecretsPage(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	const value = "shh-the-value-9f3a"
	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(token, orgSlug)

	b.open("/settings")
	b.click("Secrets")
	b.waitText("No secrets yet")
	b.fill("secret-name", "API_TOKEN")
	b.fill("secret-value", value)
	b.click("Add secret")
	b.waitFor("the secret in the list", `[...document.querySelectorAll('[data-secret-name]')].some((c) => c.textContent === 'API_TOKEN')`, 10*time.Second)
	shown := `document.documentElement.outerHTML.includes(` + jsString(value) + `) || [...document.querySelectorAll('input')].some((i) => i.value.includes(` + jsString(value) + `))`
	if evalJS[bool](b, shown) {
		t.Fatal("the page still holds the secret's value after saving it")
	}
	b.waitText("{{secrets.API_TOKEN}}")
	b.waitText("Not used")

	// A monitor that uses it shows under "Used by"; deleting then asks again, naming it.
	apiJSON(t, srv, token, "POST", "/services?org="+orgSlug, map[string]any{"name": "Billing API", "check_type": "http",
		"endpoint": "http://127.0.0.1:9/health", "paused": true,
		"options": map[string]any{"headers": map[string]any{"Authorization": "Bearer {{secrets.API_TOKEN}}"}}}, http.StatusCreated)
	b.open("/settings/secrets")
	b.waitFor("the monitor under used by", `[...document.querySelectorAll('[data-used-by] a')].some((a) => a.textContent === 'Billing API')`, 10*time.Second)
	if evalJS[bool](b, shown) {
		t.Fatal("the list holds the secret's value")
	}
	b.screenshot("secrets")
	b.clickSel(`[aria-label="Delete API_TOKEN"]`)
	b.waitFor("the forced-delete dialog", `document.querySelector('dialog[open]')?.textContent.includes('secret API_TOKEN was deleted')
		&& document.querySelector('dialog[open]').textContent.includes('Billing API')`, 5*time.Second)
	b.clickSel(`dialog[open] button.btn-danger`)
	b.waitText("No secrets yet")
	var services []map[string]any
	apiCall(t, srv, token, "GET", "/services?org="+orgSlug, nil, &services, http.StatusOK)
	if len(services) != 1 || strings.Contains(services[0]["endpoint"].(string), value) {
		t.Fatalf("services after the forced delete: %v", services)
	}
}

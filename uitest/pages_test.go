package uitest

import (
	"strings"
	"testing"
	"time"
)

// TestEveryAreaRenders walks the sidebar as the first user (the instance admin): every
// area must render its heading and its empty state or content, without the app's
// "could not be loaded" banner. It also creates a heartbeat (ping URL and snippets)
// and an API key (the secret shown once), the two pages with copy-once values.
func TestEveryAreaRenders(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Grace Hopper", "grace@example.com", "correct horse battery")

	areas := []struct{ link, heading, text string }{
		{"Alerts", "Alerts", "No open alerts"},
		{"Heartbeats", "Heartbeats", "No heartbeats yet"},
		{"Alert rules", "Alert rules", "No alert rules yet"},
		{"Notification channels", "Notification channels", "No channels yet"},
		{"Escalation policies", "Escalation policies", "No escalation policies"},
		{"Maintenance", "Maintenance windows", "No maintenance planned"},
		{"Status pages", "Status pages", "No status pages yet"},
		{"Webhooks", "Webhooks", "No webhooks yet"},
		{"Members", "Members", "grace@example.com"},
		{"Teams", "Teams", "No teams yet"},
		{"API keys", "API keys", "No API keys"},
		{"Audit log", "Audit log", "Filter"},
		{"Settings", "Organization settings", "Default alert rule"},
		{"Locations", "Locations", "Built-in (this server)"},
		{"Administration", "Instance administration", "Database file"},
		{"Dashboard", "Dashboard", "Add your first service"},
	}
	for _, a := range areas {
		b.click(a.link)
		b.waitFor("heading "+a.heading, `document.querySelector('main h1') && document.querySelector('main h1').textContent === `+jsString(a.heading), 10*time.Second)
		b.waitText(a.text)
		if text := evalJS[string](b, `document.body.innerText`); strings.Contains(text, "could not be loaded") {
			t.Fatalf("%s: %s", a.link, text)
		}
		b.screenshot(a.link)
	}

	// A heartbeat shows its ping URL and ready-made snippets.
	b.click("Heartbeats")
	b.click("Add a heartbeat")
	b.fill("name", "Nightly backup")
	b.fill("schedule", "every 1d")
	b.click("Create heartbeat")
	b.waitText("Ping URL")
	b.waitText("/api/v1/heartbeat/")
	b.waitText("ExecStartPost")
	b.screenshot("heartbeat-detail")

	// An API key's secret is shown once, with a copy button.
	b.click("API keys")
	b.fill("name", "CI deploys")
	b.click("Create key")
	b.waitFor("the new key", `document.querySelector('[data-secret]') && document.querySelector('[data-secret]').textContent.length > 10`, 10*time.Second)
	b.screenshot("api-key-created")
	// Revoking goes through the confirmation dialog.
	b.clickSel(`button[aria-label="Revoke CI deploys"]`)
	b.waitFor("the dialog", `document.querySelector('dialog[open]') !== null`, 5*time.Second)
	b.screenshot("confirm-revoke")
	b.clickSel(`dialog[open] .btn-danger`)
	b.waitText("No API keys")

	// A bad rule expression: the 422's message appears under the field, with its position.
	b.click("Alert rules")
	b.click("Add a rule")
	b.fill("name", "Broken")
	b.fill("condition.expression", "response_time > ")
	b.click("Create rule")
	b.waitFor("inline expression error", `document.querySelector('.field.has-error [name="condition.expression"]') !== null && document.querySelector('.expr-pointer') !== null`, 10*time.Second)
	b.screenshot("rule-expression-error")

	// A maintenance window appears in the day-grouped list.
	b.click("Maintenance")
	b.fill("name", "Database upgrade")
	b.click("Schedule")
	b.waitFor("the scheduled window", `document.querySelector('main ul.plain') !== null && document.querySelector('main ul.plain').innerText.includes('Database upgrade')`, 10*time.Second)
	b.screenshot("maintenance-scheduled")

	// Unknown paths render the app's not-found page inside the layout.
	b.open("/no/such/page")
	b.waitText("Page not found")

	// An invitation: Grace invites Bob, Bob follows the link, signs up with it and lands
	// in Grace's organization.
	b.click("Members")
	b.fill("email", "bob@example.com")
	b.choose("role", "responder")
	b.click("Add member")
	b.waitFor("the invitation link", `[...document.querySelectorAll('code')].some(c => c.textContent.includes('/invite?token='))`, 10*time.Second)
	b.screenshot("invitation-created")
	link := evalJS[string](b, `[...document.querySelectorAll('code')].find(c => c.textContent.includes('/invite?token=')).textContent`)
	b.click("Log out")
	b.waitText("Log in")
	b.open(link[strings.Index(link, "/invite?"):])
	// The landing names the organization, the inviter and the role, and signs up right there
	// with the invited address locked (invitation_test.go checks it in detail).
	b.waitText("Grace Hopper invites you to join Grace Hopper's Organization as Responder")
	b.fill("full_name", "Bob")
	b.fill("password", "correct horse battery")
	b.click("Sign up")
	b.waitFor("Grace's organization selected", `document.querySelector('#org-switcher') && document.querySelector('#org-switcher').selectedOptions[0].textContent.includes("Grace Hopper's Organization (responder)")`, 10*time.Second)
	b.screenshot("invited-member-signed-up")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

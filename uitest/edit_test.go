package uitest

import (
	"testing"
	"time"
)

// TestEditFlows edits what the list pages create: an escalation policy's name, a
// webhook's events (the masked URL sent back unchanged keeps the stored one), and
// schedules a weekly recurring maintenance window, then edits it.
func TestEditFlows(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	// Escalation policy: create (paging a user), then rename it through Edit.
	b.click("Escalation policies")
	b.fill("name", "Night shift")
	b.choose("rules[0].notify_type", "user")
	b.click("Create policy")
	b.waitFor("the policy", `document.querySelector('main table') && document.querySelector('main table').innerText.includes('Night shift')`, 10*time.Second)
	b.clickSel(`button[aria-label="Edit Night shift"]`)
	b.waitText("Edit Night shift")
	b.fill("name", "")
	b.click("Save policy")
	b.waitFor("name error under the field", `document.querySelector('.field.has-error [name="name"]') !== null`, 10*time.Second)
	b.fill("name", "Day shift")
	b.click("Save policy")
	b.waitFor("the renamed policy", `document.querySelector('main table').innerText.includes('Day shift') && !document.querySelector('main table').innerText.includes('Night shift')`, 10*time.Second)
	b.screenshot("policy-renamed")

	// Webhook: create, then change its events.
	b.click("Webhooks")
	b.fill("url", "https://hooks.example.com/alertifypro/receiver")
	b.click("Add webhook")
	b.waitFor("the webhook", `document.querySelector('main table') !== null`, 10*time.Second)
	b.clickSel(`button[aria-label^="Edit webhook"]`)
	b.waitText("Edit webhook")
	b.clickSel(`[name="edit-ev-incident.created"]`)
	b.clickSel(`[name="edit-ev-monitor.down"]`)
	b.click("Save webhook")
	b.waitFor("the new events", `!document.body.innerText.includes('Edit webhook') && document.querySelector('main table').innerText.includes('incident.created') && !document.querySelector('main table').innerText.includes('monitor.down')`, 10*time.Second)
	b.screenshot("webhook-edited")

	// Maintenance: a weekly window on Tuesday and Thursday; no day picked → the 422
	// shows under the day checkboxes.
	b.click("Maintenance")
	b.fill("name", "Weekly patching")
	b.choose("repeat", "weekly")
	b.fill("duration_minutes", "90")
	b.click("Schedule")
	b.waitFor("days_of_week error", `[...document.querySelectorAll('fieldset .field-error')].length > 0`, 10*time.Second)
	b.clickSel(`[name="dow-2"]`)
	b.clickSel(`[name="dow-4"]`)
	b.click("Schedule")
	b.waitFor("the weekly window", `document.querySelector('main ul.plain') !== null && document.querySelector('main ul.plain').innerText.includes('repeats (weekly)')`, 10*time.Second)
	b.clickSel(`button[aria-label="Edit Weekly patching"]`)
	b.waitText("Edit Weekly patching")
	b.fill("name", "Weekly patching (DB)")
	b.click("Save window")
	b.waitFor("the edited window", `document.querySelector('main ul.plain').innerText.includes('Weekly patching (DB)')`, 10*time.Second)
	b.screenshot("maintenance-weekly")
	// The form reopens with the stored rule.
	b.clickSel(`button[aria-label="Edit Weekly patching (DB)"]`)
	b.waitText("Edit Weekly patching (DB)")
	if got := evalJS[string](b, `[document.querySelector('[name="repeat"]').value, document.querySelector('[name="dow-2"]').checked, document.querySelector('[name="dow-4"]').checked, document.querySelector('[name="dow-3"]').checked, document.querySelector('[name="duration_minutes"]').value].join(':')`); got != "weekly:true:true:false:90" {
		t.Fatalf("reopened form = %q", got)
	}
}

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

	// Team: rename it from its detail page.
	b.click("Teams")
	b.fill("name", "Platform")
	b.click("Create team")
	b.waitFor("the team page", `document.querySelector('main h1') && document.querySelector('main h1').textContent === 'Platform'`, 10*time.Second)
	b.click("Edit team")
	b.fill("name", "Platform SRE")
	b.fill("description", "Keeps the lights on")
	b.click("Save team")
	b.waitFor("the renamed team", `document.querySelector('main h1').textContent === 'Platform SRE'`, 10*time.Second)

	// Status page incident: post, edit (title, severity, postmortem), delete.
	b.click("Status pages")
	b.click("Create a status page")
	b.fill("name", "Ada Status")
	b.click("Create status page")
	b.waitText("Open public page")
	b.fill("title", "Slow logins")
	b.fill("message", "Looking into it")
	b.click("Post incident")
	b.waitFor("the incident", `document.querySelector('button[aria-label="Edit incident Slow logins"]') !== null`, 10*time.Second)
	b.clickSel(`button[aria-label="Edit incident Slow logins"]`)
	b.fill("edit-title", "Slow logins in EU")
	b.choose("edit-severity", "major")
	b.fill("edit-postmortem", "A full disk on the session store.")
	b.click("Save incident")
	b.waitFor("the edited incident", `document.querySelector('button[aria-label="Edit incident Slow logins in EU"]') !== null && [...document.querySelectorAll('main .card span.muted')].some(e => e.textContent.startsWith('major'))`, 10*time.Second)
	b.screenshot("incident-edited")
	b.clickSel(`button[aria-label="Delete incident Slow logins in EU"]`)
	b.waitFor("the dialog", `document.querySelector('dialog[open]') !== null`, 5*time.Second)
	b.clickSel(`dialog[open] .btn-danger`)
	b.waitText("No incidents.")
}

package uitest

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestOnCallScheduleEditorAndTimeline drives the schedule editor: a layer without members
// is refused with the error under the member list; with two members the schedule is
// created and its two-week timeline shows the layer row and the final row; clicking a
// final shift fills the override form, and the override then shows on the final row. The
// dashboard's "On call now" card and the escalation form's "schedule" target follow.
func TestOnCallScheduleEditorAndTimeline(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	orgID := orgOf(t, srv, "ada@example.com")
	ada, err := srv.DB.UserByEmail("ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	grace := &store.User{Email: "grace@example.com", FullName: "Grace Hopper"}
	if err := srv.DB.Register(grace, &store.Organization{Name: "Grace's"}, &store.Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.AddMember(orgID, &store.Membership{UserID: grace.ID, Role: "member"}, nil); err != nil {
		t.Fatal(err)
	}
	svc := &store.Service{Name: "API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}

	b.click("On-call schedules")
	b.waitText("No schedules yet")
	b.fill("name", "Primary")
	b.fill("timezone", "Europe/Berlin")
	b.choose("layers[0].rotation", "daily")
	b.click("Create schedule")
	b.waitFor("the members error under the list", `document.querySelector('[role=group] .field-error') !== null &&
		document.querySelector('[role=group] .field-error').innerText.includes('at least one member')`, 10*time.Second)
	b.clickSel(`[name="layers[0].user-` + ada.ID + `"]`)
	b.clickSel(`[name="layers[0].user-` + grace.ID + `"]`)
	b.click("Create schedule")
	b.waitText("Next two weeks")
	b.waitFor("shifts on both rows", `document.querySelectorAll('[data-timeline-row="Layer 1"] button.shift').length >= 13 &&
		document.querySelectorAll('[data-timeline-row="final"] button.shift').length >= 13`, 10*time.Second)

	// An override from the timeline: click a final shift, give it to Grace.
	b.clickSel(`[data-timeline-row="final"] button.shift[data-user="` + ada.ID + `"]`)
	b.waitFor("the override form filled in", `document.querySelector('[name="override_starts_at"]').value !== ''`, 10*time.Second)
	b.choose("user_id", grace.ID)
	b.click("Add override")
	b.waitFor("the override on the final row", `[...document.querySelectorAll('[data-timeline-row="final"] button.shift')].some((x) => x.getAttribute('aria-label').includes('Grace Hopper (override)'))`, 10*time.Second)
	b.screenshot("oncall-schedule-timeline")

	b.click("Dashboard")
	b.waitText("On call now")
	b.waitFor("the schedule in the card", `document.querySelector('[aria-labelledby="oncall-now-h"]').innerText.includes('Primary')`, 10*time.Second)
	b.screenshot("oncall-dashboard-card")

	b.click("Escalation policies")
	b.fill("name", "Pager")
	b.choose("rules[0].notify_type", "schedule")
	b.click("Create policy")
	b.waitFor("the policy paging the schedule", `document.querySelector('main table') && document.querySelector('main table').innerText.includes('Schedule Primary')`, 10*time.Second)
}

// TestOnCallSchedulesInGerman: with the UI in German the schedules list, the editor (its
// rotation choices and day names from the browser's Intl), the schedule page with its
// two-week timeline, the override form and the dashboard's "On call now" card are in
// German and show no raw message key (text, aria-labels, placeholders, titles).
func TestOnCallSchedulesInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	ada, err := srv.DB.UserByEmail("ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// The dashboard shows its cards (and so "On call now") once there is a service.
	svc := &store.Service{Name: "API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(token, orgSlug)
	evalJS[bool](b, `localStorage.setItem('alertifypro.lang', 'de'); true`)
	noRawKeys := b.noRawKeys

	b.open("/schedules")
	b.waitFor("the page in German", `document.documentElement.lang === 'de' && document.querySelector('main h1')?.textContent === 'Bereitschaftspläne'
		&& document.querySelector('main .loading') === null`, 15*time.Second)
	b.waitText("Noch keine Bereitschaftspläne")
	b.waitText("Bereitschaftsplan anlegen")
	if got := evalJS[string](b, `document.querySelector('[name="layers[0].name"]').value`); got != "Ebene 1" {
		t.Errorf("the first layer is named %q, want Ebene 1", got)
	}
	if !evalJS[bool](b, `[...document.querySelectorAll('[name="layers[0].rotation"] option')].map((o) => o.textContent).join() === 'täglich,wöchentlich,eigene Schichtlänge'`) {
		t.Error("the rotation choices are not in German")
	}
	if !evalJS[bool](b, `[...document.querySelectorAll('[name="layers[0].handoff_day"] option')].some((o) => o.value === 'monday' && o.textContent === 'Montag')`) {
		t.Error("the handoff days are not in German")
	}
	b.click("Zeitfenster hinzufügen")
	b.waitFor("the window's days in German", `[...document.querySelectorAll('[aria-label="Tage (keiner: jeden Tag)"] label')].map((l) => l.textContent.trim()).join() === 'Mo,Di,Mi,Do,Fr,Sa,So'`, 5*time.Second)
	noRawKeys("the empty list and the editor")

	b.click("Zeitfenster entfernen")
	b.fill("name", "Bereitschaft")
	b.fill("timezone", "Europe/Berlin")
	b.choose("layers[0].rotation", "daily")
	b.clickSel(`[name="layers[0].user-` + ada.ID + `"]`)
	b.click("Plan anlegen")
	b.waitText("Nächste zwei Wochen")
	b.waitText("Zeitzone Europe/Berlin")
	b.waitText("Keine Vertretungen.")
	// Shift labels carry German weekday abbreviations ("Mo.", "Di.", …) on the schedule's clock.
	b.waitFor("the timeline in German", `document.querySelector('[role=list][aria-label="Bereitschafts-Zeitleiste"]') !== null
		&& document.querySelectorAll('[data-timeline-row="Ebene 1"] button.shift').length > 0
		&& document.querySelectorAll('[data-timeline-row="final"] button.shift').length > 0
		&& [...document.querySelectorAll('[data-timeline-row="final"] button.shift')].every((x) => /^Ada Lovelace: (Mo|Di|Mi|Do|Fr|Sa|So)\., \d{1,2}\. /.test(x.getAttribute('aria-label')))
		&& document.querySelector('[data-timeline-row="final"] strong').textContent === 'Ergebnis'`, 10*time.Second)
	if !evalJS[bool](b, `[...document.querySelectorAll('main h2')].some((h) => h.textContent === 'Bereitschaft bearbeiten')`) {
		t.Error("the edit form's heading is not in German")
	}
	noRawKeys("the schedule page")

	b.clickSel(`[data-timeline-row="final"] button.shift`)
	b.waitFor("the override form filled in", `document.querySelector('[name="override_starts_at"]').value !== ''`, 10*time.Second)
	b.clickSel(`#override-form button[type=submit]`)
	b.waitText("Vertretung hinzugefügt")
	b.waitFor("the override on the final row", `[...document.querySelectorAll('[data-timeline-row="final"] button.shift')].some((x) => x.getAttribute('aria-label').startsWith('Ada Lovelace (Vertretung): '))
		&& document.querySelector('[aria-label="Vertretung durch Ada Lovelace entfernen"]') !== null`, 10*time.Second)
	noRawKeys("the schedule page with an override")
	b.screenshot("de-oncall-schedule")

	b.open("/")
	b.waitText("Jetzt in Bereitschaft")
	// The layer starts at 09:00 today (browser's time), so before then nobody is on call yet.
	b.waitFor("the card in German", `/Bereitschaft: (Ada Lovelace bis \d|niemand)/.test(document.querySelector('[aria-labelledby="oncall-now-h"]').innerText)
		&& document.querySelector('[aria-labelledby="oncall-now-h"]').innerText.includes('Ihre nächste Schicht: Bereitschaft, ')`, 10*time.Second)
	noRawKeys("the dashboard")
}

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
	b.waitFor("the policy paging the schedule", `document.querySelector('main table') && document.querySelector('main table').innerText.includes('schedule Primary')`, 10*time.Second)
}

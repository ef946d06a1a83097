package uitest

import (
	"fmt"
	"testing"
	"time"
)

// focusedInvalid waits until the focused element is the input named name, marked invalid and
// inside the viewport, and returns the message shown beside it.
func focusedInvalid(b *browser, name string) string {
	b.t.Helper()
	b.waitFor("focus on the invalid "+name, fmt.Sprintf(`(() => { const el = document.activeElement;
		if (!el || el.name !== %q || el.getAttribute('aria-invalid') !== 'true') return false;
		const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, name), 10*time.Second)
	return evalJS[string](b, `document.getElementById(document.activeElement.getAttribute('aria-describedby').split(' ')[0]).textContent`)
}

// TestErrorsInView: after a failed submit the first invalid field is scrolled into view and
// focused, its message names fields by their labels ("End must be after Start", "Password
// must be 8–72 characters"), and a service's default timeout follows a short interval down
// instead of failing a field the user never touched.
func TestErrorsInView(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)

	b.open("/signup")
	b.fill("full_name", "Ada Lovelace")
	b.fill("email", "ada@example.com")
	b.fill("password", "short")
	b.click("Sign up")
	if got := focusedInvalid(b, "password"); got != "Password must be 8–72 characters" {
		t.Errorf("password message %q, want %q", got, "Password must be 8–72 characters")
	}
	b.screenshot("password-focused")
	b.fill("password", "correct horse battery")
	b.click("Sign up")
	b.waitText("Dashboard")

	// A 10 s interval with the timeout left alone: the timeout shows 9 and the service saves.
	b.open("/services/new")
	b.fill("name", "Every ten seconds")
	b.fill("endpoint", "http://127.0.0.1:9/")
	b.fill("check_interval_seconds", "10")
	b.waitFor("the timeout below the interval", `document.querySelector('[name="timeout_seconds"]').value === '9'`, 5*time.Second)
	b.click("Create service")
	b.waitText("Response time")

	// An error far down the form: the page scrolls to it and focuses it.
	b.open("/services/new")
	b.fill("name", "Bad SLA")
	b.fill("endpoint", "http://127.0.0.1:9/")
	b.fill("sla_target", "150")
	evalJS[bool](b, `(window.scrollTo(0, 0), true)`)
	b.click("Create service")
	if got := focusedInvalid(b, "sla_target"); got != "SLA target must be a percentage greater than 0 and at most 100, e.g. 99.9" {
		t.Errorf("sla_target message %q", got)
	}
	b.screenshot("sla-focused")

	// A maintenance window that ends before it starts.
	b.open("/maintenance")
	b.fill("name", "Backwards")
	evalJS[bool](b, `(() => { const set = (n, v) => { const el = document.querySelector('[name="' + n + '"]'); el.value = v;
		el.dispatchEvent(new Event('input', {bubbles: true})); }; set('starts_at', '2030-01-02T10:00'); set('ends_at', '2030-01-02T09:00'); return true; })()`)
	b.click("Schedule")
	if got := focusedInvalid(b, "ends_at"); got != "End must be after Start" {
		t.Errorf("ends_at message %q, want %q", got, "End must be after Start")
	}
	b.screenshot("maintenance-end-focused")
}

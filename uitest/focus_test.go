package uitest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// activeElement describes the focused element: its tag, id and text.
const activeElement = `(() => { const el = document.activeElement; return el ? el.tagName + '#' + el.id + ':' + el.textContent.trim().slice(0, 40) : ''; })()`

// TestSkipLinkAndFocus: the first Tab of a page reaches "Skip to content" and Enter on it
// focuses #main (the link interceptor leaves same-page links to what they name, with no
// history entry); a navigation by keyboard puts focus on the new page's heading; and after
// acknowledging an alert in its row, focus stays on that row (its Resolve button), and
// after resolving it (the row leaves the "Open" list) it moves to the row that took its place.
func TestSkipLinkAndFocus(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	orgID := orgOf(t, srv, "ada@example.com")
	for i, title := range []string{"First alert", "Second alert"} {
		svc := &store.Service{Name: title + " API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
		if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
			t.Fatal(err)
		}
		al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: svc.ID, ServiceName: svc.Name,
			Severity: "critical", Title: title, Message: "down", FiredAt: time.Now().Add(-time.Duration(i) * time.Minute)}
		if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
			t.Fatal(err)
		}
	}

	b.open("/")
	b.waitFor("the dashboard", `document.querySelector('main h1') !== null`, 10*time.Second)
	b.run("tab to the skip link", chromedp.KeyEvent("\t"))
	if got := evalJS[string](b, activeElement); got != "A#:Skip to content" {
		t.Fatalf("first Tab focused %q, want the skip link", got)
	}
	b.run("press the skip link", chromedp.KeyEvent("\r"))
	b.waitFor("#main focused", `document.activeElement && document.activeElement.id === 'main'`, 5*time.Second)
	if n := evalJS[int](b, `history.length`); n > 2 {
		t.Errorf("the skip link added history entries (history.length %d)", n)
	}
	b.screenshot("skip-link-pressed")

	// Into the navigation and onto Alerts with the keyboard: the heading takes focus.
	b.run("focus the Alerts link", chromedp.Focus(chromedp.CSS(`nav a[href="/alerts"]`)))
	b.run("open Alerts", chromedp.KeyEvent("\r"))
	b.waitFor("the Alerts heading focused", `location.pathname === '/alerts' && document.activeElement.tagName === 'H1' &&
		document.activeElement.textContent === 'Alerts'`, 10*time.Second)
	b.waitText("Second alert")

	// Acknowledge in the first row: focus stays in that row, on its Resolve.
	first := evalJS[string](b, `document.querySelector('main tbody tr').dataset.rowKey`)
	b.run("focus Acknowledge", chromedp.Focus(chromedp.CSS(`main tbody tr:first-child button`)))
	b.run("acknowledge", chromedp.KeyEvent("\r"))
	b.waitFor("focus on the row's Resolve", `(() => { const el = document.activeElement; const tr = el.closest('tr');
		return el.textContent === 'Resolve' && tr && tr.dataset.rowKey === '`+first+`' &&
			tr.innerText.includes('Acknowledged'); })()`, 10*time.Second)
	b.screenshot("focus-after-acknowledge")

	// Resolve it: it leaves the Open list and the next alert's row takes focus.
	b.run("resolve", chromedp.KeyEvent("\r"))
	b.waitFor("focus on the next row", `(() => { const el = document.activeElement; const tr = el.closest('tr');
		return tr && tr.dataset.rowKey !== '`+first+`' && document.querySelectorAll('main tbody tr').length === 1; })()`, 10*time.Second)
	b.screenshot("focus-after-resolve")
}

// TestHeadingFocusLeavesAFieldAlone: a page draws its form before its effects run, and on
// a slow machine a user (or a test) can be typing in a field by then; the new page's
// heading must not take focus from that field, or the rest of the typing is lost (a
// heartbeat was once saved as "Nightl" for "Nightly backup"). The field is focused the
// moment it is drawn, before any frame: the heading's effect runs after a frame.
func TestHeadingFocusLeavesAFieldAlone(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.click("Heartbeats")
	b.waitFor("the add link", `document.querySelector('main a[href="/heartbeats/new"]') !== null`, eventually)
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`new Promise((resolve) => {
		const watch = new MutationObserver(() => {
			const field = document.querySelector('main [name="name"]');
			if (!field) return;
			watch.disconnect();
			field.focus();
			requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
				const el = document.activeElement;
				resolve(el === field ? 'the name field' : el.tagName + ' ' + el.textContent.trim().slice(0, 40));
			}, 300)));
		});
		watch.observe(document.body, { childList: true, subtree: true });
		document.querySelector('main a[href="/heartbeats/new"]').click();
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("open the form: %v", err)
	}
	if got != "the name field" {
		t.Errorf("focus moved from the name field to %q after the page drew", got)
	}
	// Typed in full, as a user would.
	b.fill("name", "Nightly backup")
	if v := evalJS[string](b, `document.querySelector('[name="name"]').value`); v != "Nightly backup" {
		t.Errorf("name field holds %q", v)
	}
}

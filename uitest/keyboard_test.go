package uitest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// unlabelled lists the buttons and links with no readable text (no letter or
// digit) and no aria-label.
const unlabelled = `[...document.querySelectorAll('button, a[href], [role="button"]')]
	.filter((el) => !/[\p{L}\p{N}]/u.test(el.textContent) && !(el.getAttribute('aria-label') || '').trim())
	.map((el) => el.outerHTML.slice(0, 120))`

// TestKeyboardNavigation tabs from the top of the dashboard with real key events
// through the navigation (each link shows a focus style), opens Alerts with Enter,
// and checks that icon-only buttons and links carry an aria-label on the dashboard
// and a service's page.
func TestKeyboardNavigation(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.click("Add a service")
	b.fill("name", "Keyboard API")
	b.fill("endpoint", "http://127.0.0.1:9/health")
	b.click("Create service")
	b.waitText("Response time")
	if got := evalJS[[]string](b, unlabelled); len(got) > 0 {
		t.Errorf("service page: buttons or links without text or aria-label:\n%s", strings.Join(got, "\n"))
	}

	b.open("/")
	b.waitFor("the dashboard with the service", `document.querySelector('tr[data-service-id]') !== null`, 10*time.Second)
	if got := evalJS[[]string](b, unlabelled); len(got) > 0 {
		t.Errorf("dashboard: buttons or links without text or aria-label:\n%s", strings.Join(got, "\n"))
	}

	focused := `(() => { const el = document.activeElement; if (!el || el === document.body) return ''; const cs = getComputedStyle(el);
		const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
		return (el.closest('nav') ? 'nav:' : 'other:') + el.textContent.trim() + (visible ? '' : ':NO-FOCUS-STYLE'); })()`
	var seen []string
	for i := 0; i < 8; i++ {
		b.run("tab", chromedp.KeyEvent("\t"))
		got := evalJS[string](b, focused)
		seen = append(seen, got)
		if strings.HasSuffix(got, ":NO-FOCUS-STYLE") {
			t.Errorf("focused element without a visible focus style: %s", got)
		}
		if got == "nav:Alerts" {
			break
		}
	}
	if seen[len(seen)-1] != "nav:Alerts" || !strings.Contains(strings.Join(seen, "|"), "nav:Dashboard") {
		t.Fatalf("tab order did not reach the Dashboard then Alerts links: %q", seen)
	}
	t.Logf("tab order: %q", seen)
	b.run("enter", chromedp.KeyEvent("\r"))
	b.waitFor("the alerts page", `location.pathname === '/alerts' && document.querySelector('main h1') !== null`, 10*time.Second)
}

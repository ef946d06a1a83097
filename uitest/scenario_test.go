package uitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// webhookReceiver is a loopback endpoint that records what the webhook channel posts.
type webhookReceiver struct {
	mu     sync.Mutex
	bodies []string
}

func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (r *webhookReceiver) count(substr string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.bodies {
		if strings.Contains(b, substr) {
			n++
		}
	}
	return n
}

// TestNewUserScenario is a new user's first path, in a real browser against the real
// server: sign up, add an HTTP service, watch it turn GREEN live, open its chart, add
// a webhook channel and a rule, break the target, see the alert and acknowledge it,
// then publish a status page and open it.
func TestNewUserScenario(t *testing.T) {
	var targetStatus atomic.Int32
	targetStatus.Store(http.StatusOK)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(targetStatus.Load()))
		_, _ = io.WriteString(w, "ok")
	}))
	defer target.Close()
	hooks := &webhookReceiver{}
	receiver := httptest.NewServer(hooks)
	defer receiver.Close()

	// The first check runs 3 s after creation, so the dashboard shows PENDING first.
	srv := startServer(t, serverOptions{Engine: true, FirstCheckDelay: 3 * time.Second})
	b := newBrowser(t, srv, 150*time.Second)

	// 1. Sign up: a new account lands on the empty dashboard.
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.waitText("Add your first service")
	b.screenshot("signed-up-empty-dashboard")

	// 2. Add an HTTP service against the loopback target.
	b.click("Add a service")
	b.waitText("Add a service")
	b.fill("name", "Loopback API")
	b.fill("endpoint", target.URL+"/health")
	b.fill("check_interval_seconds", "10")
	b.fill("timeout_seconds", "5")
	b.screenshot("service-form")
	b.click("Create service")
	b.waitText("Response time")

	// 3. Back on the dashboard (client-side navigation, no reload): a marker on window
	// survives only if the page is never reloaded while the status changes.
	b.click("Dashboard")
	evalJS[bool](b, `window.__noReload = true`)
	b.waitFor("the service row", `document.querySelector('tr[data-service-id]') !== null`, 10*time.Second)
	b.screenshot("dashboard-before-first-check")
	b.waitFor("GREEN without reload", `document.querySelector('tr[data-service-id] [data-status="GREEN"]') !== null && window.__noReload === true`, 30*time.Second)
	b.screenshot("dashboard-green")

	// Bulk actions: select the row, pause, then resume.
	b.clickSel(`input[aria-label="Select Loopback API"]`)
	b.click("Pause")
	b.waitFor("PAUSED", `document.querySelector('tr[data-service-id] [data-status="PAUSED"]') !== null`, 10*time.Second)
	b.screenshot("dashboard-bulk-paused")
	b.clickSel(`input[aria-label="Select Loopback API"]`)
	b.click("Resume")
	b.waitFor("resumed", `document.querySelector('tr[data-service-id] [data-status="PAUSED"]') === null`, 10*time.Second)

	// 4. The detail page draws the response-time chart (a uPlot canvas).
	b.click("Loopback API")
	b.waitFor("uPlot canvas", `document.querySelector('.chart .uplot canvas') !== null`, 20*time.Second)
	// The series is the documented array; its resolution comes from X-Resolution (the
	// default range, Recent, reads raw checks; 24 h reads 1-minute rollups).
	b.waitText("Resolution: raw.")
	b.click("24 h")
	b.waitText("Resolution: 1m.")
	b.screenshot("service-detail-chart")

	// Editing round-trips the stored options (the form PUTs back what it read).
	b.click("Edit")
	// The HTTP options are under the form's closed "Advanced" part: present, not shown.
	b.waitFor("the edit form's HTTP options", `[...document.querySelectorAll('legend')].some((l) => l.textContent === 'HTTP options')`, 10*time.Second)
	b.click("Save changes")
	b.waitFor("the detail page again", `document.querySelector('.chart') !== null && location.pathname.split('/').length === 3`, 10*time.Second)

	// 5. A webhook channel to the loopback receiver, and its test send.
	b.click("Notification channels")
	b.click("Add a channel")
	b.choose("type", "webhook")
	b.fill("name", "Ops webhook")
	b.fill("config.url", receiver.URL+"/hook")
	b.click("Create channel")
	b.waitText("Delivery log")
	b.click("Send test")
	b.waitText("Test delivered")
	b.screenshot("channel-test-delivered")

	// 6. An alert rule for the service: one failure opens the alert.
	b.click("Alert rules")
	b.click("Add a rule")
	b.fill("name", "API down")
	serviceID := evalJS[string](b, `[...document.querySelectorAll('[name="service_id"] option')].find(o => o.textContent === 'Loopback API').value`)
	b.choose("service_id", serviceID)
	b.fill("condition.consecutive_failures", "1")
	b.clickSel(`input[type="checkbox"][name^="ch-"]`)
	b.screenshot("rule-form")
	b.click("Create rule")
	b.waitText("API down")
	b.screenshot("rules-list")

	// 7. The target starts failing; the alert appears on the alerts page by itself.
	targetStatus.Store(http.StatusInternalServerError)
	b.click("Alerts")
	b.waitFor("an open alert", `[...document.querySelectorAll('button')].some(x => x.textContent.trim() === 'Acknowledge')`, 40*time.Second)
	b.screenshot("alert-fired")
	b.click("Acknowledge")
	b.waitFor("acknowledged badge", `document.querySelector('[data-status="acknowledged"]') !== null`, 10*time.Second)
	b.screenshot("alert-acknowledged")
	deadline := time.Now().Add(10 * time.Second)
	for hooks.count("alert") == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if hooks.count("alert") == 0 {
		t.Errorf("the webhook channel received no alert notification (%d posts)", hooks.count(""))
	}

	// 8. A public status page with the service, opened at its public URL.
	b.click("Status pages")
	b.click("Create a status page")
	b.fill("name", "Acme Status")
	b.fill("slug", "acme")
	b.clickSel(`input[type="checkbox"][name="svc-` + serviceID + `"]`)
	// The live preview follows the form: company name, colour, groups, uptime bars.
	b.fill("company_name", "Acme Inc")
	b.fill("primary_color", "#aa3300")
	b.fill("group-0", "Core")
	b.waitFor("preview follows the form", `(() => { const p = document.querySelector('.preview'); return p !== null &&
		p.querySelector('h1').textContent === 'Acme Inc' && p.querySelector('.group h3')?.textContent === 'Core' &&
		p.querySelector('.component .name').textContent === 'Loopback API' && p.querySelector('.bars') !== null &&
		p.style.getPropertyValue('--primary') === '#aa3300' && p.querySelector('.component .state').textContent !== 'No data'; })()`, 5*time.Second)
	b.clickSel(`input[type="checkbox"][name="show_uptime_bars"]`)
	b.waitFor("preview drops the bars", `document.querySelector('.preview .bars') === null`, 5*time.Second)
	b.clickSel(`input[type="checkbox"][name="show_uptime_bars"]`)
	b.screenshot("status-page-preview")
	b.click("Create status page")
	b.waitText("Open public page")
	b.waitText("No subscribers yet")
	b.screenshot("status-page-editor")
	b.open("/status/acme")
	b.waitText("Loopback API")
	b.screenshot("public-status-page")

	// 9. Dark mode (the toggle persists across a reload) and the phone-width layout.
	b.open("/")
	b.clickSel(`button[aria-label="Switch to dark mode"]`)
	b.open("/")
	b.waitFor("dark theme kept", `document.documentElement.dataset.theme === 'dark' && document.querySelector('tr[data-service-id]') !== null`, 10*time.Second)
	b.screenshot("dashboard-dark")
	b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/")
	b.waitFor("the service card", `document.querySelector('tr[data-service-id]') !== null`, 10*time.Second)
	b.clickSel(`button[aria-label="Menu"]`)
	b.waitFor("the opened menu", `getComputedStyle(document.querySelector('#main-nav')).display !== 'none'`, 5*time.Second)
	b.screenshot("phone-menu-open")
}

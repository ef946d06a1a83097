package uitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestHeartbeatsAreMonitorsToo: a heartbeat written "every 5 minutes" is accepted; its
// detail says "Waiting for first ping" with a cron line on its own schedule, and shows the
// first ping when it arrives, without a reload; an alert rule can watch it; the
// status-page editor offers it as a component (with the subscriptions toggle and the
// copyable public URL), and the public page shows it.
func TestHeartbeatsAreMonitorsToo(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 120*time.Second)
	b.signUp("Hedy Lamarr", "hedy@example.com", "correct horse battery")

	b.click("Heartbeats")
	b.click("Add a heartbeat")
	b.fill("name", "Nightly backup")
	b.fill("schedule", "every 5 minutes")
	b.click("Create heartbeat")
	b.waitText("Waiting for first ping")
	b.waitText("Schedule: every 5m")
	cron := evalJS[string](b, `[...document.querySelectorAll('.snippet')].find((s) => s.querySelector('strong').textContent === 'cron').querySelector('pre').textContent`)
	if !strings.Contains(cron, "\n*/5 * * * * /usr/local/bin/job.sh && curl -fsS") {
		t.Errorf("cron snippet does not run every 5 minutes:\n%s", cron)
	}
	if !evalJS[bool](b, `[...document.querySelectorAll('.snippet pre')].some((p) => p.textContent.includes('OnUnitActiveSec=5min'))`) {
		t.Errorf("systemd timer snippet lacks OnUnitActiveSec=5min")
	}
	b.screenshot("heartbeat-waiting")
	checkCronLines(t, b)

	// The job pings; the open page shows it by itself (a marker proves there was no reload).
	pingURL := evalJS[string](b, `document.querySelector('.secret code').textContent`)
	if !strings.HasPrefix(pingURL, srv.URL+"/api/v1/heartbeat/") {
		t.Fatalf("ping URL %q", pingURL)
	}
	evalJS[bool](b, `window.__sameDocument = true`)
	res, err := http.Post(pingURL, "text/plain", strings.NewReader("backup ok"))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("ping: %v %v", res, err)
	}
	res.Body.Close()
	b.waitFor("the first ping on the live page", `!document.body.innerText.includes('Waiting for first ping') &&
		document.querySelectorAll('table tbody tr').length === 1 && document.querySelector('table tbody tr').innerText.includes('127.0.0.1')`, eventually)
	if !evalJS[bool](b, `window.__sameDocument === true`) {
		t.Fatalf("the page reloaded instead of updating")
	}
	b.waitText("Last ping")
	b.screenshot("heartbeat-live")
	heartbeatID := evalJS[string](b, `location.pathname.split('/').pop()`)

	// An alert rule for the heartbeat.
	b.click("Alert rules")
	b.click("Add a rule")
	b.fill("name", "Backup missed")
	b.choose("service_id", "h:"+heartbeatID)
	b.waitText("A heartbeat alerts when a ping is missed")
	b.screenshot("rule-for-heartbeat")
	b.click("Create rule")
	b.waitFor("the rule listed with its heartbeat", `[...document.querySelectorAll('main td a')].some((a) => a.textContent === 'Nightly backup' && a.getAttribute('href') === '/heartbeats/`+heartbeatID+`')`, eventually)
	rules, err := srv.DB.AlertRules(orgOf(t, srv, "hedy@example.com"), "")
	if err != nil || len(rules) != 1 || rules[0].HeartbeatID != heartbeatID || rules[0].ServiceID != "" {
		t.Fatalf("stored rules %+v (%v)", rules, err)
	}

	// A status page with the heartbeat as a component and subscriptions on.
	b.click("Status pages")
	b.click("Create a status page")
	b.fill("name", "Jobs")
	b.clickSel(`[name="hb-` + heartbeatID + `"]`)
	b.clickSel(`[name="subscriptions_enabled"]`)
	b.waitFor("the heartbeat in the preview", `document.querySelector('.preview') && document.querySelector('.preview').innerText.includes('Nightly backup')`, eventually)
	// The preview's header is the brand colour, with black text on a light one.
	b.fill("primary_color", "#facc15")
	b.waitFor("the brand header in the preview", `(() => { const h = getComputedStyle(document.querySelector('.preview .top'));
		return h.backgroundColor === 'rgb(250, 204, 21)' && h.color === 'rgb(0, 0, 0)'; })()`, eventually)
	b.click("Create status page")
	b.waitText("Public URL")
	want := srv.URL + "/status/jobs"
	if got := evalJS[string](b, `document.querySelector('.public-url code').textContent`); got != want {
		t.Errorf("public URL %q, want %q", got, want)
	}
	// "Copied" shows for 1.5 s of the page's time, which a loaded machine can spend before
	// the test looks: an observer set up before the click remembers that it showed.
	evalJS[bool](b, `(() => { window.__copied = false; const copy = 'button[aria-label="Copy public URL to clipboard"]';
		new MutationObserver(() => { if (document.querySelector(copy)?.textContent === 'Copied') window.__copied = true; })
			.observe(document.body, { subtree: true, childList: true, characterData: true }); return true; })()`)
	b.clickSel(`button[aria-label="Copy public URL to clipboard"]`)
	b.waitFor("the copy confirmed", `window.__copied === true`, eventually)
	b.waitText("Visitor subscriptions: on")
	b.screenshot("status-page-with-heartbeat")
	pages, err := srv.DB.StatusPages(orgOf(t, srv, "hedy@example.com"))
	if err != nil || len(pages) != 1 || !pages[0].SubscriptionsEnabled || len(pages[0].Components) != 1 || pages[0].Components[0].HeartbeatID != heartbeatID {
		t.Fatalf("stored pages %+v (%v)", pages, err)
	}

	b.open("/status/jobs")
	b.waitText("Nightly backup")
	b.waitText("All systems operational")
	if n := evalJS[int](b, `document.querySelectorAll('.component .bars li').length`); n != 90 {
		t.Errorf("heartbeat component has %d bars, want 90", n)
	}
	b.screenshot("public-page-heartbeat")
}

// checkCronLines runs the snippet builder (pages/heartbeat-cron.js, loaded as the app
// loads it) over schedules of every kind: a period cron repeats exactly gets that line; one
// it cannot gets the longest shorter period cron can (pinging early is safe).
func checkCronLines(t *testing.T, b *browser) {
	t.Helper()
	want := map[string]string{
		"every 1m": "* * * * *", "every 5m": "*/5 * * * *", "every 15m": "*/15 * * * *", "every 1h": "0 * * * *",
		"every 2h": "0 */2 * * *", "every 1d": "0 0 * * *", "every 7d": "0 0 * * 0", "every 3d": "0 0 */3 * *",
		"every 90m": "0 * * * *", "every 7m": "*/6 * * * *", "every 5h": "0 */4 * * *", "every 30s": "* * * * *",
		"0 3 * * 1-5": "0 3 * * 1-5",
	}
	schedules := make([]string, 0, len(want))
	for s := range want {
		schedules = append(schedules, s)
	}
	list, _ := json.Marshal(schedules)
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]string](`(async () => {
		const src = document.querySelector('script[type=module]').src.replace(/main\.js$/, 'pages/heartbeat-cron.js');
		const { cronFor } = await import(src);
		return Object.fromEntries(`+string(list)+`.map((s) => [s, cronFor(s).expr]));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("cronFor: %v", err)
	}
	for in, w := range want {
		if v[in] != w {
			t.Errorf("cron line for %q = %q, want %q", in, v[in], w)
		}
	}
}

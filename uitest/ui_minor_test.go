package uitest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// contrastOf is a JS function: the WCAG contrast ratio of an element's text colour on its
// background colour (both opaque rgb()).
const contrastOf = `((el) => { const rgb = (s) => s.match(/[\d.]+/g).slice(0, 3).map(Number);
	const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	const s = getComputedStyle(el); const a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); })`

// TestThemeChoiceAndDarkButtons: the theme picker offers System, Light and Dark; Dark and
// Light set the page's theme and System follows the browser again; in dark mode every
// button's text reads at 4.5:1 or better (the danger button's white-on-light-red did not).
func TestThemeChoiceAndDarkButtons(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, slug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	ch := apiJSON(t, srv, token, "POST", "/notification-channels?org="+slug, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:9/hook"}}, http.StatusCreated)
	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, slug)
	b.open("/channels/" + ch["id"].(string))
	b.waitFor("the channel page", `document.querySelector('main h1')?.textContent === 'Ops hook'`, 10*time.Second)
	if got := evalJS[string](b, `[...document.querySelectorAll('[data-theme-choice]')].map((e) => e.textContent + ':' + e.getAttribute('aria-pressed')).join()`); got != "System:true,Light:false,Dark:false" {
		t.Fatalf("theme picker = %q, want System (pressed), Light, Dark", got)
	}
	b.click("Dark")
	b.waitFor("dark", `document.documentElement.dataset.theme === 'dark' && localStorage.getItem('alertifypro.theme') === 'dark'`, 5*time.Second)
	for _, sel := range []string{".btn-primary", ".btn-danger", "main .btn:not(.btn-primary):not(.btn-danger)", ".theme-picker [aria-pressed=true]"} {
		if ratio := evalJS[float64](b, contrastOf+`(document.querySelector(`+jsString(sel)+`))`); ratio < 4.5 {
			t.Errorf("dark mode: %s text contrast %.2f:1, want at least 4.5:1", sel, ratio)
		}
	}
	b.screenshot("dark-buttons")
	b.click("Light")
	b.waitFor("light", `document.documentElement.dataset.theme === 'light'`, 5*time.Second)
	b.click("System")
	b.waitFor("system", `document.documentElement.dataset.theme === undefined && localStorage.getItem('alertifypro.theme') === null`, 5*time.Second)
	b.open("/")
	b.waitFor("still system after a reload", `document.querySelector('[data-theme-choice="system"]')?.getAttribute('aria-pressed') === 'true' && !document.documentElement.dataset.theme`, 10*time.Second)
}

// TestServicePagesMinor: the service form shows name, endpoint, interval and the channels to
// notify first, the rest under "Advanced" (opened by an error in it); picking a channel gives
// the service a rule that notifies it. A slow (YELLOW) service says its last check was slow,
// not failed; a plain http:// service's page never asks for a certificate. The webhooks page
// and the webhook channel say how they differ.
func TestServicePagesMinor(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, slug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	ch := apiJSON(t, srv, token, "POST", "/notification-channels?org="+slug, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:9/hook"}}, http.StatusCreated)
	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(token, slug)

	b.open("/services/new")
	b.waitFor("the form and its channels", `document.querySelector('[name="notify_channels"]') !== null`, 10*time.Second)
	visible := func(name string) bool {
		return evalJS[bool](b, `(() => { const e = document.querySelector(`+jsString(`[name="`+name+`"]`)+`); return !!e && e.checkVisibility(); })()`)
	}
	for _, n := range []string{"name", "endpoint", "check_interval_seconds", "notify_channels"} {
		if !visible(n) {
			t.Errorf("%s is not among the first fields", n)
		}
	}
	for _, n := range []string{"description", "timeout_seconds", "sla_target", "tags"} {
		if visible(n) {
			t.Errorf("%s is shown outside Advanced", n)
		}
	}
	b.screenshot("service-form-basics")
	b.fill("name", "Billing API")
	b.fill("endpoint", "http://127.0.0.1:9/health")
	b.clickSel(`[name="notify_channels"][value="` + ch["id"].(string) + `"]`)
	// An error in an Advanced field opens it and focuses the field.
	b.clickSel("details.advanced > summary")
	b.fill("sla_target", "150")
	b.clickSel("details.advanced > summary")
	b.click("Create service")
	b.waitFor("Advanced opened at the error", `document.querySelector('details.advanced').open && document.activeElement?.name === 'sla_target'`, 10*time.Second)
	b.fill("sla_target", "99")
	b.click("Create service")
	b.waitFor("the service page", `/^\/services\/[^/]+$/.test(location.pathname) && document.querySelector('main h1')?.textContent === 'Billing API'`, 10*time.Second)
	id := evalJS[string](b, `location.pathname.split('/')[2]`)
	rules := apiJSONList(t, srv, token, "/alert-rules?org="+slug+"&service_id="+id)
	if len(rules) != 1 || !strings.Contains(strings.Join(anyStrings(rules[0]["channel_ids"]), ","), ch["id"].(string)) {
		t.Fatalf("rules of the new service = %v, want one notifying Ops hook", rules)
	}

	// A plain http:// service: its page polls (every second until a first result) but never
	// asks for a certificate it cannot have.
	b.waitFor("three polls", `performance.getEntriesByType('resource').filter((e) => e.name.includes('/services/`+id+`/uptime')).length >= 3`, 10*time.Second)
	if n := evalJS[int](b, `performance.getEntriesByType('resource').filter((e) => e.name.includes('/ssl')).length`); n != 0 {
		t.Errorf("a plain http:// service's page asked for its certificate %d times", n)
	}

	// A slow check is slow, not failed.
	now := time.Now().UTC()
	rt := 1500
	slow := &store.Service{Name: "Slow API", CheckType: "HTTP", Endpoint: "https://slow.example.com/", CheckIntervalSeconds: 60, TimeoutSeconds: 10,
		Status: "YELLOW", DegradedThresholdMS: 1000, LastCheckedAt: &now, LastResponseTimeMS: &rt, LastError: "slow response: 1500 ms (threshold 1000 ms)"}
	if err := srv.DB.CreateService(orgID, slow, nil); err != nil {
		t.Fatal(err)
	}
	b.open("/services/" + slow.ID)
	b.waitFor("the slow wording", `document.querySelector('[data-last-check]')?.textContent === 'Last check was slow (1.50 s, threshold 1 s)'`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('main').innerText.includes('failed: slow')`) {
		t.Error("a slow check is called failed")
	}
	b.screenshot("slow-check")

	b.open("/webhooks")
	b.waitFor("the webhooks explanation", `document.querySelector('[data-explain]')?.innerText.includes('Webhook notification channel')`, 10*time.Second)
	b.open("/channels/new")
	b.waitFor("the webhook channel explanation", `document.querySelector('[data-explain]')?.innerText.includes('use Webhooks')`, 10*time.Second)
}

// TestAckPageAndEmptyPolicy: the acknowledge link's page looks like the app (its brand, a
// card, the primary button in the app's colour) and links to the alert; an escalation
// policy can be saved without steps (the API accepts it), and the page says what that means.
func TestAckPageAndEmptyPolicy(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, slug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	svc := &store.Service{Name: "Billing API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: svc.ID, ServiceName: svc.Name,
		Severity: "critical", Title: "Billing API is down", Message: "connection refused", FiredAt: time.Now()}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}
	link := srv.App.Alerter().AckURL(orgID, al.ID, time.Now().Add(time.Hour))
	b := newBrowser(t, srv, 60*time.Second)
	b.open(link[len(srv.URL):])
	b.waitFor("the styled page", `document.querySelector('.brand')?.textContent === 'AlertifyPro' && document.querySelector('.card h1')?.textContent === 'Acknowledge this alert?' &&
		getComputedStyle(document.querySelector('button.btn')).backgroundColor === 'rgb(36, 86, 214)' &&
		getComputedStyle(document.body).backgroundColor === 'rgb(246, 247, 249)'`, 10*time.Second)
	b.screenshot("ack-page")
	b.click("Acknowledge")
	b.waitFor("acknowledged", `document.querySelector('.card h1')?.textContent === 'Acknowledged'`, 10*time.Second)
	b.signInAs(token, slug)
	b.open(link[len(srv.URL):])
	b.click("Open the alert in AlertifyPro")
	b.waitFor("the alert's page", `location.pathname === '/alerts/`+al.ID+`' && document.querySelector('main h1')?.textContent === 'Billing API is down'`, 10*time.Second)

	b.open("/escalation-policies")
	b.fill("name", "Placeholder")
	b.click("Remove step")
	b.waitFor("what no steps means", `document.querySelector('[data-no-steps]')?.innerText.includes('notifies nobody')`, 5*time.Second)
	b.click("Create policy")
	b.waitFor("the policy without steps", `[...document.querySelectorAll('main tbody tr')].some((tr) => tr.innerText.includes('Placeholder') && tr.innerText.includes('No steps'))`, 10*time.Second)
	b.screenshot("policy-without-steps")
}

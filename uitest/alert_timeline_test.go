package uitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// TestAlertTimelineNamesAndCount: an open alert is counted on the Alerts nav item, in the
// tab title and on the favicon; the list shows its reason; its detail tells its story —
// fired, notified "Ops hook" (delivered), acknowledged by Ada Lovelace, noted, resolved —
// with every person by name and no UUID anywhere (alert, audit log). Acknowledging from the
// detail page by keyboard keeps focus on the next action (Resolve).
func TestAlertTimelineNamesAndCount(t *testing.T) {
	srv := startServer(t, serverOptions{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(hook.Close)
	token, orgID, slug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	ch := apiJSON(t, srv, token, "POST", "/notification-channels?org="+slug, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": hook.URL}}, http.StatusCreated)

	svc := &store.Service{Name: "Billing API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: svc.ID, ServiceName: svc.Name,
		Severity: "critical", Title: "Billing API is down", Message: "connection refused", FiredAt: time.Now().Add(-time.Minute)}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}
	// The notification the alert fired, delivered by the server's own outbox sender.
	raw, _ := json.Marshal(map[string]any{"event": "alert.fired", "alert_id": al.ID, "title": al.Title, "severity": "critical", "org_id": orgID})
	if err := srv.DB.Enqueue(orgID, &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: ch["id"].(string),
		Event: "alert.fired", AlertID: al.ID, Notification: raw}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(token, slug)
	b.open("/alerts")
	b.waitFor("the reason in the list", `document.querySelector('main tbody tr [data-reason]')?.textContent === 'connection refused'`, 10*time.Second)
	b.waitFor("the open count on the nav item, title and favicon", `document.querySelector('nav a[href="/alerts"] [data-open-alerts="1"]') !== null &&
		document.title.startsWith('(1) ') && document.getElementById('app-favicon')?.dataset.count === '1' &&
		document.getElementById('app-favicon').href.startsWith('data:image/svg+xml')`, 20*time.Second)
	b.screenshot("alerts-list-with-count")

	b.open("/alerts/" + al.ID)
	b.waitFor("fired and notified in the timeline", `(() => { const t = document.querySelector('ol.timeline'); return t &&
		t.querySelector('[data-kind="fired"]')?.innerText.includes('Fired: connection refused') &&
		t.querySelector('[data-kind="notified"]')?.innerText.includes('Notified "Ops hook" (delivered, HTTP 200)'); })()`, 20*time.Second)

	// Acknowledge with the keyboard: focus lands on Resolve, not on the page's body.
	b.run("focus Acknowledge", chromedp.Focus(chromedp.Search(`//main//button[normalize-space()="Acknowledge"]`)))
	b.run("acknowledge", chromedp.KeyEvent("\r"))
	b.waitFor("focus on Resolve", `document.activeElement && document.activeElement.textContent === 'Resolve'`, 10*time.Second)
	b.waitFor("acknowledged by name", `document.querySelector('ol.timeline [data-kind="acknowledged"]')?.innerText.includes('Acknowledged by Ada Lovelace') &&
		document.querySelector('main dl.props').innerText.includes('by Ada Lovelace')`, 10*time.Second)
	b.fill("text", "Restarting the pod")
	b.click("Add note")
	b.waitFor("the note by name", `[...document.querySelectorAll('ol.timeline [data-kind="note"]')].some((li) => li.innerText.includes('Note by Ada Lovelace: Restarting the pod'))`, 10*time.Second)
	b.click("Resolve")
	b.waitFor("resolved by name, the count gone", `document.querySelector('ol.timeline [data-kind="resolved"]')?.innerText.includes('Resolved by Ada Lovelace') &&
		document.querySelector('nav a[href="/alerts"] [data-open-alerts]') === null && !document.title.startsWith('(') &&
		document.getElementById('app-favicon').dataset.count === '0'`, 20*time.Second)
	if !evalJS[bool](b, noUUID) {
		t.Errorf("the alert page shows a UUID:\n%s", evalJS[string](b, `document.querySelector('main').innerText`))
	}
	b.screenshot("alert-timeline")

	b.open("/audit-log")
	b.waitFor("the actor by name", `[...document.querySelectorAll('main tbody tr')].some((tr) => tr.innerText.includes('alert.acknowledged') && tr.innerText.includes('Ada Lovelace'))`, 10*time.Second)
	if !evalJS[bool](b, noUUID) {
		t.Errorf("the audit log shows a UUID:\n%s", evalJS[string](b, `document.querySelector('main').innerText`))
	}
	b.screenshot("audit-log-names")
}

package uitest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// monitoringFixture is an organization with one of everything the monitoring pages show:
// a service, a channel, a webhook, a rule, an escalation policy, a maintenance window, a
// status page with a component and an open incident, and a firing alert.
type monitoringFixture struct {
	ownerTok, orgID, slug                                      string
	service, channel, rule, page, alert, incident, maintenance string
}

func newMonitoringFixture(t *testing.T, srv *server) monitoringFixture {
	t.Helper()
	f := monitoringFixture{}
	f.ownerTok, f.orgID, f.slug = registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	q := "?org=" + f.slug
	svc := apiJSON(t, srv, f.ownerTok, "POST", "/services"+q, map[string]any{"name": "Billing API", "check_type": "HTTP",
		"endpoint": "http://127.0.0.1:9/health", "check_interval_seconds": 3600}, http.StatusCreated)
	f.service = svc["id"].(string)
	ch := apiJSON(t, srv, f.ownerTok, "POST", "/notification-channels"+q, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:9/hook"}}, http.StatusCreated)
	f.channel = ch["id"].(string)
	apiJSON(t, srv, f.ownerTok, "POST", "/webhooks"+q, map[string]any{"url": "http://127.0.0.1:9/events", "events": []string{"monitor.down"}}, http.StatusCreated)
	rule := apiJSON(t, srv, f.ownerTok, "POST", "/alert-rules"+q, map[string]any{"name": "Billing down", "service_id": f.service, "severity": "critical",
		"channel_ids": []string{f.channel}, "condition": map[string]any{"statuses": []string{"RED"}, "consecutive_failures": 2}}, http.StatusCreated)
	f.rule = rule["id"].(string)
	apiJSON(t, srv, f.ownerTok, "POST", "/escalation-policies"+q, map[string]any{"name": "Night shift",
		"rules": []map[string]any{{"level": 1, "delay_minutes": 5, "notify_type": "channel", "notify_id": f.channel}}}, http.StatusCreated)
	start := time.Now().Add(24 * time.Hour).UTC()
	win := apiJSON(t, srv, f.ownerTok, "POST", "/maintenance-windows"+q, map[string]any{"name": "Database upgrade", "service_ids": []string{f.service},
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "suppress_alerts": true}, http.StatusCreated)
	f.maintenance = win["id"].(string)
	page := apiJSON(t, srv, f.ownerTok, "POST", "/status-pages"+q, map[string]any{"name": "Acme status", "slug": "acme", "is_public": true,
		"components": []map[string]any{{"name": "Billing", "service_id": f.service}}}, http.StatusCreated)
	f.page = page["id"].(string)
	inc := apiJSON(t, srv, f.ownerTok, "POST", "/status-pages/"+f.page+"/incidents"+q, map[string]any{"title": "Slow invoices",
		"status": "investigating", "severity": "minor", "message": "Looking into it."}, http.StatusCreated)
	f.incident = inc["id"].(string)
	al := &store.Alert{OrgID: f.orgID, AlertRuleID: f.rule, ServiceID: f.service, ServiceName: "Billing API",
		Severity: "critical", Title: "Billing API is down", Message: "connection refused", FiredAt: time.Now()}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}
	f.alert = al.ID
	return f
}

// addMember adds a user with role to the fixture's organization and returns their token.
func (f monitoringFixture) addMember(t *testing.T, srv *server, name, email, role string) string {
	t.Helper()
	tok, _, _ := registerViaAPI(t, srv, name, email, "correct horse battery")
	u, err := srv.DB.UserByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.AddMember(f.orgID, &store.Membership{UserID: u.ID, Role: role}, nil); err != nil {
		t.Fatal(err)
	}
	return tok
}

// pageSettled is a JS expression: the main area has its heading and nothing still loading.
const pageSettled = `document.querySelector('main h1') !== null && document.querySelector('main .loading') === null`

// TestRoleAwareMonitoringPages: on the service detail, alert rules, status pages and
// maintenance windows a viewer sees no create, edit, delete, pause or check action and no
// form, and each page says why (SPEC §2.1); a responder may post and update incidents on a
// status page but still not edit or delete the page.
func TestRoleAwareMonitoringPages(t *testing.T) {
	srv := startServer(t, serverOptions{})
	f := newMonitoringFixture(t, srv)
	viewerTok := f.addMember(t, srv, "Vic Viewer", "vic@example.com", "viewer")
	responderTok := f.addMember(t, srv, "Rita Responder", "rita@example.com", "responder")

	b := newBrowser(t, srv, 120*time.Second)
	b.signInAs(viewerTok, f.slug)
	forbidden := []string{"Add a rule", "Create a status page", "Pause", "Resume", "Check now", "Edit", "Delete", "End now",
		"Schedule", "Post incident", "Post update", "Add", "Remove", "Save changes", "Create rule", "Create status page"}
	for _, p := range []struct{ path, ready, note string }{
		{"/services/" + f.service, `document.querySelector('main h1')?.textContent === 'Billing API'`, "needs the Member role"},
		{"/rules", `document.querySelector('main tbody tr') !== null`, "needs the Member role"},
		{"/rules/new", pageSettled, "needs the Member role"},
		{"/rules/" + f.rule + "/edit", pageSettled, "needs the Member role"},
		{"/status-pages", `document.querySelector('main tbody tr') !== null`, "needs the Member role"},
		{"/status-pages/new", pageSettled, "needs the Member role"},
		{"/status-pages/" + f.page + "/edit", pageSettled, "needs the Member role"},
		{"/status-pages/" + f.page, `document.querySelector('main h1')?.textContent === 'Acme status' && document.body.innerText.includes('Slow invoices')`, "needs the Responder role"},
		{"/maintenance", `document.querySelector('main ul.plain li') !== null`, "needs the Member role"},
	} {
		b.open(p.path)
		b.waitFor(p.path, p.ready, 10*time.Second)
		b.waitFor(p.path+": the role note", `document.querySelector('[data-role-note]')?.innerText.includes('Your role here is Viewer') &&
			document.querySelector('[data-role-note]').innerText.includes(`+jsString(p.note)+`)`, 5*time.Second)
		for _, label := range forbidden {
			if evalJS[bool](b, `[...document.querySelectorAll('main button, main a')].some((e) => e.textContent.trim() === `+jsString(label)+`)`) {
				t.Errorf("%s: a viewer sees %q", p.path, label)
			}
		}
		if evalJS[bool](b, `document.querySelector('main a[href$="/edit"], main a[href$="/new"]') !== null`) {
			t.Errorf("%s: a viewer sees a link to a form: %s", p.path, evalJS[string](b, `document.querySelector('main a[href$="/edit"], main a[href$="/new"]').outerHTML`))
		}
		if evalJS[bool](b, `document.querySelector('main form:not([role="search"])') !== null`) {
			t.Errorf("%s: a viewer sees a form", p.path)
		}
	}
	b.screenshot("viewer-status-page")

	// A responder posts incident updates (SPEC §2.1) but does not edit or delete the page.
	b.signInAs(responderTok, f.slug)
	b.open("/status-pages/" + f.page)
	b.waitFor("the responder's incident forms", `[...document.querySelectorAll('main button')].some((e) => e.textContent.trim() === 'Post incident') &&
		[...document.querySelectorAll('main button')].some((e) => e.textContent.trim() === 'Post update')`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('main a[href$="/edit"]') !== null || [...document.querySelectorAll('main button')].some((e) => e.textContent.trim() === 'Delete')`) {
		t.Error("a responder may edit or delete the status page")
	}
	b.waitFor("the responder's role note", `document.querySelector('[data-role-note]')?.innerText.includes('needs the Member role')`, 5*time.Second)
}

// apiEventNames are the API's event identifiers, shown as they are (webhook events, a
// delivery's event): they look like message keys but are data, not untranslated text.
var apiEventNames = []string{"monitor.down", "monitor.degraded", "monitor.recovered", "incident.created", "incident.updated", "incident.resolved",
	"ssl.expiring", "ssl.expired", "ssl.changed", "heartbeat.missed", "heartbeat.recovered", "maintenance.started", "maintenance.ended",
	"member.invited", "member.removed", "alert.acknowledged", "alert.resolved", "alert.fired", "alert.escalated", "alert.test"}

// rawKeys is a JS expression listing every visible text (text nodes, aria-labels,
// placeholders, titles) on the page that is a message key itself — what t() shows for a
// key missing from the catalogue. The first segment may hold an underscore
// (status_pages.title), which /^[a-z]+(\.[a-z0-9_-]+)+$/ alone would miss.
func rawKeys() string {
	quoted := make([]string, len(apiEventNames))
	for i, e := range apiEventNames {
		quoted[i] = jsString(e)
	}
	return `(() => {
  const key = /^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$/, data = new Set([` + strings.Join(quoted, ",") + `]);
  const out = [];
  const test = (s, where) => { s = (s || '').trim(); if (key.test(s) && !data.has(s)) out.push(where + ': ' + s); };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // Text in code elements is data the API names (event names such as team.created), not UI text.
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement?.closest('code, pre, script, style')) test(n.textContent, 'text');
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    test(el.getAttribute('aria-label'), 'aria-label'); test(el.getAttribute('placeholder'), 'placeholder'); test(el.getAttribute('title'), 'title');
  }
  return out.join('; ');
})()`
}

// noRawKeys fails the test (without stopping it) when the page shows a message key
// instead of its message, naming where the test was.
func (b *browser) noRawKeys(where string) {
	b.t.Helper()
	if raw := evalJS[string](b, rawKeys()); raw != "" {
		b.t.Errorf("%s shows raw message keys: %s", where, raw)
	}
}

// TestMonitoringPagesInFrench: with the UI in French, every page of services, alerts,
// channels, rules, escalation, maintenance, status pages, webhooks, reports and locations
// renders, in French (the heading differs from English), and shows no raw message key;
// the service form and detail are kept as screenshots.
func TestMonitoringPagesInFrench(t *testing.T) {
	srv := startServer(t, serverOptions{})
	f := newMonitoringFixture(t, srv)
	b := newBrowser(t, srv, 180*time.Second)
	b.signInAs(f.ownerTok, f.slug)
	evalJS[bool](b, `localStorage.setItem('alertifypro.lang', 'fr'); true`)

	for _, p := range []struct{ path, heading string }{
		{"/services/new", "Ajouter un service"},
		{"/services/" + f.service, "Billing API"},
		{"/services/" + f.service + "/edit", "Modifier Billing API"},
		{"/alerts", "Alertes"},
		{"/alerts/" + f.alert, "Billing API is down"},
		{"/channels", "Canaux de notification"},
		{"/channels/new", "Ajouter un canal de notification"},
		{"/channels/" + f.channel, "Ops hook"},
		{"/channels/" + f.channel + "/edit", "Modifier Ops hook"},
		{"/rules", "Règles d'alerte"},
		{"/rules/new", "Ajouter une règle d'alerte"},
		{"/rules/" + f.rule + "/edit", "Modifier Billing down"},
		{"/escalation-policies", "Politiques d'escalade"},
		{"/maintenance", "Fenêtres de maintenance"},
		{"/status-pages", "Pages de statut"},
		{"/status-pages/new", "Créer une page de statut"},
		{"/status-pages/" + f.page, "Acme status"},
		{"/status-pages/" + f.page + "/edit", "Modifier Acme status"},
		{"/webhooks", "Webhooks"},
		{"/reports/sla", "Rapports SLA"},
		{"/ssl-certificates", "Certificats SSL"},
		{"/locations", "Emplacements"},
	} {
		b.open(p.path)
		b.waitFor(p.path+" in French", `document.documentElement.lang === 'fr' && document.querySelector('main h1')?.textContent === `+jsString(p.heading)+
			` && document.querySelector('main .loading') === null`, 15*time.Second)
		if p.path == "/services/new" || p.path == "/services/"+f.service+"/edit" {
			// The advanced part holds most of the form's labels.
			evalJS[bool](b, `document.querySelector('details.advanced').open = true; true`)
			b.waitFor(p.path+": advanced open", `document.querySelector('details.advanced').open`, 5*time.Second)
		}
		if raw := evalJS[string](b, rawKeys()); raw != "" {
			t.Errorf("%s shows raw message keys: %s", p.path, raw)
		}
		switch p.path {
		case "/services/new":
			b.screenshot("fr-service-form")
		case "/services/" + f.service:
			b.waitFor("the detail's sections", `document.querySelector('#chart-h') !== null`, 10*time.Second)
			b.screenshot("fr-service-detail")
		}
	}
}

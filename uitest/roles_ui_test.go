package uitest

import (
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestRoleAwareUI: a viewer sees no action their role cannot take — no Acknowledge, no
// forms to add channels, webhooks, policies, members or API keys, no Delete, no Audit log
// in the navigation — and each page says why (their role and the one needed). Where roles
// are chosen (members, API keys), each role says what it may do.
func TestRoleAwareUI(t *testing.T) {
	srv := startServer(t, serverOptions{})
	ownerTok, orgID, slug := registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	viewerTok, _, _ := registerViaAPI(t, srv, "Vic Viewer", "vic@example.com", "correct horse battery")
	vic, err := srv.DB.UserByEmail("vic@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.AddMember(orgID, &store.Membership{UserID: vic.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	ch := apiJSON(t, srv, ownerTok, "POST", "/notification-channels?org="+slug, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:9/hook"}}, http.StatusCreated)
	apiJSON(t, srv, ownerTok, "POST", "/webhooks?org="+slug, map[string]any{"url": "http://127.0.0.1:9/events", "events": []string{"monitor.down"}}, http.StatusCreated)
	svc := &store.Service{Name: "Billing API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: svc.ID, ServiceName: svc.Name,
		Severity: "critical", Title: "Billing API is down", Message: "connection refused", FiredAt: time.Now()}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(viewerTok, slug)
	noButton := func(page, label string) {
		t.Helper()
		if evalJS[bool](b, `[...document.querySelectorAll('main button, main a')].some((e) => e.textContent.trim() === `+jsString(label)+`)`) {
			t.Errorf("%s: a viewer sees %q", page, label)
		}
	}
	for _, p := range []struct{ path, ready, note string }{
		{"/alerts", `document.querySelector('main tbody tr') !== null`, "acknowledging and resolving alerts needs the Responder role"},
		{"/alerts/" + al.ID, `document.querySelector('ol.timeline') !== null`, "needs the Responder role"},
		{"/channels", `document.querySelector('main tbody tr') !== null`, "needs the Member role"},
		{"/channels/" + ch["id"].(string), `document.querySelector('main h1')?.textContent === 'Ops hook'`, "needs the Member role"},
		{"/webhooks", `document.querySelector('main tbody tr') !== null`, "needs the Member role"},
		{"/escalation-policies", `document.querySelector('main h1') !== null && document.querySelector('[data-role-note]') !== null`, "needs the Member role"},
		{"/members", `document.querySelector('main tbody tr') !== null`, "needs the Admin role"},
		{"/api-keys", `document.querySelector('[data-role-note]') !== null`, "needs the Member role"},
	} {
		b.open(p.path)
		b.waitFor(p.path, p.ready, 10*time.Second)
		b.waitFor(p.path+": the role note", `document.querySelector('[data-role-note]')?.innerText.includes('Your role here is Viewer') &&
			document.querySelector('[data-role-note]').innerText.includes(`+jsString(p.note)+`)`, 5*time.Second)
		for _, label := range []string{"Acknowledge", "Resolve", "Add note", "Add a channel", "Send test", "Edit", "Delete", "Add webhook",
			"Create policy", "Add member", "Remove", "Create key", "Revoke"} {
			noButton(p.path, label)
		}
		if evalJS[bool](b, `document.querySelector('main form:not([role="search"])') !== null`) {
			t.Errorf("%s: a viewer sees a form", p.path)
		}
	}
	b.screenshot("viewer-members")
	if evalJS[bool](b, `document.querySelector('nav a[href="/audit-log"]') !== null`) {
		t.Error("a viewer's navigation offers the audit log (admins only)")
	}

	// The owner chooses roles knowing what each may do.
	b.signInAs(ownerTok, slug)
	b.open("/members")
	b.waitFor("roles with descriptions", `(() => { const s = document.querySelector('form [name="role"]'); return s &&
		[...s.options].some((o) => o.value === 'viewer' && o.textContent === 'Viewer — Reads everything; changes nothing.') &&
		s.closest('.field').querySelector('.hint')?.textContent.includes('Responder, plus creates'); })()`, 10*time.Second)
	b.open("/api-keys")
	b.waitFor("key roles with descriptions, none above admin", `(() => { const s = document.querySelector('form [name="role"]'); return s &&
		[...s.options].map((o) => o.value).join() === 'viewer,responder,member,admin' &&
		[...s.options].every((o) => o.textContent.includes(' — ')); })()`, 10*time.Second)
	b.screenshot("owner-api-key-roles")
}

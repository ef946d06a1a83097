package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestConfigImportBrokenWritesNothing sends documents with problems among valid elements:
// each answers 422 naming every problem by path, and nothing at all is written.
func TestConfigImportBrokenWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	u := configFixture(e, "ada@example.com", "Ada")
	before := e.do("GET", "/api/v1/export", u.Token, nil).Body.String()
	auditBefore, _, _ := e.db.AuditLogs(u.OrgID, auditAll)

	doc := `
services:
  - name: Brand new
    endpoint: https://new.example.com
    check_type: http
  - name: Broken
    endpoint: "not a url"
    check_type: http
  - name: Checkout
    endpoint: https://checkout.example.com/health
    check_type: http
    check_interval_seconds: 5
  - name: brand NEW
    endpoint: https://other.example.com
    check_type: http
  - name: Sealed
    endpoint: https://sealed.example.com
    check_type: http
    auth: {type: bearer, configured: true}
  - name: Typo
    endpont: https://typo.example.com
heartbeats:
  - name: Cron
    schedule: every fortnight
notification_channels:
  - name: Pager
    type: slack
    config: {url: "********"}
maintenance_windows:
  - name: Freeze
    services: [Checkout, Ghost]
    starts_at: 2026-12-24T00:00:00Z
    ends_at: 2026-12-27T00:00:00Z
webhooks:
  - url: https://hooks.example.com/new
    events: [monitor.down]
`
	rec := e.doConfig("POST", "/api/v1/import", u.Token, "application/yaml", "", doc)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("broken import: %d %s", rec.Code, rec.Body.String())
	}
	body := decode[struct{ Fields map[string]string }](t, rec)
	for _, path := range []string{"services[1].endpoint", "services[2].check_interval_seconds", "services[3].name",
		"services[4].auth", "services[5].endpont", "heartbeats[0].schedule", "notification_channels[0].config.url",
		"maintenance_windows[0].services", "webhooks[0].secret"} {
		if body.Fields[path] == "" {
			t.Errorf("no problem reported at %s: %v", path, body.Fields)
		}
	}
	if len(body.Fields) != 9 {
		t.Errorf("fields = %v, want exactly the 9 problems", body.Fields)
	}
	if !strings.Contains(body.Fields["maintenance_windows[0].services"], `"Ghost"`) {
		t.Errorf("unknown service not named: %q", body.Fields["maintenance_windows[0].services"])
	}
	if after := e.do("GET", "/api/v1/export", u.Token, nil).Body.String(); after != before {
		t.Errorf("a refused import wrote:\n%s", after)
	}
	if auditAfter, _, _ := e.db.AuditLogs(u.OrgID, auditAll); len(auditAfter) != len(auditBefore) {
		t.Errorf("a refused import was audited")
	}

	e.run([]scenario{
		{name: "not a document", method: "POST", path: "/api/v1/import", token: u.Token, body: `[1,2]`, status: 400},
		{name: "unknown section", method: "POST", path: "/api/v1/import", token: u.Token, body: `{"monitors":[]}`, status: 422,
			contains: []string{`"monitors":"is not a section`}},
		{name: "wrong version", method: "POST", path: "/api/v1/import", token: u.Token, body: `{"version":2}`, status: 422, contains: []string{`"version"`}},
		{name: "element of the wrong type", method: "POST", path: "/api/v1/import", token: u.Token, body: `{"services":[{"name":7}]}`, status: 422,
			contains: []string{`"services[0].name":"must be a string"`}},
		{name: "bad dry_run", method: "POST", path: "/api/v1/import?dry_run=maybe", token: u.Token, body: `{}`, status: 422},
	})
	for _, c := range []struct{ name, ct, body string }{
		{"text/plain", "text/plain", "services: []"},
		{"yaml alias bomb", "application/yaml", "a: &a [x, x]\nb: [*a, *a]\n"},
		{"invalid yaml", "application/yaml", "services: [\n"},
	} {
		if rec := e.doConfig("POST", "/api/v1/import", u.Token, c.ct, "", c.body); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", c.name, rec.Code, rec.Body.String())
		}
	}
	if after := e.do("GET", "/api/v1/export", u.Token, nil).Body.String(); after != before {
		t.Errorf("a refused import wrote:\n%s", after)
	}
}

// TestConfigImportPlanLimit refuses a document whose new services exceed the plan (free:
// 5) with 402, writing none of them, not even the channel listed with them.
func TestConfigImportPlanLimit(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	e.mustCreateService(u.Token, map[string]any{"name": "Existing", "endpoint": "https://a.example.com", "check_type": "http"})
	var svcs []string
	for i := range 5 {
		svcs = append(svcs, fmt.Sprintf(`{"name":"S%d","endpoint":"https://s%d.example.com","check_type":"http"}`, i, i))
	}
	doc := `{"services":[` + strings.Join(svcs, ",") + `],"notification_channels":[{"name":"Mail","type":"email","config":{"to":["a@example.com"]}}]}`
	rec := e.doConfig("POST", "/api/v1/import", u.Token, "application/json", "", doc)
	if rec.Code != http.StatusPaymentRequired || !strings.Contains(rec.Body.String(), "plan_limit_reached") {
		t.Fatalf("over the cap: %d %s", rec.Code, rec.Body.String())
	}
	got := e.exportJSON(u.Token)
	if n := len(got["services"].([]any)); n != 1 || len(got["notification_channels"].([]any)) != 0 {
		t.Fatalf("a refused import wrote: %v", got)
	}
	// Four fit (1 + 4 = 5), and the existing one is matched, not counted again.
	doc = `{"services":[` + strings.Join(svcs[:4], ",") + `,{"name":"Existing","endpoint":"https://a.example.com","check_type":"http"}]}`
	if res := e.importDoc(u.Token, "", "application/json", doc, http.StatusOK); len(res.Changes) != 4 || res.Unchanged != 1 {
		t.Fatalf("at the cap: %+v", res)
	}
}

// TestConfigImportUpdates changes an exported document and imports it: exactly the edited
// objects are updated, in place (same IDs), and kept secrets stay the stored ones.
func TestConfigImportUpdates(t *testing.T) {
	e := newTestEnv(t)
	u := configFixture(e, "ada@example.com", "Ada")
	idsBefore := decode[[]map[string]any](t, e.do("GET", "/api/v1/services", u.Token, nil))
	doc := e.exportJSON(u.Token)
	doc["services"].([]any)[0].(map[string]any)["check_interval_seconds"] = 120
	doc["notification_channels"].([]any)[1].(map[string]any)["enabled"] = false
	doc["maintenance_windows"].([]any)[0].(map[string]any)["services"] = []string{"checkout", "DATABASE"}
	doc["heartbeats"].([]any)[0].(map[string]any)["grace_period_seconds"] = 900
	doc["webhooks"].([]any)[0].(map[string]any)["events"] = []string{"monitor.down"}
	raw, _ := json.Marshal(doc)
	viewer := e.join(u.OrgID, e.newUser("val@example.com", "Val"), roleViewer)
	if rec := e.doConfig("POST", "/api/v1/import", viewer, "application/json", "", string(raw)); rec.Code != http.StatusForbidden {
		t.Fatalf("viewer import: %d", rec.Code)
	}
	res := e.importDoc(u.Token, "", "application/json", string(raw), http.StatusOK)
	want := []string{"update service Checkout", "update heartbeat Nightly backup", "update notification_channel Slack",
		"update maintenance_window DB upgrade", "update webhook https://hooks.example.com/alertify?token=********"}
	var got []string
	for _, c := range res.Changes {
		got = append(got, c.Action+" "+c.Kind+" "+c.Name)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || res.Unchanged != fixtureObjects-5 {
		t.Fatalf("changes = %q (unchanged %d), want %q", got, res.Unchanged, want)
	}
	// Names match in any case; the export writes them as the services spell them.
	doc["maintenance_windows"].([]any)[0].(map[string]any)["services"] = []string{"Checkout", "Database"}
	if after := e.exportJSON(u.Token); !sameJSON(after, doc) {
		t.Errorf("export after update differs from the imported document")
	}
	svcs, _ := e.db.Services(u.OrgID)
	creds, err := (&base{sealer: e.deps.Sealer}).openCredentials(u.OrgID, &svcs[0])
	if svcs[0].ID != idsBefore[0]["id"] || err != nil || creds.Auth.Password != "s3cret-pass" || creds.Headers["X-Api-Key"] != "hdr-secret-value" {
		t.Errorf("updated service lost its identity or credentials: %v %+v", err, creds)
	}
	logs, _, _ := e.db.AuditLogs(u.OrgID, auditAll)
	if len(logs) == 0 || logs[0].Event != "organization.config_imported" {
		t.Errorf("import not audited: %+v", logs)
	}
}

// TestConfigImportReferences checks references to people (teams by name, members by
// e-mail, which import resolves but never creates) and that every unknown name, and a
// slug held by another organization's page, is reported at its path with nothing written.
func TestConfigImportReferences(t *testing.T) {
	e := newTestEnv(t)
	u := configFixture(e, "ada@example.com", "Ada")
	rec := e.do("POST", "/api/v1/teams", u.Token, map[string]any{"name": "On call"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("team: %d %s", rec.Code, rec.Body.String())
	}
	team := decode[map[string]any](t, rec)["id"].(string)
	rec = e.do("POST", "/api/v1/escalation-policies", u.Token, map[string]any{"name": "People", "rules": []map[string]any{
		{"notify_type": "team", "notify_id": team}, {"delay_minutes": 5, "notify_type": "user", "notify_id": u.ID}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("policy: %d %s", rec.Code, rec.Body.String())
	}
	doc := e.do("GET", "/api/v1/export", u.Token, nil).Body.String()
	for _, want := range []string{"notify: On call", "notify: ada@example.com"} {
		if !strings.Contains(doc, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	if res := e.importDoc(u.Token, "", "application/yaml", doc, http.StatusOK); len(res.Changes) != 0 || res.Unchanged != fixtureObjects+1 {
		t.Errorf("re-import: %+v", res)
	}

	other := e.newUser("eve@example.com", "Eve")
	broken := `{
 "escalation_policies": [{"name": "P", "rules": [{"notify_type": "team", "notify": "Nobody"}, {"delay_minutes": 1, "notify_type": "user", "notify": "ada@example.com"}]}],
 "alert_rules": [{"name": "R", "service": "Ghost", "channels": ["Nope"], "escalation_policy": "Missing"}],
 "status_pages": [{"name": "Status", "components": [{"name": "C", "heartbeat": "Ghost"}]}, {"name": "T", "slug": "acme-status"}]
}`
	rec = e.doConfig("POST", "/api/v1/import", other.Token, "application/json", "", broken)
	body := decode[struct{ Fields map[string]string }](t, rec)
	want := []string{"escalation_policies[0].rules[0].notify", "escalation_policies[0].rules[1].notify", "alert_rules[0].service",
		"alert_rules[0].channels[0]", "alert_rules[0].escalation_policy", "status_pages[0].components[0].heartbeat", "status_pages[1].slug"}
	if rec.Code != http.StatusUnprocessableEntity || len(body.Fields) != len(want) {
		t.Fatalf("broken references: %d %v", rec.Code, body.Fields)
	}
	for _, path := range want {
		if body.Fields[path] == "" {
			t.Errorf("no problem at %s: %v", path, body.Fields)
		}
	}
	if got := e.exportJSON(other.Token); len(got["escalation_policies"].([]any)) != 0 || len(got["status_pages"].([]any)) != 0 {
		t.Errorf("a refused import wrote: %v", got)
	}
}

// TestConfigImportAmbiguousNames refuses an element or a reference whose name several
// existing objects share (heartbeat names are not unique in the API), naming the path.
func TestConfigImportAmbiguousNames(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	for range 2 {
		e.createHeartbeat(u.Token, map[string]any{"name": "Dup"})
	}
	rec := e.doConfig("POST", "/api/v1/import", u.Token, "application/json", "",
		`{"heartbeats":[{"name":"dup","schedule":"every 2h"}],"alert_rules":[{"name":"R","heartbeat":"Dup"}]}`)
	body := decode[struct{ Fields map[string]string }](t, rec)
	if rec.Code != http.StatusUnprocessableEntity || body.Fields["heartbeats[0].name"] == "" ||
		!strings.Contains(body.Fields["alert_rules[0].heartbeat"], "rename them first") || len(body.Fields) != 2 {
		t.Fatalf("ambiguous names: %d %v", rec.Code, body.Fields)
	}
}

// TestImportStoppedSaysHowFar checks the answer to a write failing after validation: the
// cause's status, with how many changes were written before it.
func TestImportStoppedSaysHowFar(t *testing.T) {
	ch := &importChange{Action: "create", Kind: "service", Name: "Shop"}
	err := importStopped(errConflict("A service with that name already exists."), 2, 5, ch)
	e, ok := err.(*Error)
	if !ok || e.Status != http.StatusConflict || !strings.Contains(e.Message, `create service "Shop" after writing 2 of 5 changes`) {
		t.Errorf("api error: %#v", err)
	}
	if _, ok := importStopped(fmt.Errorf("disk on fire"), 0, 1, ch).(*Error); ok {
		t.Error("a store failure must stay an internal error")
	}
}

package api

import (
	"net/http"
	"testing"
)

// TestConfigImportRuleIncidentTemplate: a rule's create_status_page_incident names a page
// and component of the same document (created before the rule), and a name that matches
// nothing is a 422 at the document's field, with nothing written.
func TestConfigImportRuleIncidentTemplate(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	doc := `{"services":[{"name":"Shop API","endpoint":"https://shop.example.com","check_type":"http"}],
	  "status_pages":[{"name":"Status","slug":"ada-status","components":[{"name":"Shop","service":"Shop API"}]}],
	  "alert_rules":[{"name":"Shop down","service":"Shop API",
	    "create_status_page_incident":{"status_page":"Status","component":"Shop","severity":"critical"}}]}`
	res := e.importDoc(u.Token, "", "application/json", doc, http.StatusOK)
	if len(res.Changes) != 3 {
		t.Fatalf("import: %+v", res)
	}
	rules := decode[[]map[string]any](t, e.do("GET", "/api/v1/alert-rules", u.Token, nil))
	pages := decode[[]map[string]any](t, e.do("GET", "/api/v1/status-pages", u.Token, nil))
	tpl, _ := rules[0]["create_status_page_incident"].(map[string]any)
	comp := pages[0]["components"].([]any)[0].(map[string]any)
	if tpl == nil || tpl["status_page_id"] != pages[0]["id"] || tpl["component_id"] != comp["id"] || tpl["severity"] != "critical" {
		t.Fatalf("rule template = %v; page %v", rules[0]["create_status_page_incident"], pages[0])
	}
	// Unchanged re-import of its own export.
	export := e.do("GET", "/api/v1/export", u.Token, nil).Body.String()
	if again := e.importDoc(u.Token, "", "application/yaml", export, http.StatusOK); len(again.Changes) != 0 {
		t.Fatalf("re-import changed %+v", again.Changes)
	}

	bad := `{"alert_rules":[{"name":"Other","create_status_page_incident":{"status_page":"Status","component":"Nope"}},
	  {"name":"Third","create_status_page_incident":{"status_page":"Nowhere","component":"Shop"}}]}`
	rec := e.doConfig("POST", "/api/v1/import", u.Token, "application/json", "", bad)
	body := decode[map[string]any](t, rec)
	fields, _ := body["fields"].(map[string]any)
	if rec.Code != http.StatusUnprocessableEntity || fields["alert_rules[0].create_status_page_incident.component"] == nil ||
		fields["alert_rules[1].create_status_page_incident.status_page"] == nil {
		t.Fatalf("broken references: %d %v", rec.Code, body)
	}
	if n := len(decode[[]map[string]any](t, e.do("GET", "/api/v1/alert-rules", u.Token, nil))); n != 1 {
		t.Fatalf("%d rules after the refused import, want 1", n)
	}
}

package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestConfigScheduledReportsAcrossOrganizations exports an organization with a
// scheduled report and imports the document into another: the report is created there
// naming that organization's copies of its services, with a schedule of its own; a
// changed frequency is an update that reschedules; a report naming an unknown service or
// with a bad recipient is a 422 at its path.
func TestConfigScheduledReportsAcrossOrganizations(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	shop := e.createHTTPService(u.Token, "Shop", "https://shop.example.com")
	zurich := e.createHTTPService(u.Token, "Zürich · 東京", "https://zurich.example.com")
	e.createHTTPService(u.Token, "yes", "https://yes.example.com")
	if rec := e.do("POST", "/api/v1/scheduled-reports", u.Token, map[string]any{"name": "# monthly: SLA", "frequency": "monthly", "format": "csv",
		"timezone": "America/New_York", "service_ids": []string{zurich, shop}, "recipients": []string{"boss+sla@example.com"}}); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	doc := e.do("GET", "/api/v1/export", u.Token, nil).Body.String()
	if !strings.Contains(doc, "scheduled_reports:") || !strings.Contains(doc, "boss+sla@example.com") || strings.Contains(doc, "next_run_at") {
		t.Fatalf("export lacks the scheduled report (or carries run state):\n%s", doc)
	}
	other := e.newUser("grace@example.com", "Grace")
	got := e.importDoc(other.Token, "", "application/yaml", doc, http.StatusOK)
	created := false
	for _, ch := range got.Changes {
		created = created || (ch.Kind == "scheduled_report" && ch.Action == "create" && ch.Name == "# monthly: SLA")
	}
	if !created {
		t.Fatalf("import changes: %+v", got.Changes)
	}
	list := decode[[]scheduledReportView](t, e.do("GET", "/api/v1/scheduled-reports", other.Token, nil))
	if len(list) != 1 || len(list[0].ServiceIDs) != 2 || list[0].Timezone != "America/New_York" || list[0].Format != "csv" ||
		list[0].NextRunAt.IsZero() {
		t.Fatalf("imported report: %+v", list)
	}
	for _, id := range list[0].ServiceIDs {
		if _, err := e.db.Service(other.OrgID, id); err != nil {
			t.Errorf("imported report names %s, not a service of the importing organization: %v", id, err)
		}
	}
	weekly := strings.Replace(doc, "frequency: monthly", "frequency: weekly", 1)
	got = e.importDoc(other.Token, "", "application/yaml", weekly, http.StatusOK)
	if len(got.Changes) != 1 || got.Changes[0].Action != "update" || got.Changes[0].Kind != "scheduled_report" {
		t.Fatalf("frequency change: %+v", got.Changes)
	}
	after, _ := e.db.ScheduledReport(other.OrgID, list[0].ID)
	if after.Frequency != "weekly" || after.NextRunAt.Equal(list[0].NextRunAt) {
		t.Errorf("update did not reschedule: %+v", after)
	}
	bad := strings.Replace(strings.Replace(doc, "boss+sla@example.com", "not-an-address", 1), "- Shop\n", "- no such service\n", 1)
	rec := e.doConfig("POST", "/api/v1/import", other.Token, "application/yaml", "", bad)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "scheduled_reports[0].services") {
		t.Fatalf("bad report: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.doConfig("POST", "/api/v1/import", other.Token, "application/yaml", "", strings.Replace(doc, "boss+sla@example.com", "not-an-address", 1))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "scheduled_reports[0].recipients[0]") {
		t.Fatalf("bad recipient: %d %s", rec.Code, rec.Body.String())
	}
}

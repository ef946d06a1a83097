package api

import (
	"net/http"
	"testing"
)

// TestScheduledReportsCRUD: create with defaults and the first next_run_at, read, list,
// update (a new frequency reschedules), delete — each audited; viewers read but do not
// write; another organization gets 404.
func TestScheduledReportsCRUD(t *testing.T) {
	f := newSLAFixture(t) // clock: 2026-11-25 19:00 UTC
	e := f.e
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "Monthly SLA",
		"frequency": "Monthly", "timezone": "Europe/Berlin", "recipients": []string{"Boss@Example.com", "ops@example.com", "boss@example.com"},
		"service_ids": []string{f.checkout}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	r := decode[map[string]any](t, rec)
	id := r["id"].(string)
	// 1 Dec 2026 is a Tuesday: 08:00 CET is 07:00 UTC.
	if r["next_run_at"] != "2026-12-01T07:00:00Z" || r["last_run_at"] != nil || r["type"] != "sla" || r["format"] != "pdf" ||
		r["frequency"] != "monthly" || len(r["recipients"].([]any)) != 2 || r["recipients"].([]any)[0] != "boss@example.com" {
		t.Fatalf("created: %v", r)
	}
	if rec := e.do("GET", "/api/v1/scheduled-reports/"+id, f.viewer, nil); rec.Code != http.StatusOK {
		t.Fatalf("viewer get: %d", rec.Code)
	}
	list := decode[[]map[string]any](t, e.do("GET", "/api/v1/scheduled-reports", f.viewer, nil))
	if len(list) != 1 || list[0]["id"] != id {
		t.Fatalf("list: %v", list)
	}
	if rec := e.do("POST", "/api/v1/scheduled-reports", f.viewer, map[string]any{"name": "x", "frequency": "weekly", "recipients": []string{"a@example.com"}}); rec.Code != http.StatusForbidden {
		t.Fatalf("viewer create: %d", rec.Code)
	}
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		if rec := e.do(m, "/api/v1/scheduled-reports/"+id, f.otherToken, map[string]any{"name": "x"}); rec.Code != http.StatusNotFound {
			t.Errorf("other organization %s: %d", m, rec.Code)
		}
	}
	// Weekly in New York from Wed 25 Nov 2026: Monday 30 Nov 08:00 EST = 13:00 UTC.
	rec = e.do("PUT", "/api/v1/scheduled-reports/"+id, f.owner.Token, map[string]any{"frequency": "weekly", "timezone": "America/New_York", "format": "CSV"})
	r = decode[map[string]any](t, rec)
	if rec.Code != http.StatusOK || r["next_run_at"] != "2026-11-30T13:00:00Z" || r["format"] != "csv" || r["name"] != "Monthly SLA" {
		t.Fatalf("update: %d %v", rec.Code, r)
	}
	if rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "monthly sla", "frequency": "weekly", "recipients": []string{"a@example.com"}}); rec.Code != http.StatusConflict {
		t.Errorf("duplicate name: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("DELETE", "/api/v1/scheduled-reports/"+id, f.owner.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	for _, ev := range []string{"scheduled_report.created", "scheduled_report.updated", "scheduled_report.deleted"} {
		if n := auditCount(t, e, f.owner.OrgID, ev); n != 1 {
			t.Errorf("%d %s audit entries, want 1", n, ev)
		}
	}
}

// TestScheduledReportsBadInput: every bad field is a flat 422 naming it, nothing is
// stored, and another organization's service is as unknown as a made-up one.
func TestScheduledReportsBadInput(t *testing.T) {
	f := newSLAFixture(t)
	e := f.e
	other := e.newUser("mallory@example.com", "Mallory")
	foreign := e.createHTTPService(other.Token, "Theirs", "https://theirs.example.com")
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown time zone", map[string]any{"name": "r", "frequency": "weekly", "timezone": "Mars/Olympus", "recipients": []string{"a@example.com"}}, "timezone"},
		{"Local is not a zone", map[string]any{"name": "r", "frequency": "weekly", "timezone": "Local", "recipients": []string{"a@example.com"}}, "timezone"},
		{"bad e-mail", map[string]any{"name": "r", "frequency": "weekly", "recipients": []string{"a@example.com", "not an address"}}, "recipients[1]"},
		{"no recipients", map[string]any{"name": "r", "frequency": "weekly", "recipients": []string{}}, "recipients"},
		{"unknown service", map[string]any{"name": "r", "frequency": "weekly", "recipients": []string{"a@example.com"}, "service_ids": []string{"0193f0a0-0000-7000-8000-000000000000"}}, "service_ids[0]"},
		{"another organization's service", map[string]any{"name": "r", "frequency": "weekly", "recipients": []string{"a@example.com"}, "service_ids": []string{f.docs, foreign}}, "service_ids[1]"},
		{"bad format", map[string]any{"name": "r", "frequency": "weekly", "format": "docx", "recipients": []string{"a@example.com"}}, "format"},
		{"bad frequency", map[string]any{"name": "r", "frequency": "daily", "recipients": []string{"a@example.com"}}, "frequency"},
		{"bad type", map[string]any{"name": "r", "type": "uptime", "frequency": "weekly", "recipients": []string{"a@example.com"}}, "type"},
		{"name with a newline", map[string]any{"name": "a\nb", "frequency": "weekly", "recipients": []string{"a@example.com"}}, "name"},
	}
	for _, c := range cases {
		rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, c.body)
		body := decode[map[string]any](t, rec)
		fields, _ := body["fields"].(map[string]any)
		if rec.Code != http.StatusUnprocessableEntity || body["error"] != "validation_failed" || fields[c.field] == nil {
			t.Errorf("%s: %d %s, want 422 naming %s", c.name, rec.Code, rec.Body.String(), c.field)
		}
	}
	if list, _ := e.db.ScheduledReports(f.owner.OrgID); len(list) != 0 {
		t.Fatalf("bad input stored %d reports", len(list))
	}
	// A bad update changes nothing either.
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "ok", "frequency": "weekly", "recipients": []string{"a@example.com"}})
	id := decode[map[string]any](t, rec)["id"].(string)
	rec = e.do("PUT", "/api/v1/scheduled-reports/"+id, f.owner.Token, map[string]any{"name": "renamed", "timezone": "Nowhere/Else"})
	if r, _ := e.db.ScheduledReport(f.owner.OrgID, id); rec.Code != http.StatusUnprocessableEntity || r.Name != "ok" || r.Timezone != "UTC" {
		t.Fatalf("bad update: %d, stored %+v", rec.Code, r)
	}
}

package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/internal/pdftext"
)

// TestSLAReportPDF downloads the fixture's report as a PDF and reads it back with
// pdftotext: the title page, the period in the asked time zone, and table rows carrying
// the very figures the JSON report gives (86.333 % for Checkout, 100 % for Docs).
func TestSLAReportPDF(t *testing.T) {
	f := newSLAFixture(t)
	rec := f.e.do("GET", "/api/v1/reports/sla?format=pdf&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z&timezone=Europe/Berlin", f.viewer, nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
		!regexp.MustCompile(`^attachment; filename="sla-report-\d{4}-\d\d-\d\d\.pdf"$`).MatchString(rec.Header().Get("Content-Disposition")) {
		t.Fatalf("pdf: %d %v", rec.Code, rec.Header())
	}
	if !strings.HasPrefix(rec.Body.String(), "%PDF-") {
		t.Fatalf("not a PDF: %q", rec.Body.String()[:min(20, rec.Body.Len())])
	}
	text := pdftext.Extract(t, rec.Body.Bytes())
	for _, want := range []string{"SLA report", "Europe/Berlin", "25 Nov 2026 01:00 CET", "Daily uptime",
		"SLA met", "1 of 2 services with checks"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	rows := map[string]*regexp.Regexp{
		// name, uptime, target, met, incidents, downtime 2460 s, longest 1740 s, MTTA 240 s, MTTR 1140 s, planned 3600 s
		"Checkout": regexp.MustCompile(`Checkout\s+86\.333\s+99\.9\s+no\s+2\s+41m 0s\s+29m 0s\s+4m 0s\s+19m 0s\s+1h 0m`),
		"Docs":     regexp.MustCompile(`Docs\s+100\s+99\s+yes\s+0\s+0s\s+0s\s+–\s+–\s+0s`),
	}
	for name, re := range rows {
		if !re.MatchString(text) {
			t.Errorf("PDF has no %s row matching %s:\n%s", name, re, text)
		}
	}
}

// TestSLAReportPDFBadInput: an unknown time zone is a flat 422 naming the field, the
// format list names pdf, and another organization's service is a 404.
func TestSLAReportPDFBadInput(t *testing.T) {
	f := newSLAFixture(t)
	rec := f.e.do("GET", "/api/v1/reports/sla?format=pdf&timezone=Mars/Olympus", f.viewer, nil)
	body := decode[map[string]any](t, rec)
	fields, _ := body["fields"].(map[string]any)
	if rec.Code != http.StatusUnprocessableEntity || fields["timezone"] == nil {
		t.Fatalf("unknown zone: %d %s", rec.Code, rec.Body.String())
	}
	rec = f.e.do("GET", "/api/v1/reports/sla?format=docx", f.viewer, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "json, csv or pdf") {
		t.Fatalf("bad format: %d %s", rec.Code, rec.Body.String())
	}
	rec = f.e.do("GET", "/api/v1/reports/sla?format=pdf&service_ids="+f.checkout, f.otherToken, nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("other organization's service: %d %s", rec.Code, rec.Body.String())
	}
}

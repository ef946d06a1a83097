package uitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestReportsCertificatesAndConfiguration opens the three report/configuration pages
// against a service seeded with a few results and a certificate: the SLA table shows its
// uptime, the SSL list shows the certificate as expiring soon, and the configuration page
// exports the organization then dry-runs the import of that export (no changes).
func TestReportsCertificatesAndConfiguration(t *testing.T) {
	srv := startServer(t, serverOptions{}) // no engine: the results are the ones written here
	token, orgID, orgSlug := registerViaAPI(t, srv, "Report Reader", "reports@example.com", "correct horse battery")
	now := time.Now().UTC()
	// Through the API, so the service has every default an export writes back.
	body := `{"name":"Billing API","endpoint":"https://billing.example.com/health","check_type":"HTTP","check_interval_seconds":60,"timeout_seconds":10}`
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/services?org="+orgSlug, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ ID string }
	err = json.NewDecoder(res.Body).Decode(&s)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated || s.ID == "" {
		t.Fatalf("create service: %d %v", res.StatusCode, err)
	}
	cert := &store.Certificate{Issuer: "CN=Test CA", Subject: "CN=billing.example.com",
		ValidFrom: now.Add(-80 * 24 * time.Hour), ValidTo: now.Add(10 * 24 * time.Hour), DaysUntilExpiry: 10, CheckedAt: now}
	var batch []store.RecordItem
	for i := 5; i >= 1; i-- {
		st := "GREEN"
		if i == 3 {
			st = "RED"
		}
		r := store.CheckResult{ServiceID: s.ID, CheckedAt: now.Add(-time.Duration(i) * time.Minute), Status: st, ResponseTimeMS: 40 + i, StatusCode: 200}
		if i == 1 {
			r.Certificate = cert
		}
		batch = append(batch, store.RecordItem{OrgID: orgID, Result: r})
	}
	if err := srv.DB.RecordResults(batch); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 60*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/")

	// SLA: the seeded service over the last 24 hours, with its checks counted.
	b.click("SLA reports")
	b.waitText("Billing API")
	b.choose("window", "24h")
	b.choose("service", s.ID)
	b.click("Show report")
	b.waitText("5 (1 failed)")
	b.waitText("Download CSV")
	b.click("Download CSV") // through api.js with the token, saved from a Blob URL
	b.waitFor("the CSV download finished", `!document.querySelector('[aria-busy="true"]')`, 5*time.Second)
	if evalJS[bool](b, `document.querySelector('[role="alert"]') !== null`) {
		t.Fatalf("CSV download: %s", evalJS[string](b, `document.querySelector('[role="alert"]').innerText`))
	}
	b.screenshot("sla-report")

	// The service's detail page (linked from the report) has daily uptime bars.
	b.click("Billing API")
	b.click("7 d")
	b.waitText("Daily uptime (7 d)")
	b.waitFor("a day with checks", `document.querySelector('.daily-bars rect.bar-down, .daily-bars rect.bar-up, .daily-bars rect.bar-warn') !== null`, 10*time.Second)
	b.screenshot("service-daily-uptime")

	// SSL: the certificate, 10 days left, highlighted as expiring soon.
	b.click("SSL certificates")
	b.waitText("billing.example.com")
	b.waitText("Expiring soon")
	b.waitFor("highlighted row", `document.querySelector('tr.row-warn') !== null`, 5*time.Second)
	b.screenshot("ssl-certificates")

	// Configuration: the export, imported back as a dry run, changes nothing. The page's
	// own download goes through a Blob URL; the test reads the same export through
	// HTTP to paste it (the file chooser is out of reach of the test).
	b.click("Configuration")
	b.waitText("Export YAML")
	b.click("Export YAML") // the download must not fail (errors would show in a banner)
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/export?format=yaml&org="+orgSlug, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(raw) == 0 {
		t.Fatalf("export: %d %s", res.StatusCode, raw)
	}
	evalJS[bool](b, fmt.Sprintf(`(() => { const el = document.querySelector('[name="document"]'); el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, string(raw)))
	b.click("Dry run")
	b.waitText("Dry run: nothing was written")
	b.waitText("No changes")
	b.screenshot("configuration-dry-run")

	// A document with a problem is answered 422; each problem is listed by its path.
	evalJS[bool](b, `(() => { const el = document.querySelector('[name="document"]'); el.value = 'version: 1\nservices:\n  - name: ""\n';
		el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	b.click("Dry run")
	b.waitFor("problems by path", `document.querySelector('[aria-label="Problems"] li code') !== null`, 5*time.Second)
	t.Logf("problems: %s", evalJS[string](b, `document.querySelector('[aria-label="Problems"]').innerText`))
	b.screenshot("configuration-problems")
	if text := evalJS[string](b, `document.body.innerText`); strings.Contains(text, "could not be loaded") {
		t.Fatalf("error on the page: %s", text)
	}
}

package uitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestScheduledReportsForm downloads the SLA report as a PDF from the reports page, then
// follows its link to the scheduled reports: a form with a bad time zone and a bad
// recipient shows both problems at their fields and stores nothing; corrected, the report
// is listed with its next run (08:00 on the first business day in its time zone).
func TestScheduledReportsForm(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Report Planner", "planner@example.com", "correct horse battery")
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/services?org="+orgSlug,
		strings.NewReader(`{"name":"Zürich API","endpoint":"https://zurich.example.com/health","check_type":"HTTP"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var svc struct{ ID string }
	_ = json.NewDecoder(res.Body).Decode(&svc)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create service: %d", res.StatusCode)
	}

	b := newBrowser(t, srv, 60*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/")
	b.click("SLA reports")
	b.waitText("Zürich API")
	b.click("Download PDF") // through api.js with the token, saved from a Blob URL
	b.waitFor("the PDF download finished", `!document.querySelector('[aria-busy="true"]')`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('[role="alert"]') !== null`) {
		t.Fatalf("PDF download: %s", evalJS[string](b, `document.querySelector('[role="alert"]').innerText`))
	}

	b.click("Scheduled reports")
	b.waitText("No scheduled reports")
	b.fill("name", "Monthly SLA")
	b.choose("frequency", "monthly")
	b.fill("timezone", "Mars/Olympus")
	b.fill("recipients", "boss@example.com\nnot an address")
	b.clickSel(fmt.Sprintf(`[name="svc-%s"]`, svc.ID))
	b.click("Add report")
	b.waitText("must be an IANA time zone")
	b.waitText("not an address: must be a valid e-mail address")
	b.screenshot("scheduled-report-errors")
	if list := scheduledReports(t, srv.URL, token, orgSlug); len(list) != 0 {
		t.Fatalf("a refused form stored %d reports", len(list))
	}

	b.fill("timezone", "Europe/Berlin")
	b.fill("recipients", "boss@example.com")
	b.click("Add report")
	b.waitText("Monthly · PDF · Europe/Berlin")
	b.waitFor("the report's row", `[...document.querySelectorAll('table td')].some((td) => td.innerText === 'Zürich API')`, 5*time.Second)
	b.screenshot("scheduled-reports")
	list := scheduledReports(t, srv.URL, token, orgSlug)
	if len(list) != 1 || list[0].Timezone != "Europe/Berlin" || len(list[0].ServiceIDs) != 1 || list[0].ServiceIDs[0] != svc.ID ||
		list[0].NextRunAt.In(mustZone(t, "Europe/Berlin")).Hour() != 8 {
		t.Fatalf("stored: %+v", list)
	}
}

// scheduledReport is the part of a scheduled report the browser test checks.
type scheduledReport struct {
	Timezone   string    `json:"timezone"`
	ServiceIDs []string  `json:"service_ids"`
	NextRunAt  time.Time `json:"next_run_at"`
}

// scheduledReports lists the organization's scheduled reports through the API.
func scheduledReports(t *testing.T, base, token, orgSlug string) []scheduledReport {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/scheduled-reports?org="+orgSlug, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []scheduledReport
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %v", res.StatusCode, err)
	}
	return out
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestScheduledReportsInGerman: with the UI in German the scheduled reports page, its
// empty state, its list and its add and edit forms are in German, show no raw message key
// (text, aria-labels, placeholders, titles), and the next run on the report's own clock
// is written the German way.
func TestScheduledReportsInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Report Planner", "planner@example.com", "correct horse battery")
	apiJSON(t, srv, token, "POST", "/services?org="+orgSlug, map[string]any{"name": "Zürich API", "check_type": "HTTP",
		"endpoint": "https://zurich.example.com/health"}, http.StatusCreated)

	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, orgSlug)
	evalJS[bool](b, `localStorage.setItem('alertifypro.lang', 'de'); true`)
	noRawKeys := b.noRawKeys

	b.open("/reports/scheduled")
	b.waitFor("the page in German", `document.documentElement.lang === 'de' && document.querySelector('main h1')?.textContent === 'Geplante Berichte'
		&& document.querySelector('main .loading') === null`, 15*time.Second)
	b.waitText("Keine geplanten Berichte")
	b.waitText("Geplanten Bericht hinzufügen")
	noRawKeys("the empty page")

	b.fill("name", "Monthly SLA")
	b.fill("timezone", "Europe/Berlin")
	b.fill("recipients", "boss@example.com")
	b.click("Bericht hinzufügen")
	b.waitText("Monatlich · PDF · Europe/Berlin")
	b.waitText("Geplanter Bericht hinzugefügt")
	// dateStyle "medium" in German is dd.MM.yyyy; the run is at 08:00 on the report's clock.
	b.waitFor("the next run in German", `[...document.querySelectorAll('main td .muted')].some((d) => /^\d{2}\.\d{2}\.\d{4}, 08:00 Europe\/Berlin$/.test(d.innerText))`, 5*time.Second)
	if !evalJS[bool](b, `[...document.querySelectorAll('main th')].some((th) => th.textContent.trim() === 'Nächster Versand')`) {
		t.Error("the list's columns are not in German")
	}
	noRawKeys("the list")
	b.screenshot("de-scheduled-reports")

	b.clickSel(`[aria-label="Monthly SLA bearbeiten"]`)
	b.waitFor("the edit form in German", `[...document.querySelectorAll('main h2')].some((h) => h.textContent === 'Monthly SLA bearbeiten')
		&& document.querySelector('form[aria-label="Geplanten Bericht bearbeiten"]') !== null`, 5*time.Second)
	if !evalJS[bool](b, `[...document.querySelectorAll('[name="frequency"] option')].some((o) => o.textContent.startsWith('Monatlich — am ersten Werktag'))`) {
		t.Error("the frequency options are not in German")
	}
	noRawKeys("the edit form")
}

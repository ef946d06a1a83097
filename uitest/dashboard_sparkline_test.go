package uitest

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDashboardSparklinesComeWithTheOverview: every row's response-time sparkline is drawn
// from the organization overview (GET /metrics), which carries it per service from the
// summaries the server keeps; the dashboard sends no request per row for it.
func TestDashboardSparklinesComeWithTheOverview(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada", "ada@example.com", "correct horse battery")
	now := time.Now().UTC()
	var items []store.RecordItem
	for i := range 3 {
		s := &store.Service{Name: fmt.Sprintf("shop-%d", i), Endpoint: fmt.Sprintf("https://shop-%d.example.com/health", i),
			CheckType: "HTTP", CheckIntervalSeconds: 60, TimeoutSeconds: 10, DegradedThresholdMS: 1000}
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
		for k, ago := range []time.Duration{80 * time.Minute, 50 * time.Minute, 20 * time.Minute} {
			items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: s.ID,
				CheckedAt: now.Add(-ago), Status: store.StatusGreen, ResponseTimeMS: 100 + 50*k + i, StatusCode: 200}})
		}
	}
	if err := srv.DB.RecordResults(items); err != nil {
		t.Fatal(err)
	}
	rec, proxy := newAPIRecorder(t, srv.URL)
	viaProxy := *srv
	viaProxy.URL = proxy.URL

	b := newBrowser(t, &viaProxy, 60*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/")
	b.waitFor("a sparkline in every row", `document.querySelectorAll('table.services tbody tr svg.sparkline polyline').length === 3`, 15*time.Second)
	label := evalJS[string](b, `document.querySelector('table.services tbody tr svg.sparkline').getAttribute('aria-label')`)
	if label != "Response time, last 6 hours: 100–200 ms" {
		t.Errorf("first sparkline says %q", label)
	}
	time.Sleep(time.Second) // anything a row would fetch for itself has started by now
	perRow := regexp.MustCompile(`^/api/v1/services/[^/]+/metrics$`)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, e := range rec.log {
		if perRow.MatchString(e.path) {
			t.Errorf("the dashboard fetched %s for a sparkline", e.path)
		}
	}
}

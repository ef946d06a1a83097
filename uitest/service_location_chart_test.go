package uitest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceLocationChart: the detail of a service checked from several locations draws
// one response-time line per location, each from that location's own series (SPEC §8),
// and the recent checks name their location; a service of one location keeps its single
// line.
func TestServiceLocationChart(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada", "ada@example.com", "correct horse battery")
	for _, name := range []string{"lab-a", "lab-b"} {
		if err := srv.DB.CreateLocation(orgID, &store.Location{Name: name, DisplayName: name}, nil); err != nil {
			t.Fatal(err)
		}
	}
	multi := &store.Service{Name: "Everywhere", Endpoint: "https://shop.example.com/health", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 10, DegradedThresholdMS: 1000, Locations: []string{"local", "lab-a", "lab-b"}}
	single := &store.Service{Name: "Here", Endpoint: "https://blog.example.com/", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 10, DegradedThresholdMS: 1000}
	for _, s := range []*store.Service{multi, single} {
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	var items []store.RecordItem
	// Each location a different number of checks, so a line that drew another's series
	// (or the service's own) would show.
	for i, loc := range multi.Locations {
		for k := range i + 2 {
			items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: multi.ID,
				CheckedAt: now.Add(-time.Duration(30-k*5) * time.Minute).Add(time.Duration(i) * time.Second),
				Status:    store.StatusGreen, ResponseTimeMS: 100*(i+1) + k, StatusCode: 200, Location: loc}})
		}
	}
	items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: single.ID,
		CheckedAt: now.Add(-time.Minute), Status: store.StatusGreen, ResponseTimeMS: 42, StatusCode: 200}})
	if err := srv.DB.RecordResults(items); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 60*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/services/" + multi.ID)
	b.waitFor("one line per location", `(() => { const c = document.querySelector('.chart[data-lines]');
		return c && c.dataset.lines === 'local:2,lab-a:3,lab-b:4' && c.querySelector('canvas') !== null; })()`, 15*time.Second)
	labels := evalJS[[]string](b, `[...document.querySelectorAll('.chart .u-legend .u-series .u-label')].map((e) => e.textContent)`)
	if got := strings.Join(labels, "|"); !strings.Contains(got, "local (ms)|lab-a (ms)|lab-b (ms)") {
		t.Errorf("chart legend %q; want a line each for local, lab-a and lab-b", got)
	}
	b.waitFor("the checks' locations", `[...document.querySelectorAll('table th')].some((th) => th.textContent === 'Location') &&
		[...document.querySelectorAll('table td')].filter((td) => td.textContent === 'lab-b').length === 4`, 10*time.Second)
	b.screenshot("service-location-lines")

	b.open("/services/" + single.ID)
	b.waitFor("the single line", `document.querySelector('.chart[aria-label^="Response time chart"]') !== null &&
		document.querySelector('.chart[data-lines]') === null`, 15*time.Second)
}

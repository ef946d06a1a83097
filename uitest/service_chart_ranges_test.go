package uitest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceChartRanges: the service detail opens on Recent (the last 100 checks), with a
// y axis from 0, the down and maintenance spans shaded, the failed checks drawn and a
// legend of the period's real figures; 3 h, 24 h, 7 d and 90 d switch the series (and its
// resolution); the detail's beat bar shows the newest 50 checks.
func TestServiceChartRanges(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada", "ada@example.com", "correct horse battery")
	s := &store.Service{Name: "Shop", Endpoint: "https://shop.example.com/health", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 10, DegradedThresholdMS: 1000}
	if err := srv.DB.CreateService(orgID, s, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	var items []store.RecordItem
	// Three checks five days ago, then 130 a minute apart up to a minute ago: down for five
	// (k 100–104), in maintenance for three (k 110–112).
	for d := range 3 {
		items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: s.ID,
			CheckedAt: now.Add(-5*24*time.Hour + time.Duration(d)*time.Minute), Status: store.StatusGreen, ResponseTimeMS: 300, StatusCode: 200}})
	}
	sum, up := 0, 0
	for k := range 130 {
		r := store.CheckResult{ServiceID: s.ID, CheckedAt: now.Add(-time.Duration(130-k) * time.Minute), Status: store.StatusGreen,
			ResponseTimeMS: 100 + k%50, StatusCode: 200}
		switch {
		case k >= 100 && k <= 104:
			r.Status, r.StatusCode, r.ResponseTimeMS, r.Error = store.StatusRed, 0, 0, "timeout"
		case k >= 110 && k <= 112:
			r.Status = store.StatusMaintenance
		case k >= 30:
			sum, up = sum+r.ResponseTimeMS, up+1
		}
		items = append(items, store.RecordItem{OrgID: orgID, Result: r})
	}
	if err := srv.DB.RecordResults(items); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 90*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/services/" + s.ID)
	chart := func(rng string) string {
		return fmt.Sprintf(`document.querySelector('[data-chart-range=%q] .chart')`, rng)
	}
	b.waitFor("the Recent chart", chart("recent")+`?.querySelector('canvas') && `+chart("recent")+`.getAttribute('aria-label') === 'Response time chart, 100 points'`, 15*time.Second)
	if p := evalJS[string](b, `document.querySelector('button[data-range="recent"]').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("Recent is not the default range (aria-pressed %q)", p)
	}
	c := chart("recent")
	if got := evalJS[string](b, c+`.dataset.yMin + '|' + `+c+`.dataset.failed + '|' + `+c+`.dataset.shaded`); got != "0|5|down,maint" {
		t.Errorf("y from|failed marks|shaded = %q; want 0|5|down,maint", got)
	}
	figures := evalJS[string](b, `[...document.querySelectorAll('.chart-legend dd[data-figure]')].map((d) => d.textContent).join('|')`)
	if want := fmt.Sprintf("100 ms|%d ms|149 ms|5 of 97 checks", (sum+up/2)/up); figures != want {
		t.Errorf("legend figures %q; want %q", figures, want)
	}
	// Hovering the plot shows the hovered check's value in uPlot's legend. The page's
	// 5-second refresh may draw the chart anew under a resting pointer (its legend then
	// waits for the next move), so the pointer keeps moving, a pixel at a time, until the
	// value shows.
	hovered := `[...document.querySelectorAll('.chart .u-legend .u-series .u-value')].some((v) => / ms$/.test(v.textContent))`
	for try := 0; ; try++ {
		x := evalJS[float64](b, `(() => { const r = document.querySelector('.chart .u-over').getBoundingClientRect(); return r.left + r.width * 0.2; })()`)
		y := evalJS[float64](b, `(() => { const r = document.querySelector('.chart .u-over').getBoundingClientRect(); return r.top + r.height / 2; })()`)
		b.run("hover the chart", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+float64(try%5), y))
		if evalJS[bool](b, hovered) {
			break
		}
		if try == 60 {
			t.Fatalf("no hovered value in the chart's legend after %d pointer moves", try+1)
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.screenshot("chart-recent")

	b.waitFor("the detail's beat bar", `document.querySelector('.beat-bar[data-beats="50"]') !== null`, 10*time.Second)

	for _, r := range []struct{ key, button, resolution string }{
		{"3h", "3 h", "raw"}, {"24h", "24 h", "1m"}, {"7d", "7 d", ""}, {"90d", "90 d", ""}, // rollups of the server's choice
	} {
		b.click(r.button)
		b.waitFor("the "+r.key+" chart", chart(r.key)+`?.querySelector('canvas') != null && `+
			`document.querySelector('button[data-range="`+r.key+`"]').getAttribute('aria-pressed') === 'true'`, 15*time.Second)
		if r.resolution != "" {
			b.waitText("Resolution: " + r.resolution + ".")
		}
		if ymin := evalJS[string](b, chart(r.key)+`.dataset.yMin`); ymin != "0" {
			t.Errorf("%s: y axis from %s", r.key, ymin)
		}
		b.screenshot("chart-" + r.key)
	}
	// 3 h holds every one of the 130 checks (raw); 7 d also the three of five days ago, in hours.
	b.click("3 h")
	b.waitFor("3 h again", chart("3h")+`?.getAttribute('aria-label') === 'Response time chart, 130 points'`, 15*time.Second)
	if label := evalJS[string](b, `document.getElementById('daily-h')?.textContent || ''`); label != "" {
		t.Errorf("raw ranges show no daily bars, got %q", label)
	}
	b.click("7 d")
	b.waitFor("daily bars", `document.getElementById('daily-h')?.textContent === 'Daily uptime (7 d)'`, 15*time.Second)
	if s := evalJS[string](b, chart("7d")+`.dataset.shaded`); !strings.Contains(s, "down") {
		t.Errorf("7 d shading %q lacks the down hour", s)
	}
}

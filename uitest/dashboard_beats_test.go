package uitest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDashboardBeatBarsOneRequest: the dashboard of 1 000 services draws every row's beat
// bar (50 checks each) from ONE GET /beats per refresh, never a request per row; hovering a
// beat and moving through them with the keyboard shows each one's time, latency and
// message; the rows come problems first and sort by their column headers.
func TestDashboardBeatBarsOneRequest(t *testing.T) {
	srv, token, orgSlug := thousandServicesServer(t)
	rec, proxy := newAPIRecorder(t, srv.URL)
	viaProxy := *srv
	viaProxy.URL = proxy.URL
	b := newBrowser(t, &viaProxy, 180*time.Second)
	rows, bars := renderDashboardBeats(b, token, orgSlug)
	t.Logf("1000th row after %.0f ms, 1000th beat bar after %.0f ms (through a recording proxy)", rows, bars)
	oneBeatsRequestPerRefresh(t, rec)
	rec.mu.Lock()
	for _, e := range rec.log {
		if strings.HasSuffix(e.path, "/checks") || strings.HasSuffix(e.path, "/pings") {
			t.Errorf("the dashboard fetched %s for a row", e.path)
		}
	}
	rec.mu.Unlock()
	b.screenshot("dashboard-beat-bars")

	// Problems first: every Down row, then every Degraded one, then the rest.
	order := evalJS[string](b, `[...document.querySelectorAll('table.services tbody tr .badge')].map((e) => e.dataset.status[0]).join('')`)
	if !regexpMatch(`^R+Y+[^RY]+$`, order) {
		t.Errorf("rows not problems first: %.80s…", order)
	}
	// A column header sorts; pressed again it reverses.
	b.clickSel(`button.sort[data-sort="name"]`)
	b.waitFor("sorted by name", `document.querySelector('table.services tbody tr a').textContent === 'service-0000'`, 5*time.Second)
	b.clickSel(`button.sort[data-sort="name"]`)
	b.waitFor("reversed", `document.querySelector('table.services tbody tr a').textContent === 'service-0999'`, 5*time.Second)
	b.clickSel(`button.sort[data-sort="name"]`) // service-0000 first again: the fixture's i = 0
	b.waitFor("sorted by name again", `document.querySelector('table.services tbody tr a').textContent === 'service-0000'`, 5*time.Second)
	// Ten rows from here: a full-page screenshot of 1 000 rows takes long on a busy machine.
	b.fill("q", "service-000")
	b.waitFor("10 rows", `document.querySelectorAll('table.services tbody tr').length === 10`, 10*time.Second)

	// Hover the 46th beat of service-0000's bar (index 45: (0+45)%17 ≠ 0, (0+45)%11 ≠ 0 → up).
	first := `document.querySelector('table.services tbody tr .beat-bar')`
	x := evalJS[float64](b, `(() => { const r = `+first+`.getBoundingClientRect(); return r.left + r.width * 45.5 / 50; })()`)
	y := evalJS[float64](b, `(() => { const r = `+first+`.getBoundingClientRect(); return r.top + r.height / 2; })()`)
	b.run("hover a beat", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
	want := beatOf(0, 45, "", time.Now())
	tip := b.waitFor("the hovered beat's tooltip", `(() => { const t = document.querySelector('.beat-tip'); return t && t.dataset.beatIndex === '45' && t.innerText; })()`, 5*time.Second)
	if s, _ := tip.(string); !strings.Contains(s, "Up") || !strings.Contains(s, fmt.Sprintf("%d ms", want.ResponseTimeMS)) {
		t.Errorf("hover tooltip %q; want Up and %d ms", s, want.ResponseTimeMS)
	}
	b.screenshot("beat-hover")
	b.run("leave the bar", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 5, 5))
	b.waitFor("the tooltip gone", `document.querySelector('.beat-tip') === null`, 5*time.Second)

	// Keyboard: focus shows the newest beat; ArrowLeft steps back to index 34 ((0+34)%17 = 0: down).
	b.run("focus the page", pageFocused())
	b.run("focus the bar", chromedp.Focus(chromedp.CSS(`table.services tbody tr .beat-bar`)))
	b.waitFor("the newest beat on focus", `document.querySelector('.beat-tip')?.dataset.beatIndex === '49'`, 5*time.Second)
	for range 15 {
		b.run("arrow left", chromedp.KeyEvent(kb.ArrowLeft))
	}
	tip = b.waitFor("the down beat's tooltip", `(() => { const t = document.querySelector('.beat-tip'); return t && t.dataset.beatIndex === '34' && t.innerText; })()`, 5*time.Second)
	if s, _ := tip.(string); !strings.Contains(s, "Down") || !strings.Contains(s, "expected status 2xx, got 503") {
		t.Errorf("keyboard tooltip %q; want Down and the message (focused %s, first row %s)", s,
			evalJS[string](b, `document.activeElement.dataset.beatKey || document.activeElement.tagName`),
			evalJS[string](b, `document.querySelector('table.services tbody tr a').textContent`))
	}
	if d := evalJS[string](b, first+`.getAttribute('aria-describedby')`); d != "beat-tip" {
		t.Errorf("the focused bar is not described by its tooltip (aria-describedby %q)", d)
	}
	b.screenshot("beat-keyboard")
}

// renderDashboardBeats is renderDashboard that also waits for every row's beat bar of 50
// beats, returning both times (milliseconds from navigation start).
func renderDashboardBeats(b *browser, token, orgSlug string) (rows, bars float64) {
	b.t.Helper()
	rows = renderDashboard(b, token, orgSlug)
	v := b.waitFor("1 000 beat bars", `document.querySelectorAll('table.services tbody tr .beat-bar[data-beats="50"]').length >= 1000 && performance.now()`, 30*time.Second)
	bars, _ = v.(float64)
	return rows, bars
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

// oneBeatsRequestPerRefresh checks that the dashboard sent exactly one GET /beats per
// refresh (each refresh reads GET /metrics once). A refresh may be between its two
// requests when counted (on a loaded machine for seconds), so the counts get until
// eventually to agree; a second GET /beats per refresh keeps them apart for good.
func oneBeatsRequestPerRefresh(t *testing.T, rec *apiRecorder) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for {
		beats, polls := len(rec.exchanges("/api/v1/beats")), len(rec.exchanges("/api/v1/metrics"))
		if beats == polls && beats >= 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d GET /beats for %d dashboard refreshes; want exactly one per refresh", beats, polls)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

package uitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// apiCall sends one JSON request to the API as token and decodes the answer into out (nil
// = ignore; an empty body leaves it as it is), failing the test on a status other than want.
func apiCall(t *testing.T, srv *server, token, method, path string, body, out any, want int) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, srv.URL+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw.String())
	}
	if out != nil && raw.Len() > 0 {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// contrastJS lists every visible element with text of its own whose text colour does not
// reach WCAG AA against the background it is drawn on: 4.5:1, or 3:1 for large text (24
// px, or 18.66 px bold). The background is found by compositing the background colours
// of the element and its ancestors up to the first opaque one; the text colour's alpha is
// blended onto it. It answers {checked, failures: [...]}.
const contrastJS = `(() => {
  const parse = (c) => { const m = /rgba?\(([^)]+)\)/.exec(c); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const lum = (c) => { const f = (x) => { x /= 255; return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((bg, layer) => over(layer, bg), [255, 255, 255, 1]);
  };
  const failures = []; let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own || el.getClientRects().length === 0) continue;
    const st = getComputedStyle(el);
    if (st.visibility !== 'visible') continue;
    const bg = background(el);
    const fg = over(parse(st.color), bg);
    const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    const r = ratio(fg, bg);
    checked++;
    if (r < need) failures.push({ text: el.textContent.trim().slice(0, 40), tag: el.tagName, color: st.color, bg: 'rgb(' + bg.slice(0, 3).map(Math.round).join(',') + ')', ratio: Math.round(r * 100) / 100, need });
  }
  return { checked, failures };
})()`

// contrastReport is contrastJS's answer.
type contrastReport struct {
	Checked  int `json:"checked"`
	Failures []struct {
		Text, Tag, Color, BG string
		Ratio, Need          float64
	} `json:"failures"`
}

// assertContrast measures the page and fails on any text below AA.
func assertContrast(t *testing.T, b *browser, what string) {
	t.Helper()
	r := evalJS[contrastReport](b, contrastJS)
	if r.Checked < 20 {
		t.Fatalf("%s: only %d text elements measured; the page did not render", what, r.Checked)
	}
	for _, f := range r.Failures {
		t.Errorf("%s: %q (%s) %s on %s is %.2f:1, needs %.1f:1", what, f.Text, f.Tag, f.Color, f.BG, f.Ratio, f.Need)
	}
	t.Logf("%s: %d text elements measured", what, r.Checked)
}

// colourScheme emulates prefers-color-scheme (light or dark) for the tab.
func colourScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

// publicPageFixture is an organization with a status page of a healthy website, a down
// API and a heartbeat that has pinged (a partial outage), a yellow brand colour (too light
// for text on white) and an open incident; it returns the page's slug and the heartbeat.
func publicPageFixture(t *testing.T, srv *server) (slug string, hb map[string]any) {
	t.Helper()
	token, orgID, _ := registerViaAPI(t, srv, "Pat Public", "pat@example.com", "correct horse battery")
	now := time.Now().UTC()
	var ids []string
	for _, s := range []struct{ name, status string }{{"Website", "GREEN"}, {"API", "RED"}} {
		svc := &store.Service{Name: s.name, CheckType: "HTTP", Endpoint: "https://" + strings.ToLower(s.name) + ".example.com",
			CheckIntervalSeconds: 60, TimeoutSeconds: 10, Status: s.status, Options: json.RawMessage(`{}`), LastCheckedAt: &now}
		if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, svc.ID)
	}
	apiCall(t, srv, token, "POST", "/heartbeats", map[string]any{"name": "Nightly backup", "schedule": "every day"}, &hb, http.StatusCreated)
	if res, err := http.Get(hb["ping_url"].(string)); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("ping: %v %v", res, err)
	}
	var page map[string]any
	// Maintenance on the website now and a window tomorrow: the maintenance section, its
	// "in progress" tag and the "Under maintenance" state are measured too.
	for _, w := range []map[string]any{
		{"name": "Database upgrade", "description": "Read-only for a while.", "service_ids": []string{ids[0]},
			"starts_at": now.Add(-time.Hour).Format(time.RFC3339), "ends_at": now.Add(time.Hour).Format(time.RFC3339)},
		{"name": "Network work", "starts_at": now.Add(24 * time.Hour).Format(time.RFC3339), "ends_at": now.Add(25 * time.Hour).Format(time.RFC3339)},
	} {
		apiCall(t, srv, token, "POST", "/maintenance-windows", w, nil, http.StatusCreated)
	}
	apiCall(t, srv, token, "POST", "/status-pages", map[string]any{
		"name": "Acme", "subscriptions_enabled": true, "branding": map[string]any{"company_name": "Acme Inc", "primary_color": "#facc15"},
		"components": []map[string]any{
			{"name": "Website", "service_id": ids[0], "group": "Web"}, {"name": "API", "service_id": ids[1], "group": "Web"},
			{"name": "Nightly backup", "heartbeat_id": hb["id"], "group": "Jobs"}},
	}, &page, http.StatusCreated)
	comps := page["components"].([]any)
	apiCall(t, srv, token, "POST", fmt.Sprintf("/status-pages/%s/incidents", page["id"]), map[string]any{
		"title": "API errors", "status": "investigating", "severity": "major", "message": "We are looking into failing API calls.",
		"affected_component_ids": []any{comps[1].(map[string]any)["id"]}}, nil, http.StatusCreated)
	return page["slug"].(string), hb
}

// TestPublicStatusPageGlance: the public page says "Partial outage" when one of its
// components is down, shows the heartbeat with its state and bars, refreshes itself with
// a meta refresh, uses the brand colour on its header and links (darkened for text), keeps
// every text at WCAG AA contrast in the light and the dark palette (measured in Chromium),
// and shows 30 bars instead of 90 at phone width.
func TestPublicStatusPageGlance(t *testing.T) {
	// An SMTP host (never reached) so the page shows its subscribe form.
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) { c.SMTPHost = "127.0.0.1" }})
	slug, _ := publicPageFixture(t, srv)
	b := newBrowser(t, srv, 90*time.Second)

	b.run("light scheme", colourScheme("light"))
	b.open("/status/" + slug)
	b.waitText("Partial outage")
	for _, text := range []string{"Under maintenance", "in progress", "Network work", "Subscribe", "API errors"} {
		b.waitText(text)
	}
	if got := evalJS[string](b, `document.querySelector('meta[http-equiv="refresh"]').content`); got != "60" {
		t.Errorf("meta refresh = %q, want 60 (six lifetimes of the 10 s page cache)", got)
	}
	// The heartbeat is a component like the services: its state and its 90 daily bars.
	hbRow := `[...document.querySelectorAll('.component')].find((c) => c.querySelector('.name').textContent === 'Nightly backup')`
	if got := evalJS[string](b, hbRow+`.querySelector('.state').textContent`); got != "Operational" {
		t.Errorf("heartbeat state = %q", got)
	}
	if n := evalJS[int](b, hbRow+`.querySelectorAll('.bars li').length`); n != 90 {
		t.Errorf("heartbeat bars = %d, want 90", n)
	}
	if cls := evalJS[string](b, hbRow+`.querySelector('.bars li:last-child').className`); cls != "s-operational" {
		t.Errorf("heartbeat's bar today = %q", cls)
	}
	// The brand colour is the header band; links use it darkened to reach 4.5:1 on white.
	if got := evalJS[string](b, `getComputedStyle(document.querySelector('header.top')).backgroundColor`); got != "rgb(250, 204, 21)" {
		t.Errorf("header background = %s, want the brand colour", got)
	}
	link := evalJS[string](b, `getComputedStyle(document.querySelector('footer a')).color`)
	if link == "rgb(250, 204, 21)" || link == "rgb(37, 99, 235)" || link == "rgb(0, 0, 0)" {
		t.Errorf("footer link colour %s: want the brand colour darkened for text", link)
	}
	assertContrast(t, b, "light")
	b.screenshot("status-page-partial-outage-light")

	b.run("dark scheme", colourScheme("dark"))
	b.open("/status/" + slug)
	b.waitFor("the dark palette", `getComputedStyle(document.body).backgroundColor === 'rgb(15, 23, 42)'`, 5*time.Second)
	if dark := evalJS[string](b, `getComputedStyle(document.querySelector('footer a')).color`); dark == link {
		t.Errorf("dark link colour %s: want the brand colour lightened for the dark background", dark)
	}
	assertContrast(t, b, "dark")
	b.screenshot("status-page-dark")

	// Phone width: 30 bars per component, labelled "30 days ago", no horizontal scroll.
	b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, scheme := range []string{"light", "dark"} {
		b.run(scheme+" scheme", colourScheme(scheme))
		b.open("/status/" + slug)
		b.waitText("Partial outage")
		shown := evalJS[[]int](b, `[...document.querySelectorAll('ol.bars')].map((ol) => [...ol.children].filter((li) => li.getClientRects().length > 0).length)`)
		if len(shown) != 3 {
			t.Fatalf("%d bar rows, want 3", len(shown))
		}
		for i, n := range shown {
			if n != 30 {
				t.Errorf("%s: component %d shows %d bars at phone width, want 30", scheme, i, n)
			}
		}
		b.waitText("30 days ago")
		if evalJS[bool](b, `document.body.innerText.includes('90 days ago')`) {
			t.Errorf("phone width still says 90 days ago")
		}
		if !evalJS[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`) {
			t.Errorf("%s: horizontal scroll at phone width", scheme)
		}
		assertContrast(t, b, "phone "+scheme)
		b.screenshot("status-page-phone-" + scheme)
	}
}

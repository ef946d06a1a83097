package uitest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// ping sends a heartbeat's public ping (path "", "/start" or "/fail") with a body.
func ping(t *testing.T, srv *server, key, path, body string) {
	t.Helper()
	res, err := http.Post(srv.URL+"/api/v1/heartbeat/"+key+path, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ping %s%s: %d", key, path, res.StatusCode)
	}
}

// pageFocused makes the headless page behave as the focused window, as a user's is: without
// it Chromium moves focus without firing focus events.
func pageFocused() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
}

// TestDashboardHeartbeatRows: heartbeats are monitors on the dashboard too — a row each
// (problems first: the failed one leads), counted in a stat card, with a beat bar of their
// pings from the same one GET /beats as the services' bars; one never pinged says so. A
// maintenance card counts services in maintenance. At phone width a row is compact: name,
// status dot, beat bar and uptime.
func TestDashboardHeartbeatRows(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada", "ada@example.com", "correct horse battery")
	now := time.Now().UTC()
	for i, st := range []string{store.StatusGreen, store.StatusMaintenance} {
		s := &store.Service{Name: fmt.Sprintf("shop-%d", i), Endpoint: fmt.Sprintf("https://shop-%d.example.com/", i), CheckType: "HTTP",
			CheckIntervalSeconds: 86400, TimeoutSeconds: 10, DegradedThresholdMS: 1000, Status: st}
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
		if st == store.StatusGreen { // results would set the status: the other stays in maintenance
			recordBeats(t, srv, orgID, []string{s.ID}, now)
		}
	}
	var backup, report struct {
		ID        string `json:"id"`
		UniqueKey string `json:"unique_key"`
	}
	apiCall(t, srv, token, "POST", "/heartbeats", map[string]any{"name": "Nightly backup", "schedule": "every 1d"}, &backup, http.StatusCreated)
	apiCall(t, srv, token, "POST", "/heartbeats", map[string]any{"name": "Weekly report", "schedule": "every 7d"}, &report, http.StatusCreated)
	for _, p := range []string{"", "/start", "/fail"} {
		ping(t, srv, backup.UniqueKey, p, "disk full")
	}

	rec, proxy := newAPIRecorder(t, srv.URL)
	viaProxy := *srv
	viaProxy.URL = proxy.URL
	b := newBrowser(t, &viaProxy, 120*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/")
	b.waitFor("the heartbeat rows and their bars", `document.querySelectorAll('tr[data-heartbeat-id] .beat-bar').length === 2`, eventually)
	first := evalJS[string](b, `document.querySelector('table.services tbody tr').dataset.heartbeatId || ''`)
	if first != backup.ID {
		t.Errorf("first row %q; want the failed heartbeat %s (problems first)", first, backup.ID)
	}
	row := func(id string) string { return fmt.Sprintf(`document.querySelector('tr[data-heartbeat-id=%q]')`, id) }
	if got := evalJS[string](b, row(backup.ID)+`.querySelector('.beat-bar').dataset.beats + '|' + `+row(backup.ID)+`.querySelector('.badge').dataset.status`); got != "3|RED" {
		t.Errorf("failed heartbeat: beats|status %q; want 3|RED", got)
	}
	if got := evalJS[string](b, row(report.ID)+`.innerText`); !strings.Contains(got, "Waiting for first ping") || !strings.Contains(got, "every 7d") {
		t.Errorf("never pinged heartbeat row %q", got)
	}
	cards := evalJS[string](b, `[...document.querySelectorAll('[data-stat]')].map((c) => c.dataset.stat + '=' + c.querySelector('.stat').textContent + (c.querySelector('.small') ? ' (' + c.querySelector('.small').textContent + ')' : '')).join('; ')`)
	for _, want := range []string{"Heartbeats=2 (1 down, 0 late)", "Maintenance=1", "Services=2"} {
		if !strings.Contains(cards, want) {
			t.Errorf("stat cards %q lack %q", cards, want)
		}
	}
	// Its pings' tooltip: the newest, a failure that ran after a start, with its message.
	b.run("focus the page", pageFocused())
	b.run("focus the bar", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`tr[data-heartbeat-id=%q] .beat-bar`, backup.ID))))
	tip := b.waitFor("the ping's tooltip", `document.querySelector('.beat-tip')?.innerText`, eventually)
	if s, _ := tip.(string); !strings.Contains(s, "Failed") || !strings.Contains(s, "ran ") || !strings.Contains(s, "disk full") {
		t.Errorf("ping tooltip %q; want Failed, its run time and message", s)
	}
	oneBeatsRequestPerRefresh(t, rec) // services and heartbeats share it
	b.screenshot("dashboard-heartbeats")

	b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	compact := evalJS[string](b, `(() => { const tr = document.querySelector('table.services tbody tr');
		const shown = (sel) => getComputedStyle(tr.querySelector(sel)).display !== 'none';
		return [shown('.col-name'), shown('.col-status'), shown('.col-beats'), shown('.col-uptime24'), shown('td.col-more')].join(','); })()`)
	if compact != "true,true,true,true,false" {
		t.Errorf("phone row shows name,status,beats,uptime,more = %s; want only the first four", compact)
	}
	if w := evalJS[float64](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
		t.Errorf("the phone dashboard scrolls sideways by %v px", w)
	}
	b.screenshot("dashboard-phone")
}

package uitest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/monitor"
)

// unlabelledControls lists the inputs, selects and text areas with neither a <label> nor
// an aria-label.
const unlabelledControls = `[...document.querySelectorAll('main input, main select, main textarea')]
	.filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !(el.getAttribute('aria-label') || '').trim())
	.map((el) => el.outerHTML.slice(0, 120))`

// startAgent runs a real agent (the client `alertifypro agent` runs) in this process
// against srv with token, until the test ends.
func startAgent(t *testing.T, srv *server, token, name, version string) {
	t.Helper()
	var d net.Dialer
	env := &monitor.Env{Dial: d.DialContext, Now: time.Now, UserAgent: "AlertifyPro/" + version,
		ResolveIP: func(_ context.Context, host string) (netip.Addr, error) { return netip.ParseAddr(host) }}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := &agent.Client{ServerURL: srv.URL, Token: token, Name: name, Version: version,
		Executor: &agent.Executor{Env: env, Concurrency: 2, Logger: quiet}, Logger: quiet, FlushTimeout: 100 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestLocationsPage: an admin adds an organization location, makes a token and sees it
// once inside copyable docker and binary command lines that name the server's BASE_URL;
// an agent started with it shows up with its version, last seen and remote address;
// revoking the token disconnects it, and the location's offline alert is listed among the
// organization's alerts. The instance admin adds an instance location,
// which the owner of another organization sees read-only (no token or delete controls)
// beside their own. The page has labelled controls, and works in dark mode and at
// phone width.
func TestLocationsPage(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 120*time.Second)
	b.signUp("Grace Hopper", "grace@example.com", "correct horse battery")

	b.click("Locations")
	b.waitFor("the heading", `document.querySelector('main h1') && document.querySelector('main h1').textContent === 'Locations'`, 10*time.Second)
	b.waitText("Built-in (this server)")

	// A bad name: the 422 lands under the field.
	b.fill("name", "Home Lab!")
	b.click("Add location")
	b.waitFor("the name's error", `document.querySelector('.field.has-error [name="name"]') !== null`, 10*time.Second)
	b.fill("name", "home-lab")
	b.fill("display_name", "Home lab")
	b.click("Add location")
	b.waitFor("the new location", `document.querySelector('section[data-location="home-lab"]') !== null`, 10*time.Second)

	b.fill("token-name-home-lab", "pi")
	b.clickSel(`button[aria-label="Create a token for home-lab"]`)
	b.waitFor("the new token", `document.querySelector('[data-secret]') && document.querySelector('[data-secret]').textContent.startsWith('agt_')`, 10*time.Second)
	token := evalJS[string](b, `document.querySelector('[data-secret]').textContent`)
	docker := evalJS[string](b, `document.querySelector('pre[data-command="docker run"]').textContent`)
	binary := evalJS[string](b, `document.querySelector('pre[data-command="binary"]').textContent`)
	for _, want := range []string{"docker run", "-e AGENT_SERVER_URL=" + srv.URL + " ", "-e AGENT_TOKEN=" + token + " ", "alertifypro agent"} {
		if !strings.Contains(docker, want) {
			t.Errorf("docker line %q lacks %q", docker, want)
		}
	}
	if want := "AGENT_SERVER_URL=" + srv.URL + " AGENT_TOKEN=" + token + " alertifypro agent"; binary != want {
		t.Errorf("binary line %q, want %q", binary, want)
	}
	if n := evalJS[int](b, `document.querySelectorAll('button[aria-label^="Copy "]').length`); n < 3 {
		t.Errorf("%d copy buttons, want one for the token and each command line", n)
	}
	b.screenshot("token-created")

	startAgent(t, srv, token, "pi-agent", "9.9.9-uitest")
	b.waitFor("the agent's row", `(() => { const s = document.querySelector('section[data-location="home-lab"]'); const t = s && s.innerText;
		return t && t.includes('pi-agent') && t.includes('9.9.9-uitest') && t.includes('127.0.0.1') && t.includes('Connected')
			&& s.querySelector('.badge').dataset.status === 'online'; })()`, 15*time.Second)
	if got := evalJS[[]string](b, unlabelled); len(got) > 0 {
		t.Errorf("locations page: buttons or links without text or aria-label:\n%s", strings.Join(got, "\n"))
	}
	if got := evalJS[[]string](b, unlabelledControls); len(got) > 0 {
		t.Errorf("locations page: controls without a label:\n%s", strings.Join(got, "\n"))
	}
	b.screenshot("agent-connected")

	// Revoking the token disconnects its agent.
	b.clickSel(`button[aria-label="Revoke token pi of home-lab"]`)
	b.waitFor("the dialog", `document.querySelector('dialog[open]') !== null`, 5*time.Second)
	b.clickSel(`dialog[open] .btn-danger`)
	b.waitFor("the agent disconnected", `(() => { const s = document.querySelector('section[data-location="home-lab"]');
		return s && s.innerText.includes('Disconnected') && s.innerText.includes('No tokens.'); })()`, 15*time.Second)

	// Its location, left without an agent, raises a location.offline alert: e-mailed to the
	// admins (SPEC §8) and listed among the organization's alerts.
	b.click("Alerts")
	b.waitText("Location home-lab is offline", 30*time.Second)
	b.waitText("Probe location")
	b.click("Location home-lab is offline")
	b.waitFor("the alert's location link", `document.querySelector('a[href="/locations"]') && document.body.innerText.includes('Offline — see Locations')`, 10*time.Second)
	b.click("Locations")

	// The instance admin adds an instance location.
	b.fill("name", "eu-west")
	b.choose("scope", "instance")
	b.click("Add location")
	b.waitFor("the instance location", `(() => { const s = document.querySelector('section[data-location="eu-west"]');
		return s && s.innerText.includes('Instance: every organization') && s.querySelector('button[aria-label="Create a token for eu-west"]') !== null; })()`, 10*time.Second)

	// Dark mode and phone width.
	b.clickSel(`button[aria-label="Switch to dark mode"]`)
	b.waitFor("dark cards", `document.documentElement.dataset.theme === 'dark' &&
		getComputedStyle(document.querySelector('section.location')).backgroundColor !== 'rgb(255, 255, 255)'`, 5*time.Second)
	b.screenshot("locations-dark")
	b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/locations")
	b.waitFor("the page at phone width", `document.querySelector('section[data-location="eu-west"]') !== null &&
		document.documentElement.scrollWidth <= window.innerWidth`, 10*time.Second)
	b.screenshot("locations-phone")
	b.run("desktop viewport", chromedp.EmulateViewport(1280, 900))

	// Another organization's owner: the instance location read-only, Grace's not at all.
	b.open("/")
	b.click("Log out")
	b.signUp("Bob Builder", "bob@example.com", "correct horse battery")
	b.open("/locations")
	b.waitFor("the instance location, read-only", `(() => { const s = document.querySelector('section[data-location="eu-west"]');
		return s && s.innerText.includes('read-only') && s.querySelector('button') === null && s.querySelector('input') === null; })()`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('section[data-location="home-lab"]') !== null`) {
		t.Fatal("another organization's location is listed")
	}
	b.fill("name", "bob-lab")
	if evalJS[bool](b, `document.querySelector('[name="scope"]') !== null`) {
		t.Fatal("a non-instance-admin is offered instance locations")
	}
	b.click("Add location")
	b.waitFor("bob's own location with token controls", `document.querySelector('section[data-location="bob-lab"] button[aria-label="Create a token for bob-lab"]') !== null`, 10*time.Second)
	b.clickSel(`button[aria-label="Delete location bob-lab"]`)
	b.waitFor("the dialog", `document.querySelector('dialog[open]') !== null`, 5*time.Second)
	b.clickSel(`dialog[open] .btn-danger`)
	b.waitFor("bob-lab gone", `document.querySelector('section[data-location="bob-lab"]') === null`, 10*time.Second)
}

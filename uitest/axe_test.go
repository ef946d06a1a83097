package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// axeVariant is one way a visitor sees the pages: a colour scheme at a width.
type axeVariant struct {
	name, scheme  string
	width, height int64
	mobile        bool
}

var axeVariants = []axeVariant{
	{"desktop-light", "light", 1280, 900, false},
	{"desktop-dark", "dark", 1280, 900, false},
	{"phone-light", "light", 390, 844, true},
	{"phone-dark", "dark", 390, 844, true},
}

// axeVisit is one page to audit and the JS expression that says it has rendered its data.
type axeVisit struct {
	name, path, ready string
	// skip names axe rules not run on this page, each for a reason written where it is set.
	skip []string
}

// appReady: the app has drawn a page heading and nothing is still loading.
const appReady = `document.querySelector('main h1, .auth h1') !== null && document.querySelector('.loading') === null &&
	!/Loading[^\n]*…/.test(document.body.innerText)`

// TestAxeEveryPage runs axe-core (vendored in testdata/axe, never in the UI payload) on
// every route of the admin UI with realistic data, on the public status page and on the
// login, sign-up, invitation and first-run pages — in light and dark, at desktop and phone
// width — and fails on any violation of impact serious or critical, naming the rule, the
// impact, the page and the elements.
func TestAxeEveryPage(t *testing.T) {
	axeSource, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) { c.SMTPHost = "127.0.0.1" }})
	b := newBrowser(t, srv, 8*time.Minute)
	// Every document the tab loads gets axe before its own scripts: no reload, no CSP change.
	b.run("inject axe", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: string(axeSource)})
		return err
	}))

	// The first-run welcome exists only on an empty instance: audit it before any account.
	for _, v := range axeVariants {
		b.setVariant(v)
		b.audit(v, axeVisit{name: "first-run", path: "/signup", ready: `document.querySelector('[data-welcome]') !== null`})
	}

	fx := seedAxeFixture(t, srv)
	routes := routePaths(t)
	for _, v := range axeVariants {
		b.setVariant(v)
		evalJS[bool](b, `localStorage.removeItem('alertifypro.token'); true`)
		for _, r := range routes {
			if r.public {
				b.audit(v, axeVisit{name: "public" + r.path, path: fx.resolve(t, r.path), ready: appReady})
			}
		}
		// The public page reloads itself with a meta refresh (SPEC §7: it works without
		// script). WCAG 2.2.1 allows a time limit the user can turn off, and the page links
		// to ?refresh=off, the same page without it — a link axe's meta-refresh rule cannot
		// see, so that one rule is not run on the refreshing page; the still page is
		// audited with every rule.
		b.audit(v, axeVisit{name: "status-page", path: "/status/" + fx.statusSlug,
			ready: `document.querySelector('.component') !== null && document.querySelector('a[href$="?refresh=off"]') !== null`, skip: []string{"meta-refresh"}})
		b.audit(v, axeVisit{name: "status-page-still", path: "/status/" + fx.statusSlug + "?refresh=off",
			ready: `document.querySelector('.component') !== null`})
		b.signInAs(fx.token, fx.orgSlug)
		for _, r := range routes {
			if !r.public {
				b.audit(v, axeVisit{name: "app" + r.path, path: fx.resolve(t, r.path), ready: appReady})
			}
		}
	}
}

// setVariant applies a variant's width and colour scheme; the app follows the scheme
// through its System theme, the status page through prefers-color-scheme.
func (b *browser) setVariant(v axeVariant) {
	b.t.Helper()
	if v.mobile {
		b.run(v.name, chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateMobile))
	} else {
		b.run(v.name, chromedp.EmulateViewport(v.width, v.height))
	}
	b.run(v.name, colourScheme(v.scheme))
}

// axeViolation is the part of an axe result the report needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// audit opens one page, waits until it has rendered, runs axe and reports every serious
// or critical violation; light pages are also saved as screenshots.
func (b *browser) audit(v axeVariant, visit axeVisit) {
	b.t.Helper()
	b.open(visit.path)
	b.waitFor(visit.name+" rendered", visit.ready, 15*time.Second)
	b.waitFor("a settled frame", `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, 5*time.Second)
	rules := map[string]any{}
	for _, id := range visit.skip {
		rules[id] = map[string]bool{"enabled": false}
	}
	opts, _ := json.Marshal(map[string]any{"resultTypes": []string{"violations"}, "rules": rules})
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, `+string(opts)+`)
		.then((r) => JSON.stringify(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.failShot()
		b.t.Fatalf("axe on %s (%s): %v", visit.path, v.name, err)
	}
	var found []axeViolation
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		b.t.Fatalf("axe answer on %s: %v", visit.path, err)
	}
	for _, f := range found {
		var where []string
		for _, n := range f.Nodes {
			summary := strings.ReplaceAll(n.Summary, "\n", " ")
			if len(summary) > 160 {
				summary = summary[:160]
			}
			where = append(where, fmt.Sprintf("%v (%s)", n.Target, summary))
		}
		b.t.Errorf("axe %s [%s] on %s (%s): %s — %s", f.ID, f.Impact, visit.path, v.name, f.Help, strings.Join(where, ", "))
	}
	if v.scheme == "light" || len(found) > 0 {
		b.screenshot(v.name + "-" + visit.name)
	}
}

// axeRoute is one line of embed/dist/app/routes.js.
type axeRoute struct {
	path   string
	public bool
}

var routeLine = regexp.MustCompile(`\{ path: '([^']+)'[^}]*?(public: true)?\s*\}`)

// routePaths reads THE route list of the app, so a page added there is audited too.
func routePaths(t *testing.T) []axeRoute {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "embed", "dist", "app", "routes.js"))
	if err != nil {
		t.Fatal(err)
	}
	var out []axeRoute
	for _, m := range routeLine.FindAllStringSubmatch(string(src), -1) {
		out = append(out, axeRoute{path: m[1], public: m[2] != ""})
	}
	if len(out) < 30 {
		t.Fatalf("only %d routes read from routes.js", len(out))
	}
	return out
}

// axeFixture is an organization with one object of every kind a detail route shows.
type axeFixture struct {
	token, orgSlug, statusSlug, invitation string
	ids                                    map[string]string // first path segment → an object's ID
}

// resolve fills a route's :id with the fixture's object of that kind, and gives the
// invitation pages their token.
func (fx *axeFixture) resolve(t *testing.T, path string) string {
	t.Helper()
	if strings.HasPrefix(path, "/invit") {
		return path + "?token=" + fx.invitation
	}
	if !strings.Contains(path, ":id") {
		return path
	}
	kind := strings.Split(path, "/")[1]
	id, ok := fx.ids[kind]
	if !ok {
		t.Fatalf("route %s: the accessibility audit has no %s to show; add one to seedAxeFixture", path, kind)
	}
	return strings.Replace(path, ":id", id, 1)
}

// seedAxeFixture builds on the public-page fixture (services up and down, a heartbeat,
// maintenance, a status page with an incident) and adds a channel, a rule, an open alert,
// a team and a pending invitation.
func seedAxeFixture(t *testing.T, srv *server) *axeFixture {
	t.Helper()
	slug, hb := publicPageFixture(t, srv)
	fx := &axeFixture{statusSlug: slug, ids: map[string]string{"heartbeats": hb["id"].(string)}}
	var login struct {
		Token string `json:"token"`
	}
	apiCall(t, srv, "", "POST", "/auth/login", map[string]any{"email": "pat@example.com", "password": "correct horse battery"}, &login, http.StatusOK)
	fx.token = login.Token
	user, err := srv.DB.UserByEmail("pat@example.com")
	if err != nil {
		t.Fatal(err)
	}
	orgID := orgOf(t, srv, "pat@example.com")
	org, err := srv.DB.Organization(orgID)
	if err != nil {
		t.Fatal(err)
	}
	fx.orgSlug = org.Slug
	q := "?org=" + org.Slug

	services := apiJSONList(t, srv, fx.token, "/services"+q)
	fx.ids["services"] = services[0]["id"].(string)
	pages := apiJSONList(t, srv, fx.token, "/status-pages"+q)
	fx.ids["status-pages"] = pages[0]["id"].(string)
	// A secret the channel uses and one nothing uses: Settings → Secrets lists both kinds.
	apiJSON(t, srv, fx.token, "POST", "/secrets"+q, map[string]any{"name": "OPS_HOOK_TOKEN", "value": "axe-value"}, http.StatusCreated)
	apiJSON(t, srv, fx.token, "POST", "/secrets"+q, map[string]any{"name": "SPARE_TOKEN", "value": "axe-value"}, http.StatusCreated)
	fx.ids["channels"] = apiJSON(t, srv, fx.token, "POST", "/notification-channels"+q, map[string]any{"name": "Ops hook", "type": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:9/hook", "headers": map[string]any{"Authorization": "Bearer {{secrets.OPS_HOOK_TOKEN}}"}}},
		http.StatusCreated)["id"].(string)
	fx.ids["rules"] = apiJSON(t, srv, fx.token, "POST", "/alert-rules"+q, map[string]any{"name": "API down",
		"service_id": fx.ids["services"], "severity": "critical"}, http.StatusCreated)["id"].(string)
	fx.ids["teams"] = apiJSON(t, srv, fx.token, "POST", "/teams"+q, map[string]any{"name": "Platform"}, http.StatusCreated)["id"].(string)
	// The audit log shows its streaming destinations: one, so their table is audited too.
	apiJSON(t, srv, fx.token, "POST", "/audit-streams"+q, map[string]any{"name": "SIEM", "type": "splunk_hec",
		"url": "http://127.0.0.1:9/services/collector/event", "config": map[string]any{"token": "hec-token"}}, http.StatusCreated)
	fx.ids["schedules"] = apiJSON(t, srv, fx.token, "POST", "/on-call-schedules"+q, map[string]any{"name": "Primary", "timezone": "Europe/Berlin",
		"layers": []any{map[string]any{"name": "Layer 1", "rotation": "weekly", "handoff_time": "09:00", "handoff_day": "monday",
			"starts_at": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "users": []string{user.ID}}}}, http.StatusCreated)["id"].(string)
	al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: fx.ids["services"], ServiceName: services[0]["name"].(string),
		Severity: "critical", Title: "API is down", Message: "connection refused", FiredAt: time.Now().Add(-time.Minute)}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}
	fx.ids["alerts"] = al.ID
	fx.invitation, err = crypto.RandomToken("inv_", 32)
	if err != nil {
		t.Fatal(err)
	}
	inv := &store.Invitation{Email: "bob@example.com", Role: "responder", InvitedBy: user.ID, Digest: crypto.Digest(fx.invitation),
		ExpiresAt: time.Now().Add(24 * time.Hour)}
	if err := srv.DB.CreateInvitation(orgID, inv, nil); err != nil {
		t.Fatal(err)
	}
	return fx
}

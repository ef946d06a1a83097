package uitest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// germanBrowser is a Chromium whose language is German (its --lang and Accept-Language
// flags), as a browser set up in Germany is, and which records every message the UI
// asked for without finding it (i18n.js warns "i18n: missing message <key>").
func germanBrowser(t *testing.T, srv *server) *browser {
	t.Helper()
	b := newBrowser(t, srv, 120*time.Second, chromedp.Flag("lang", "de-DE"), chromedp.Flag("accept-lang", "de-DE,de"))
	b.run("record missing messages", chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__missing = [];
			const warn = console.warn.bind(console);
			console.warn = (...args) => { if (args[0] === 'i18n: missing message') window.__missing.push(String(args[1])); warn(...args); };`})
		return err
	}))
	b.open("/login")
	if langs := evalJS[string](b, `(navigator.languages || [navigator.language]).join(',')`); !strings.HasPrefix(langs, "de") {
		t.Fatalf("the browser's languages are %q, not German: the test cannot stand for a German browser", langs)
	}
	return b
}

// TestLanguageFollowsTheBrowserAndThePicker: a German browser gets the UI in German with
// nothing chosen (the login page and the dashboard); the picker switches to French, which
// a reload keeps; Spanish and English follow. A screenshot per language.
func TestLanguageFollowsTheBrowserAndThePicker(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, slug := registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	b := germanBrowser(t, srv)

	b.waitFor("the German login page", `document.documentElement.lang === 'de' && document.querySelector('h1')?.textContent === 'Anmelden' &&
		document.querySelector('label[for="auth-language"]') !== null && document.querySelector('#auth-language').value === 'de'`, 10*time.Second)
	b.waitText("Passwort")
	b.screenshot("login-de")

	b.signInAs(token, slug)
	b.open("/")
	b.waitFor("the German dashboard", `document.documentElement.lang === 'de' && document.querySelector('main h1')?.textContent === 'Dashboard' &&
		document.querySelector('nav a[href="/alerts"]')?.textContent.startsWith('Alarme') &&
		document.body.textContent.includes('Fügen Sie Ihren ersten Dienst hinzu') && document.querySelector('#language-picker').value === 'de'`, 10*time.Second)
	b.screenshot("dashboard-de")

	// The picker in the sidebar: French, then a reload keeps it.
	pick := func(lang string) {
		t.Helper()
		evalJS[bool](b, `(() => { const s = document.querySelector('#language-picker'); s.value = `+jsString(lang)+`;
			s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	}
	pick("fr")
	b.waitFor("the French dashboard", `document.documentElement.lang === 'fr' && document.querySelector('main h1')?.textContent === 'Tableau de bord'`, 10*time.Second)
	b.open("/")
	b.waitFor("French after a reload", `document.documentElement.lang === 'fr' && document.querySelector('main h1')?.textContent === 'Tableau de bord' &&
		document.body.textContent.includes('Ajoutez votre premier service') && document.querySelector('#language-picker').value === 'fr'`, 10*time.Second)
	b.screenshot("dashboard-fr")

	pick("es")
	b.waitFor("the Spanish dashboard", `document.documentElement.lang === 'es' && document.querySelector('main h1')?.textContent === 'Panel' &&
		document.body.textContent.includes('Añada su primer servicio')`, 10*time.Second)
	b.screenshot("dashboard-es")

	pick("en")
	b.waitFor("the English dashboard", `document.documentElement.lang === 'en' && document.body.textContent.includes('Add your first service')`, 10*time.Second)
	b.screenshot("dashboard-en")

	// The choice outlives the session: the login page after logging out stays English
	// although the browser asks for German.
	b.click("Log out")
	b.waitFor("the English login page", `document.documentElement.lang === 'en' && document.querySelector('h1')?.textContent === 'Log in'`, 10*time.Second)
	if missing := evalJS[string](b, `window.__missing.join(', ')`); missing != "" {
		t.Errorf("messages missing from the catalogue: %s", missing)
	}
}

// TestNoRawKeysInGerman opens every page of the shell, the dashboard, heartbeats, teams,
// members, API keys, audit log, settings, configuration, administration, profile and the
// public pages in German, with data on them, and fails on any text that is a catalogue
// key, or any message the UI asked for and the catalogue lacked.
func TestNoRawKeysInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, slug := registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	svc := &store.Service{Name: "Billing API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	hb := apiJSON(t, srv, token, "POST", "/heartbeats", map[string]any{"name": "Nightly backup", "schedule": "every 90m"}, http.StatusCreated)
	team := apiJSON(t, srv, token, "POST", "/teams", map[string]any{"name": "Platform", "description": "On call"}, http.StatusCreated)
	apiJSON(t, srv, token, "POST", "/members", map[string]any{"email": "bob@example.com", "role": "responder"}, http.StatusCreated)
	apiJSON(t, srv, token, "POST", "/api-keys", map[string]any{"name": "CI deploys", "role": "member"}, http.StatusCreated)

	b := germanBrowser(t, srv)
	check := func(path, ready string) {
		t.Helper()
		b.open(path)
		b.waitFor(path+" in German", `document.documentElement.lang === 'de' && (`+ready+`)`, 15*time.Second)
		if keys := evalJS[string](b, rawKeys()); keys != "" {
			b.screenshot("raw-keys" + path)
			t.Errorf("%s shows raw keys: %s", path, keys)
		}
		if missing := evalJS[string](b, `window.__missing.join(', ')`); missing != "" {
			t.Errorf("%s asked for messages the catalogue lacks: %s", path, missing)
		}
	}
	check("/login", `document.querySelector('h1')?.textContent === 'Anmelden'`)
	check("/signup", `document.querySelector('h1')?.textContent === 'Konto erstellen'`)
	check("/invitations/accept", `document.body.textContent.includes('kein Einladungstoken')`)
	b.screenshot("signup-de")

	b.signInAs(token, slug)
	check("/", `document.querySelector('tr[data-service-id] .beat-bar') !== null && document.querySelector('tr[data-heartbeat-id]') !== null &&
		document.body.textContent.includes('Letzte Prüfung')`)
	b.screenshot("dashboard-de")
	check("/heartbeats", `document.querySelector('main tbody tr') !== null && document.body.textContent.includes('Zeitplan')`)
	check("/heartbeats/new", `document.querySelector('[name="schedule"]') !== null`)
	check("/heartbeats/"+hb["id"].(string), `document.body.textContent.includes('Ping-URL') && document.body.textContent.includes('Warten auf den ersten Ping')`)
	b.screenshot("heartbeat-de")
	check("/heartbeats/"+hb["id"].(string)+"/edit", `document.querySelector('[name="schedule"]')?.value === 'every 90m'`)
	check("/teams", `document.querySelector('main tbody tr') !== null && document.body.textContent.includes('Team erstellen')`)
	check("/teams/"+team["id"].(string), `document.querySelector('main h1')?.textContent === 'Platform' && document.body.textContent.includes('Mitglied hinzufügen')`)
	check("/members", `document.querySelector('main tbody tr') !== null && document.body.textContent.includes('Ausstehende Einladungen') &&
		document.body.textContent.includes('bob@example.com')`)
	check("/api-keys", `document.body.textContent.includes('CI deploys') && document.body.textContent.includes('Zuletzt verwendet')`)
	check("/audit-log", `document.querySelector('main tbody tr') !== null`)
	check("/settings", `document.body.textContent.includes('Standard-Alarmregel')`)
	check("/configuration", `document.body.textContent.includes('Probelauf')`)
	check("/admin", `document.body.textContent.includes('Datenbankdatei') && document.querySelector('[data-cluster-panel]') !== null`)
	check("/profile", `document.body.textContent.includes('Zwei-Faktor-Anmeldung') && document.body.textContent.includes('Passkeys')`)
	b.screenshot("profile-de")
	check("/no/such/page", `document.body.textContent.includes('Seite nicht gefunden')`)
}

// TestRoleAwareDashboardHeartbeatsTeams: a viewer's dashboard offers no "Add a service"
// and no bulk selection, the heartbeat pages no add, pause, edit or delete, and the teams
// no create form, edit, delete or member changes — each page saying why; a member may
// manage heartbeats but still not teams (the admin's, SPEC §2.1).
func TestRoleAwareDashboardHeartbeatsTeams(t *testing.T) {
	srv := startServer(t, serverOptions{})
	ownerTok, orgID, slug := registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	svc := &store.Service{Name: "Billing API", CheckType: "HTTP", Endpoint: "http://127.0.0.1:9/", CheckIntervalSeconds: 60, TimeoutSeconds: 5}
	if err := srv.DB.CreateService(orgID, svc, nil); err != nil {
		t.Fatal(err)
	}
	hb := apiJSON(t, srv, ownerTok, "POST", "/heartbeats?org="+slug, map[string]any{"name": "Nightly backup", "schedule": "every 1d"}, http.StatusCreated)
	team := apiJSON(t, srv, ownerTok, "POST", "/teams?org="+slug, map[string]any{"name": "Platform"}, http.StatusCreated)
	member := func(name, email, role string) string {
		tok, _, _ := registerViaAPI(t, srv, name, email, "correct horse battery")
		u, err := srv.DB.UserByEmail(email)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.DB.AddMember(orgID, &store.Membership{UserID: u.ID, Role: role}, nil); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	viewerTok := member("Vic Viewer", "vic@example.com", "viewer")
	memberTok := member("Mel Member", "mel@example.com", "member")

	b := newBrowser(t, srv, 120*time.Second)
	shows := func(label string) bool {
		return evalJS[bool](b, `[...document.querySelectorAll('main button, main a')].some((e) => e.textContent.trim() === `+jsString(label)+`)`)
	}
	type page struct {
		path, ready, note string
		hidden            []string
	}
	visit := func(who string, p page) {
		t.Helper()
		b.open(p.path)
		b.waitFor(who+" "+p.path, p.ready, 10*time.Second)
		b.waitFor(who+" "+p.path+": the role note", `document.querySelector('[data-role-note]')?.innerText.includes(`+jsString(p.note)+`)`, 5*time.Second)
		for _, label := range p.hidden {
			if shows(label) {
				t.Errorf("%s: %s sees %q", p.path, who, label)
			}
		}
	}
	hbPath, teamPath := "/heartbeats/"+hb["id"].(string), "/teams/"+team["id"].(string)

	b.signInAs(viewerTok, slug)
	for _, p := range []page{
		{"/", `document.querySelector('tr[data-service-id]') !== null`, "adding, pausing and resuming services needs the Member role", []string{"Add a service", "Pause", "Resume"}},
		{"/heartbeats", `document.querySelector('main tbody tr') !== null`, "needs the Member role", []string{"Add a heartbeat"}},
		{hbPath, `document.body.textContent.includes('Ping URL')`, "needs the Member role", []string{"Pause", "Edit", "Delete"}},
		{hbPath + "/edit", `document.querySelector('main h1') !== null`, "needs the Member role", []string{"Save changes"}},
		{"/teams", `document.querySelector('main tbody tr') !== null`, "creating, editing and deleting teams needs the Admin role", []string{"Create team"}},
		{teamPath, `document.querySelector('main h1')?.textContent === 'Platform'`, "needs the Admin role", []string{"Edit team", "Delete team", "Add to team", "Remove"}},
	} {
		visit("a viewer", p)
	}
	b.open("/")
	b.waitFor("the viewer's dashboard", `document.querySelector('tr[data-service-id]') !== null`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('main input[type="checkbox"]') !== null`) {
		t.Error("a viewer's dashboard offers bulk selection")
	}
	b.screenshot("viewer-dashboard")

	// A member manages heartbeats and pauses services, but not teams.
	b.signInAs(memberTok, slug)
	b.open("/")
	b.waitFor("the member's dashboard", `document.querySelector('tr[data-service-id] input[type="checkbox"]') !== null &&
		[...document.querySelectorAll('main a')].some((a) => a.textContent.startsWith('Add a service')) && document.querySelector('[data-role-note]') === null`, 10*time.Second)
	b.open(hbPath)
	b.waitFor("the member's heartbeat actions", `['Pause', 'Edit', 'Delete'].every((l) => [...document.querySelectorAll('main button, main a')].some((e) => e.textContent.trim() === l))`, 10*time.Second)
	visit("a member", page{teamPath, `document.querySelector('main h1')?.textContent === 'Platform'`, "needs the Admin role", []string{"Edit team", "Delete team", "Add to team"}})
	b.screenshot("member-team")
}

package uitest

import (
	"net/http"
	"testing"
	"time"
)

// TestStatusPageInGerman: the editor's language select saves the page's language, and the
// public page then renders in German — lang="de", the banner, sections, component states,
// "vor 90 Tagen", German dates — still at WCAG AA contrast; the language is what the API
// then reports.
func TestStatusPageInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{})
	slug, _ := publicPageFixture(t, srv)
	var login struct {
		Token string `json:"token"`
	}
	apiCall(t, srv, "", "POST", "/auth/login", map[string]any{"email": "pat@example.com", "password": "correct horse battery"}, &login, http.StatusOK)
	pages := apiJSONList(t, srv, login.Token, "/status-pages")
	id := pages[0]["id"].(string)

	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(login.Token, "")
	b.open("/status-pages/" + id + "/edit")
	b.choose("language", "de")
	b.clickSel("main form .form-actions button[type=submit]")
	b.waitFor("the page saved", `location.pathname === '/status-pages/`+id+`'`, 10*time.Second)
	if got := apiJSON(t, srv, login.Token, "GET", "/status-pages/"+id, nil, http.StatusOK)["language"]; got != "de" {
		t.Fatalf("language after saving = %v, want de", got)
	}

	b.run("light scheme", colourScheme("light"))
	b.open("/status/" + slug)
	b.waitText("Teilweiser Ausfall")
	for _, text := range []string{"Komponenten", "Aktuelle Vorfälle", "Geplante Wartung", "läuft", "Betriebsbereit", "vor 90 Tagen", "Heute", "Betrieben mit AlertifyPro"} {
		b.waitText(text)
	}
	if lang := evalJS[string](b, `document.documentElement.lang`); lang != "de" {
		t.Errorf("<html lang> = %q, want de", lang)
	}
	if !evalJS[bool](b, `/Aktualisiert \d\d\.\d\d\.\d{4}, \d\d:\d\d UTC/.test(document.body.innerText)`) {
		t.Errorf("no German date in %q", evalJS[string](b, `document.querySelector('.banner').innerText`))
	}
	if evalJS[bool](b, `/Components|Partial outage|days ago|Powered by/.test(document.body.innerText)`) {
		t.Errorf("English left on the German page:\n%s", evalJS[string](b, `document.body.innerText`))
	}
	assertContrast(t, b, "german")
	b.screenshot("status-page-german")
}

package uitest

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/config"
)

// TestEmailTemplateEditorAndSubscriberImport: the status page's e-mail template editor
// shows the API's rendering of the unsaved form as the member types, places a template
// error (with its line and column) under its field, and saves; the subscribers' import
// dialog uploads a CSV, reports what was imported and the skipped lines, and lists the
// lines of a refused file.
func TestEmailTemplateEditorAndSubscriberImport(t *testing.T) {
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) { c.SMTPHost = "127.0.0.1" }})
	publicPageFixture(t, srv)
	var login struct {
		Token string `json:"token"`
	}
	apiCall(t, srv, "", "POST", "/auth/login", map[string]any{"email": "pat@example.com", "password": "correct horse battery"}, &login, http.StatusOK)
	page := apiJSONList(t, srv, login.Token, "/status-pages")[0]
	id, name := page["id"].(string), page["name"].(string)

	b := newBrowser(t, srv, 90*time.Second)
	b.signInAs(login.Token, "")
	b.open("/status-pages/" + id)
	b.click("Email template")
	b.waitFor("the default subject in the preview", `(document.querySelector('[data-preview-subject]') || {}).textContent === "We're investigating an issue — `+name+`"`, 10*time.Second)
	// The message's own colours show although the app's CSP ignores style attributes.
	b.waitFor("the brand band coloured", `(() => { const f = document.querySelector('.mail-frame'); const d = f && f.contentDocument;
		const band = d && d.querySelector('body > div > div'); return band && getComputedStyle(band).backgroundColor !== 'rgba(0, 0, 0, 0)'; })()`, 10*time.Second)
	b.fill("subject", "Heads up: {{incident.title | upper}} on {{page.name}}")
	b.waitFor("the typed subject in the preview", `(document.querySelector('[data-preview-subject]') || {}).textContent === "Heads up: ELEVATED ERROR RATES ON THE API on `+name+`"`, 10*time.Second)
	b.fill("body", "<p>Hello</p>\n<p>{{incident.titel}}</p>")
	b.waitText(`line 2, column 6: unknown variable "incident.titel"`)
	if !evalJS[bool](b, `document.querySelector('[name=body]').getAttribute('aria-invalid') === 'true'`) {
		t.Errorf("the body field is not marked invalid")
	}
	b.fill("body", "<p>Hello {{incident.title}}</p>")
	b.waitFor("the error gone", `!document.body.innerText.includes('incident.titel')`, 10*time.Second)
	b.click("Save template")
	b.waitText("Email template saved")
	got := apiJSON(t, srv, login.Token, "GET", "/status-pages/"+id+"/email-template", nil, http.StatusOK)
	if got["customized"] != true || got["subject"] != "Heads up: {{incident.title | upper}} on {{page.name}}" || got["body"] != "<p>Hello {{incident.title}}</p>" {
		t.Fatalf("saved template: %v", got)
	}
	b.screenshot("email-template-editor")

	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.csv"), filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("email,name\nann@example.com,Ann\nbob@example.com,Bob\nann@example.com,Ann twice\n"), 0o600)
	os.WriteFile(bad, []byte("carl@example.com\nnot an address\n"), 0o600)
	b.open("/status-pages/" + id)
	b.click("Import from CSV…")
	b.run("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#sub-import-file`), []string{good}))
	b.clickSel("#sub-import-consent")
	b.click("Import")
	b.waitText("2 subscribers imported.")
	b.waitText("They are confirmed; no confirmation e-mail was sent.")
	b.waitText("Repeats an earlier line")
	b.screenshot("subscriber-import-result")
	b.run("choose the bad file", chromedp.SetUploadFiles(chromedp.CSS(`#sub-import-file`), []string{bad}))
	b.click("Import")
	b.waitText("Rows to correct")
	b.waitText(`e-mail address must be a valid e-mail address ("not an address")`)
	b.clickSel(`dialog[open] .dialog-actions .btn-secondary`)
	b.waitText("bob@example.com")
	subs := apiJSONList(t, srv, login.Token, "/status-pages/"+id+"/subscribers")
	if len(subs) != 2 || subs[0]["status"] != "confirmed" || subs[0]["name"] != "Ann" {
		t.Fatalf("subscribers after the import: %v", subs)
	}
}

// TestEmailTemplateAndImportInGerman: the template editor (with its preview) and the import
// dialog with an answer, in German, show no catalogue key and ask for no missing message.
func TestEmailTemplateAndImportInGerman(t *testing.T) {
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) { c.SMTPHost = "127.0.0.1" }})
	publicPageFixture(t, srv)
	var login struct {
		Token string `json:"token"`
	}
	apiCall(t, srv, "", "POST", "/auth/login", map[string]any{"email": "pat@example.com", "password": "correct horse battery"}, &login, http.StatusOK)
	id := apiJSONList(t, srv, login.Token, "/status-pages")[0]["id"].(string)
	csv := filepath.Join(t.TempDir(), "abonnenten.csv")
	os.WriteFile(csv, []byte("ann@example.com\nbob@example.com\nann@example.com\n"), 0o600)

	b := germanBrowser(t, srv)
	b.signInAs(login.Token, "")
	check := func(what, ready string) {
		t.Helper()
		b.waitFor(what+" in German", `document.documentElement.lang === 'de' && (`+ready+`)`, 15*time.Second)
		if keys := evalJS[string](b, rawKeys()); keys != "" {
			t.Errorf("%s shows raw keys: %s", what, keys)
		}
		if missing := evalJS[string](b, `window.__missing.join(', ')`); missing != "" {
			t.Errorf("%s asked for messages the catalogue lacks: %s", what, missing)
		}
	}
	b.open("/status-pages/" + id + "/email-template")
	check("the template editor", `document.body.innerText.includes('Betreffzeilen') && document.querySelector('[data-preview-subject]') !== null`)
	b.open("/status-pages/" + id)
	b.click("Aus CSV importieren …")
	b.run("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#sub-import-file`), []string{csv}))
	b.click("Importieren")
	check("the import dialog", `document.body.innerText.includes('2 Abonnenten importiert.') && document.body.innerText.includes('2 Bestätigungs-E-Mails sind unterwegs.') &&
		document.body.innerText.includes('Wiederholt eine frühere Zeile')`)
	b.screenshot("subscriber-import-de")
}

package api

import (
	"encoding/json"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	assets "github.com/alertifypro/alertifypro/embed"
	"github.com/alertifypro/alertifypro/store"
)

// TestStatusPageLanguageField: a page is English unless told otherwise; en, de, fr and es
// are accepted (any case), anything else is a 422 on "language" that changes nothing;
// the export carries the language and importing it back is "unchanged", while a
// document in another language updates the page.
func TestStatusPageLanguageField(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	path := "/api/v1/status-pages/" + s.pageID
	if v := decode[statusPageView](t, e.do("GET", path, s.f.memberTok, nil)); v.Language != "en" {
		t.Fatalf("default language = %q, want en", v.Language)
	}
	rec := e.do("PUT", path, s.f.memberTok, map[string]any{"language": "DE"})
	if rec.Code != http.StatusOK || decode[statusPageView](t, rec).Language != "de" {
		t.Fatalf("set de: %d %s", rec.Code, rec.Body.String())
	}
	for _, bad := range []any{"xx", "", "de-DE", 7} {
		rec := e.do("PUT", path, s.f.memberTok, map[string]any{"language": bad, "name": "Renamed"})
		if rec.Code != http.StatusUnprocessableEntity && !(rec.Code == http.StatusBadRequest && bad == 7) {
			t.Fatalf("language %v: %d %s", bad, rec.Code, rec.Body.String())
		}
		if bad != 7 {
			body := decode[map[string]any](t, rec)
			if fields, _ := body["fields"].(map[string]any); body["error"] != "validation_failed" || fields["language"] == nil {
				t.Fatalf("language %v: %s", bad, rec.Body.String())
			}
		}
	}
	if v := decode[statusPageView](t, e.do("GET", path, s.f.memberTok, nil)); v.Language != "de" || v.Name != "Acme Status" {
		t.Fatalf("after refused updates: %q %q", v.Language, v.Name)
	}
	doc := e.exportJSON(s.f.owner.Token)
	page := doc["status_pages"].([]any)[0].(map[string]any)
	if page["language"] != "de" {
		t.Fatalf("exported language = %v", page["language"])
	}
	raw, _ := json.Marshal(doc)
	if res := e.importDoc(s.f.owner.Token, "", "application/json", string(raw), http.StatusOK); len(res.Changes) != 0 || res.Unchanged == 0 {
		t.Fatalf("re-import: %+v", res)
	}
	page["language"] = "fr"
	raw, _ = json.Marshal(doc)
	e.importDoc(s.f.owner.Token, "", "application/json", string(raw), http.StatusOK)
	if v := decode[statusPageView](t, e.do("GET", path, s.f.memberTok, nil)); v.Language != "fr" {
		t.Fatalf("imported language = %q, want fr", v.Language)
	}
	page["language"] = "klingon"
	raw, _ = json.Marshal(doc)
	rec = e.doConfig("POST", "/api/v1/import", s.f.owner.Token, "application/json", "", string(raw))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "status_pages[0].language") {
		t.Fatalf("import of an unknown language: %d %s", rec.Code, rec.Body.String())
	}
}

// TestPublicStatusPageInGerman: the server-rendered page of a German page says lang="de"
// and has every word from the German catalogue — the banner, sections, component states,
// incident tags, bar labels — with German dates and decimal commas; no English is left.
func TestPublicStatusPageInGerman(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	if rec := e.do("PUT", "/api/v1/status-pages/"+s.pageID, s.f.memberTok, map[string]any{"language": "de"}); rec.Code != http.StatusOK {
		t.Fatalf("set de: %d %s", rec.Code, rec.Body.String())
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, httptest.NewRequest("GET", "/status/"+s.slug, nil))
	body := rec.Body.String()
	for _, want := range []string{`<html lang="de">`, "<title>Status von Acme Inc</title>", "Teilweiser Ausfall",
		"Komponenten", "Aktuelle Vorfälle", "schwer", "wird untersucht", "Betrifft: API", "vor 90 Tagen", "Heute",
		"Aktualisiert 25.11.2026, 12:00 UTC", "75,000\u00a0%", "Betrieben mit AlertifyPro"} {
		if !strings.Contains(body, want) {
			t.Errorf("German page lacks %q", want)
		}
	}
	shown := body[strings.Index(body, "</style>"):] // the stylesheet's comments are not text
	for _, english := range []string{"Components", "Partial outage", "days ago", "Today", "uptime", "Powered by", "investigating", "75.000"} {
		if strings.Contains(shown, english) {
			t.Errorf("German page still says %q", english)
		}
	}
}

// statusTemplateKey finds the catalogue keys page.html names literally (L.T "key").
var statusTemplateKey = regexp.MustCompile(`\.T "([^"]+)"`)

// TestStatusCataloguesComplete: every language has exactly English's keys, each message
// non-empty with the same {placeholders}; every key the template names and every key the
// code builds (states, component states, incident severities and statuses) exists.
func TestStatusCataloguesComplete(t *testing.T) {
	locales, err := loadStatusLocales(assets.StatusTemplates())
	if err != nil {
		t.Fatal(err)
	}
	en := locales["en"].messages
	holes := func(s string) []string {
		var out []string
		for _, m := range statusPlaceholder.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	for _, lang := range statusLanguages {
		msgs := locales[lang].messages
		if !slices.Equal(slices.Sorted(maps.Keys(msgs)), slices.Sorted(maps.Keys(en))) {
			t.Errorf("%s: keys differ from en", lang)
		}
		for k, msg := range msgs {
			if strings.TrimSpace(msg) == "" || !slices.Equal(holes(msg), holes(en[k])) {
				t.Errorf("%s: %q = %q (en %q): empty or other placeholders", lang, k, msg, en[k])
			}
		}
		if _, ok := statusFormats[lang]; !ok {
			t.Errorf("%s: no date and number formats", lang)
		}
	}
	tmpl, err := fs.ReadFile(assets.StatusTemplates(), "page.html")
	if err != nil {
		t.Fatal(err)
	}
	used := []string{"pct.none", "uptime", "uptime.none"}
	for _, m := range statusTemplateKey.FindAllStringSubmatch(string(tmpl), -1) {
		used = append(used, m[1])
	}
	for _, st := range []string{stateOperational, stateDegraded, stateMajorOutage, statePartialOutage, stateMaintenance, "none", stateUnknown} {
		used = append(used, "state."+st)
	}
	used = append(used, "component."+stateOperational, "component."+stateUnknown)
	for _, sv := range []string{store.SeverityMinor, store.SeverityMajor, store.SeverityCritical} {
		used = append(used, "severity."+sv)
	}
	for _, st := range []string{store.IncidentInvestigating, store.IncidentIdentified, store.IncidentMonitoring, store.IncidentResolved} {
		used = append(used, "status."+st)
	}
	if len(used) < 40 {
		t.Fatalf("only %d keys found in use; the template pattern no longer matches", len(used))
	}
	for _, k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is used but not in the catalogues", k)
		}
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// importResultView is the answer of POST /import.
type importResultView struct {
	Changes []struct {
		Action, Kind, Name string
	} `json:"changes"`
	Unchanged int  `json:"unchanged"`
	DryRun    bool `json:"dry_run"`
}

// reimportOwnExport exports the organization as YAML and as JSON and imports each
// back, dry and for real: every run must change nothing and count objects unchanged.
// It answers the two exports, for the caller to compare with later ones.
func (e *testEnv) reimportOwnExport(token string, objects int) (yamlDoc, jsonDoc string) {
	e.t.Helper()
	yamlDoc = e.do("GET", "/api/v1/export", token, nil).Body.String()
	jsonDoc = e.do("GET", "/api/v1/export?format=json", token, nil).Body.String()
	for _, run := range []struct{ query, ct, doc string }{
		{"?dry_run=true", "application/yaml", yamlDoc}, {"", "application/yaml", yamlDoc},
		{"?dry_run=true", "application/json", jsonDoc}, {"", "application/json; charset=utf-8", jsonDoc},
	} {
		got := e.importDoc(token, run.query, run.ct, run.doc, http.StatusOK)
		if len(got.Changes) != 0 || got.Unchanged != objects {
			e.t.Errorf("re-import %s %s: %+v, want no changes and %d unchanged\n%s", run.ct, run.query, got, objects, run.doc)
		}
	}
	return yamlDoc, jsonDoc
}

// importDoc posts a document and decodes the answer, failing unless the status is want.
func (e *testEnv) importDoc(token, query, contentType, body string, want int) importResultView {
	e.t.Helper()
	rec := e.doConfig("POST", "/api/v1/import"+query, token, contentType, "", body)
	if rec.Code != want {
		e.t.Fatalf("import%s: %d, want %d: %s", query, rec.Code, want, rec.Body.String())
	}
	if want != http.StatusOK {
		return importResultView{}
	}
	return decode[importResultView](e.t, rec)
}

// fixtureObjects is how many objects configFixture configures.
const fixtureObjects = 14

// TestConfigImportUnchangedExport re-imports the organization's own export, YAML and
// JSON, dry and for real: nothing changes, every object counts as unchanged, and the
// stored secrets are the very same seals.
func TestConfigImportUnchangedExport(t *testing.T) {
	e := newTestEnv(t)
	u := configFixture(e, "ada@example.com", "Ada")
	before, err := e.db.Services(u.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	yamlDoc, _ := e.reimportOwnExport(u.Token, fixtureObjects)
	after, _ := e.db.Services(u.OrgID)
	if !bytes.Equal(before[0].Auth.Sealed, after[0].Auth.Sealed) || !bytes.Equal(before[0].SealedHeaders["X-Api-Key"], after[0].SealedHeaders["X-Api-Key"]) ||
		!after[0].UpdatedAt.Equal(before[0].UpdatedAt) {
		t.Error("an unchanged import rewrote the service or its sealed credentials")
	}
	if again := e.do("GET", "/api/v1/export", u.Token, nil).Body.String(); again != yamlDoc {
		t.Errorf("export changed after re-import:\n%s\n---\n%s", yamlDoc, again)
	}
}

// withSecrets fills the placeholders of an exported document with the secrets a new
// organization needs (as an operator would): without them the import would be refused.
func withSecrets(t *testing.T, doc map[string]any) string {
	t.Helper()
	svc := doc["services"].([]any)[0].(map[string]any)
	svc["auth"] = map[string]any{"type": "basic", "username": "ops", "password": "s3cret-pass"}
	svc["options"].(map[string]any)["headers"] = map[string]any{"X-Api-Key": "hdr-secret-value"}
	for _, ch := range doc["notification_channels"].([]any) {
		if ch := ch.(map[string]any); ch["name"] == "Slack" {
			ch["config"].(map[string]any)["url"] = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
		}
	}
	hook := doc["webhooks"].([]any)[0].(map[string]any)
	hook["url"], hook["secret"] = "https://hooks.example.com/alertify?token=tok3n-in-query", "whsec-fixture-secret-0123456789"
	// Slugs are unique across the instance: the copy next to the original needs its own.
	doc["status_pages"].([]any)[0].(map[string]any)["slug"] = "acme-status-copy"
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestConfigImportIntoEmptyOrganization exports one organization and imports the document
// (placeholders filled in) into an empty one: a dry run lists every create and writes
// nothing, the real run recreates the configuration, whose export then equals the first
// one's, with working credentials.
func TestConfigImportIntoEmptyOrganization(t *testing.T) {
	e := newTestEnv(t)
	ada := configFixture(e, "ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	want, adaBefore := e.exportJSON(ada.Token), e.do("GET", "/api/v1/export", ada.Token, nil).Body.String()
	want["status_pages"].([]any)[0].(map[string]any)["slug"] = "acme-status-copy"
	doc := withSecrets(t, e.exportJSON(ada.Token))
	empty := e.do("GET", "/api/v1/export", bob.Token, nil).Body.String()

	dry := e.importDoc(bob.Token, "?dry_run=true", "application/json", doc, http.StatusOK)
	if len(dry.Changes) != fixtureObjects || dry.Unchanged != 0 || !dry.DryRun {
		t.Fatalf("dry run: %+v", dry)
	}
	for _, c := range dry.Changes {
		if c.Action != "create" {
			t.Errorf("dry run change %+v, want create", c)
		}
	}
	if got := e.do("GET", "/api/v1/export", bob.Token, nil).Body.String(); got != empty {
		t.Fatalf("dry run wrote:\n%s", got)
	}
	if logs, _, _ := e.db.AuditLogs(bob.OrgID, store.AuditFilter{}); len(logs) != 0 {
		t.Errorf("dry run audited %d events", len(logs))
	}

	got := e.importDoc(bob.Token, "", "application/json", doc, http.StatusOK)
	if len(got.Changes) != fixtureObjects || got.Changes[0].Kind != "service" || got.Changes[0].Name != "Checkout" {
		t.Fatalf("import: %+v", got)
	}
	if have := e.exportJSON(bob.Token); !sameJSON(have, want) {
		a, _ := json.MarshalIndent(want, "", " ")
		b, _ := json.MarshalIndent(have, "", " ")
		t.Fatalf("recreated configuration differs:\n%s\n---\n%s", a, b)
	}
	// Names are matched inside the importing organization only: Ada's objects of the same
	// names are untouched.
	if got := e.do("GET", "/api/v1/export", ada.Token, nil).Body.String(); got != adaBefore {
		t.Errorf("importing into Bob's organization changed Ada's:\n%s", got)
	}
	// The credentials arrived sealed for Bob's organization and open to what was sent.
	svcs, _ := e.db.Services(bob.OrgID)
	creds, err := (&base{sealer: e.deps.Sealer}).openCredentials(bob.OrgID, &svcs[0])
	if err != nil || creds.Auth == nil || creds.Auth.Password != "s3cret-pass" || creds.Headers["X-Api-Key"] != "hdr-secret-value" {
		t.Fatalf("imported credentials: %v %+v", err, creds)
	}
	// Bob's own export re-imported is a no-op too.
	if again := e.importDoc(bob.Token, "", "application/yaml", e.do("GET", "/api/v1/export", bob.Token, nil).Body.String(), http.StatusOK); len(again.Changes) != 0 {
		t.Errorf("re-import after import: %+v", again)
	}
}

// auditAll reads an organization's whole (short) audit log, newest first.
var auditAll = store.AuditFilter{Limit: 1000}

// TestConfigImportRulesReachTheEngine imports a rule for a service, lets the engine cache
// the organization's rules with a RED result below its threshold, then lowers the
// threshold by import: the next RED fires an alert of that rule, so the import's write
// went through the store's rule methods and invalidated the cache.
func TestConfigImportRulesReachTheEngine(t *testing.T) {
	e, _ := newAlertEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	doc := func(failures int) string {
		return `{"services":[{"name":"Shop","endpoint":"https://shop.example.com","check_type":"http"}],
"alert_rules":[{"name":"Shop down","service":"Shop","condition":{"statuses":["RED"],"consecutive_failures":` + strconv.Itoa(failures) + `}}]}`
	}
	if res := e.importDoc(u.Token, "", "application/json", doc(3), http.StatusOK); len(res.Changes) != 2 {
		t.Fatalf("first import: %+v", res)
	}
	svcs, _ := e.db.Services(u.OrgID)
	e.record(u.OrgID, svcs[0].ID, "RED") // 1 of 3: no alert, rules now cached
	if alerts, _, _ := e.db.Alerts(u.OrgID, store.AlertFilter{ServiceID: svcs[0].ID}); len(alerts) != 0 {
		t.Fatalf("alert below the threshold: %+v", alerts)
	}
	if res := e.importDoc(u.Token, "", "application/json", doc(1), http.StatusOK); len(res.Changes) != 1 || res.Changes[0].Kind != "alert_rule" {
		t.Fatalf("second import: %+v", res)
	}
	e.record(u.OrgID, svcs[0].ID, "RED")
	al := e.openAlert(u.OrgID, svcs[0].ID)
	rules, _ := e.db.AlertRules(u.OrgID, "")
	if len(rules) != 1 || al.AlertRuleID != rules[0].ID || rules[0].Condition.ConsecutiveFailures != 1 {
		t.Fatalf("alert %+v, rules %+v", al, rules)
	}
}

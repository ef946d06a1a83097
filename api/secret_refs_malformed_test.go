package api

import (
	"net/http"
	"strings"
	"testing"
)

// A {{secrets.…}} reference whose name is not a secret's name (a hyphen, a blank inside)
// would otherwise be sent literally — the target gets "{{secrets.api-token}}" as its
// token. It is a 422 naming the field, in a service, a channel and an imported element,
// as it is in an audit stream's credentials; other {{…}} text (a JSON template in a body)
// stays literal.
func TestMalformedSecretReferenceRefusedAtSave(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	const want = "malformed secret reference"
	rec := e.do("POST", "/api/v1/services", owner.Token, map[string]any{"name": "API", "check_type": "http",
		"endpoint": "https://api.example.com/health",
		"options":  map[string]any{"headers": map[string]any{"Authorization": "Bearer {{secrets.api-token}}"}}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("service: %d %s", rec.Code, rec.Body.String())
	}
	if got := decode[map[string]any](t, rec)["fields"].(map[string]any)["options.headers.Authorization"]; got == nil || !strings.Contains(got.(string), want) {
		t.Fatalf("service fields: %s", rec.Body.String())
	}
	rec = e.do("POST", "/api/v1/notification-channels", owner.Token, map[string]any{"name": "Hook", "type": "webhook",
		"config": map[string]any{"url": "https://hooks.example.com/{{ secrets.HOOK KEY }}"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"config.url":"`+want) {
		t.Fatalf("channel: %d %s", rec.Code, rec.Body.String())
	}
	doc := `{"services":[{"name":"Imported","check_type":"http","endpoint":"https://x.example.com/",` +
		`"options":{"method":"POST","body":"{\"k\":\"{{secrets.}}\"}"}}]}`
	rec = e.doConfig("POST", "/api/v1/import", owner.Token, "application/json", "", doc)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"services[0].options.body":"`+want) {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	// Braces that are no secret reference are the body's own.
	e.mustCreateService(owner.Token, map[string]any{"name": "GraphQL", "check_type": "http", "endpoint": "https://api.example.com/graphql",
		"options": map[string]any{"method": "POST", "body": `{"query":"{{ viewer { login } }}","secret_hint":"{{secret.X}}"}`}})
	if n, _ := e.db.Services(owner.OrgID); len(n) != 1 {
		t.Fatalf("services stored: %d, want only the valid one", len(n))
	}
}

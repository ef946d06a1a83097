package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecretRoutes: the vault's CRUD through the real router — names checked, values
// write-only, viewers read, members write, another organization's secret a 404, and an
// audit entry for every write that never holds the value.
func TestSecretRoutes(t *testing.T) {
	e := newTestEnv(t)
	owner, bob, viewer := e.adaWithViewerBob()
	_, member := e.newMember(owner.OrgID, "mo@example.com", "Mo", roleMember)
	const value, rotated = "very-secret-value-1", "very-secret-value-2"
	fieldIs := func(field, want string) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertErrorBody(t, rec, "validation_failed")
			if got := decode[map[string]any](t, rec)["fields"].(map[string]any)[field]; !strings.Contains(got.(string), want) {
				t.Errorf("fields.%s = %v, want it to say %q", field, got, want)
			}
		}
	}
	e.run([]scenario{
		{name: "create", method: "POST", path: "/api/v1/secrets", token: member,
			body: map[string]any{"name": "API_TOKEN", "value": value}, status: http.StatusCreated,
			contains: []string{`"name":"API_TOKEN"`, `"used_by":[]`, `"created_at"`}, notContains: []string{value, "sealed"}},
		{name: "duplicate", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": "API_TOKEN", "value": "x"}, status: http.StatusConflict},
		{name: "lower-case name", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": "api_token", "value": "x"}, status: http.StatusUnprocessableEntity,
			check: fieldIs("name", "upper-case letters")},
		{name: "name too long", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": strings.Repeat("A", 65), "value": "x"}, status: http.StatusUnprocessableEntity,
			check: fieldIs("name", "1 to 64")},
		{name: "no value", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": "EMPTY"}, status: http.StatusUnprocessableEntity, check: fieldIs("value", "is required")},
		{name: "value too big", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": "BIG", "value": strings.Repeat("v", maxSecretValueBytes+1)}, status: http.StatusUnprocessableEntity,
			check: fieldIs("value", "at most")},
		{name: "unknown field", method: "POST", path: "/api/v1/secrets", token: owner.Token,
			body: map[string]any{"name": "X", "value": "x", "plain": true}, status: http.StatusBadRequest},
		{name: "viewer cannot create", method: "POST", path: "/api/v1/secrets", token: viewer,
			body: map[string]any{"name": "V", "value": "x"}, status: http.StatusForbidden},
		{name: "viewer lists", method: "GET", path: "/api/v1/secrets", token: viewer, status: http.StatusOK,
			contains: []string{`"API_TOKEN"`}, notContains: []string{value}},
		{name: "viewer gets", method: "GET", path: "/api/v1/secrets/API_TOKEN", token: viewer, status: http.StatusOK,
			notContains: []string{value}},
		{name: "viewer cannot rotate", method: "PUT", path: "/api/v1/secrets/API_TOKEN", token: viewer,
			body: map[string]any{"value": "x"}, status: http.StatusForbidden},
		{name: "other organization gets 404", method: "GET", path: "/api/v1/secrets/API_TOKEN", token: bob.Token, status: http.StatusNotFound},
		{name: "other organization cannot rotate", method: "PUT", path: "/api/v1/secrets/API_TOKEN", token: bob.Token,
			body: map[string]any{"value": "x"}, status: http.StatusNotFound},
		{name: "other organization cannot delete", method: "DELETE", path: "/api/v1/secrets/API_TOKEN", token: bob.Token, status: http.StatusNotFound},
		{name: "other organization lists none", method: "GET", path: "/api/v1/secrets", token: bob.Token, status: http.StatusOK,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Body.String() != "[]" {
					t.Errorf("list = %s", rec.Body.String())
				}
			}},
		{name: "rotate", method: "PUT", path: "/api/v1/secrets/API_TOKEN", token: member,
			body: map[string]any{"value": rotated}, status: http.StatusOK, notContains: []string{rotated, value}},
		{name: "rotate by PATCH", method: "PATCH", path: "/api/v1/secrets/API_TOKEN", token: member,
			body: map[string]any{"name": "API_TOKEN", "value": rotated}, status: http.StatusOK},
		{name: "no renaming", method: "PUT", path: "/api/v1/secrets/API_TOKEN", token: member,
			body: map[string]any{"name": "OTHER", "value": "x"}, status: http.StatusUnprocessableEntity, check: fieldIs("name", "cannot be changed")},
		{name: "rotate without value", method: "PUT", path: "/api/v1/secrets/API_TOKEN", token: member,
			body: map[string]any{}, status: http.StatusUnprocessableEntity, check: fieldIs("value", "is required")},
		{name: "rotate a missing secret", method: "PUT", path: "/api/v1/secrets/NOPE", token: member,
			body: map[string]any{"value": "x"}, status: http.StatusNotFound},
		{name: "delete unused", method: "DELETE", path: "/api/v1/secrets/API_TOKEN", token: member, status: http.StatusNoContent},
		{name: "gone", method: "GET", path: "/api/v1/secrets/API_TOKEN", token: owner.Token, status: http.StatusNotFound},
	})
	events := auditEvents(t, e, owner.OrgID)
	for _, want := range []string{"secret.created", "secret.updated", "secret.deleted"} {
		if !strings.Contains(strings.Join(events, " "), want) {
			t.Errorf("audit events %v lack %s", events, want)
		}
	}
	audit := e.do("GET", "/api/v1/audit-logs?limit=1000", owner.Token, nil).Body.String()
	if strings.Contains(audit, value) || strings.Contains(audit, rotated) {
		t.Errorf("the audit log holds a secret value: %s", audit)
	}
}

// TestSecretReferencesCheckedAtSave: a reference to a secret the organization lacks is a
// 422 naming the field — in a service's endpoint, body, headers and auth, in a channel's
// config, and in an imported document, where the secrets it lists must exist too.
func TestSecretReferencesCheckedAtSave(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	other := e.newUser("other@example.com", "Other")
	// Another organization's secret of the same name does not count.
	if rec := e.do("POST", "/api/v1/secrets", other.Token, map[string]any{"name": "API_TOKEN", "value": "theirs"}); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	service := map[string]any{"name": "API", "check_type": "http",
		"endpoint": "https://api.example.com/v1?key={{secrets.QUERY_KEY}}",
		"options": map[string]any{"method": "POST", "body": `{"token":"{{ secrets.BODY_KEY }}"}`,
			"headers": map[string]any{"authorization": "Bearer {{secrets.API_TOKEN}}"}},
		"auth": map[string]any{"type": "basic", "username": "u", "password": "{{secrets.PASSWORD}}"}}
	rec := e.do("POST", "/api/v1/services", owner.Token, service)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("service with unknown references: %d %s", rec.Code, rec.Body.String())
	}
	fields := decode[map[string]any](t, rec)["fields"].(map[string]any)
	for field, want := range map[string]string{"endpoint": "unknown secret QUERY_KEY", "options.body": "unknown secret BODY_KEY",
		"options.headers.Authorization": "unknown secret API_TOKEN", "auth.password": "unknown secret PASSWORD"} {
		if fields[field] != want {
			t.Errorf("fields[%q] = %v, want %q (fields %v)", field, fields[field], want, fields)
		}
	}
	// Other problems come in the same answer.
	service["check_interval_seconds"] = 1
	fields = decode[map[string]any](t, e.do("POST", "/api/v1/services", owner.Token, service))["fields"].(map[string]any)
	if fields["check_interval_seconds"] == nil || fields["endpoint"] == nil {
		t.Errorf("fields = %v, want the interval and the references", fields)
	}
	delete(service, "check_interval_seconds")
	for _, name := range []string{"QUERY_KEY", "BODY_KEY", "API_TOKEN", "PASSWORD"} {
		if rec := e.do("POST", "/api/v1/secrets", owner.Token, map[string]any{"name": name, "value": "v-" + name}); rec.Code != http.StatusCreated {
			t.Fatalf("create %s: %d", name, rec.Code)
		}
	}
	svc := e.mustCreateService(owner.Token, service)
	// PATCH checks what it sends.
	rec = e.do("PATCH", "/api/v1/services/"+svc["id"].(string), owner.Token, map[string]any{"endpoint": "https://api.example.com/{{secrets.GONE}}"})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"endpoint":"unknown secret GONE"`) {
		t.Fatalf("patch with an unknown reference: %d %s", rec.Code, rec.Body.String())
	}

	channel := map[string]any{"name": "Hook", "type": "webhook", "config": map[string]any{"url": "https://hooks.example.com/{{secrets.HOOK}}",
		"headers": map[string]any{"X-Token": "{{secrets.HOOK_HEADER}}"}}}
	rec = e.do("POST", "/api/v1/notification-channels", owner.Token, channel)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"config.url":"unknown secret HOOK"`) ||
		!strings.Contains(rec.Body.String(), `"config.headers.X-Token":"unknown secret HOOK_HEADER"`) {
		t.Fatalf("channel with unknown references: %d %s", rec.Code, rec.Body.String())
	}

	// used_by names each place.
	list := decode[[]secretView](t, e.do("GET", "/api/v1/secrets", owner.Token, nil))
	used := map[string]string{}
	for _, s := range list {
		for _, u := range s.UsedBy {
			used[s.Name] += u.Kind + ":" + u.Field + " "
		}
	}
	for name, want := range map[string]string{"QUERY_KEY": "service:endpoint", "BODY_KEY": "service:options.body",
		"API_TOKEN": "service:options.headers.Authorization", "PASSWORD": "service:auth.password"} {
		if strings.TrimSpace(used[name]) != want {
			t.Errorf("used_by of %s = %q, want %q", name, used[name], want)
		}
	}

	// Import: an element's unknown reference, and a listed secret the organization lacks.
	doc := `{"services":[{"name":"Imported","check_type":"http","endpoint":"https://x.example.com/",` +
		`"options":{"headers":{"Authorization":"{{secrets.MISSING}}"}}}],"secrets":[{"name":"API_TOKEN"},{"name":"ABSENT"}]}`
	rec = e.doConfig("POST", "/api/v1/import", owner.Token, "application/json", "", doc)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	fields = decode[map[string]any](t, rec)["fields"].(map[string]any)
	if fields["services[0].options.headers.Authorization"] != "unknown secret MISSING" ||
		!strings.HasPrefix(fields["secrets[1].name"].(string), "unknown secret ABSENT") || fields["secrets[0].name"] != nil {
		t.Fatalf("import fields = %v", fields)
	}
	if n, _ := e.db.Services(owner.OrgID); len(n) != 1 {
		t.Fatalf("a refused import wrote services: %d", len(n))
	}
	// The organization's own export imports back unchanged.
	export := e.doConfig("GET", "/api/v1/export?format=json", owner.Token, "", "", "").Body.String()
	var parsed map[string]json.RawMessage
	if err := json.Unmarshal([]byte(export), &parsed); err != nil || !strings.Contains(string(parsed["secrets"]), `"BODY_KEY"`) {
		t.Fatalf("export secrets = %s (%v)", parsed["secrets"], err)
	}
	if got := e.importDoc(owner.Token, "", "application/json", export, http.StatusOK); len(got.Changes) != 0 {
		t.Fatalf("re-import of the export changed %+v", got.Changes)
	}
}

package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fieldProblem returns the 422 body's problem for field, failing unless the answer is a
// flat validation error naming it.
func fieldProblem(t *testing.T, rec *httptest.ResponseRecorder, field string) string {
	t.Helper()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "validation_failed")
	fields, _ := decode[map[string]any](t, rec)["fields"].(map[string]any)
	msg, _ := fields[field].(string)
	if msg == "" {
		t.Fatalf("no problem for %s: %s", field, rec.Body.String())
	}
	return msg
}

func TestServiceResponseTimeThresholds(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	base := func(more map[string]any) map[string]any {
		body := map[string]any{"name": "api", "check_type": "http", "endpoint": "https://api.example.com/health"}
		for k, v := range more {
			body[k] = v
		}
		return body
	}
	created := e.mustCreateService(u.Token, base(map[string]any{"response_time_warning": 1000, "response_time_critical": 1200}))
	if created["response_time_warning"] != 1000.0 || created["response_time_critical"] != 1200.0 || created["degraded_threshold_ms"] != 1000.0 {
		t.Fatalf("created = %v", created)
	}
	id := created["id"].(string)
	path := "/api/v1/services/" + id

	bad := []struct {
		name, field, want string
		body              map[string]any
	}{
		{"warning above critical", "response_time_warning", "must be less than response_time_critical (1000 ms)",
			map[string]any{"response_time_warning": 1200, "response_time_critical": 1000}},
		{"warning equal to critical", "response_time_warning", "must be less than response_time_critical (1000 ms)",
			map[string]any{"response_time_warning": 1000, "response_time_critical": 1000}},
		{"critical at the timeout", "response_time_critical", "must be less than the timeout (5000 ms: timeout_seconds 5)",
			map[string]any{"timeout_seconds": 5, "response_time_critical": 5000}},
		{"warning over the timeout", "response_time_warning", "must be less than the timeout (10000 ms: timeout_seconds 10)",
			map[string]any{"response_time_warning": 20000}},
		{"zero", "response_time_warning", thresholdProblem, map[string]any{"response_time_warning": 0}},
		{"negative", "response_time_critical", thresholdProblem, map[string]any{"response_time_critical": -5}},
		{"fraction", "response_time_critical", thresholdProblem, map[string]any{"response_time_critical": 1.5}},
		{"text", "response_time_warning", thresholdProblem, map[string]any{"response_time_warning": "1000"}},
	}
	for _, c := range bad {
		if got := fieldProblem(t, e.do("POST", "/api/v1/services", u.Token, base(c.body)), c.field); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}

	// PATCH keeps what it does not name, null removes, and the pair is checked whichever
	// field changed: a shorter timeout under the critical threshold is refused, and
	// nothing of the refused request is written.
	e.run([]scenario{
		{name: "patch removes critical only", method: "PATCH", path: path, token: u.Token,
			body: map[string]any{"response_time_critical": nil}, status: 200,
			contains: []string{`"response_time_warning":1000`, `"response_time_critical":null`}},
		{name: "patch sets critical again", method: "PATCH", path: path, token: u.Token,
			body: map[string]any{"response_time_critical": 3000}, status: 200,
			contains: []string{`"response_time_warning":1000`, `"response_time_critical":3000`}},
		{name: "a timeout under the critical threshold", method: "PATCH", path: path, token: u.Token,
			body: map[string]any{"timeout_seconds": 2, "name": "renamed"}, status: 422,
			contains: []string{`"response_time_critical":"must be less than the timeout (2000 ms: timeout_seconds 2)"`}},
		{name: "nothing of it was written", method: "GET", path: path, token: u.Token, status: 200,
			contains: []string{`"name":"api"`, `"timeout_seconds":10`, `"response_time_critical":3000`}},
		{name: "PUT without them removes them", method: "PUT", path: path, token: u.Token, body: base(nil), status: 200,
			contains: []string{`"response_time_warning":null`, `"response_time_critical":null`, `"degraded_threshold_ms":1000`}},
	})

	// Every check type has a response time, so every type takes the thresholds.
	for _, c := range []struct{ typ, endpoint string }{{"tcp", "db.internal:5432"}, {"ping", "router.lan"},
		{"redis", "cache:6379"}, {"ssl", "example.com"}} {
		got := e.mustCreateService(u.Token, map[string]any{"name": c.typ, "check_type": c.typ, "endpoint": c.endpoint,
			"response_time_warning": 200, "response_time_critical": 900})
		if got["response_time_warning"] != 200.0 || got["response_time_critical"] != 900.0 {
			t.Errorf("%s: %v", c.typ, got)
		}
	}
}

func TestServiceConnectionTimeAssertion(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	tcp := func(more map[string]any) map[string]any {
		body := map[string]any{"name": "db", "check_type": "tcp", "endpoint": "db.internal:5432"}
		for k, v := range more {
			body[k] = v
		}
		return body
	}
	lt := func(bound any) map[string]any {
		return map[string]any{"connection_time_ms": map[string]any{"lt": bound}}
	}

	got := e.mustCreateService(u.Token, tcp(map[string]any{"options": map[string]any{"assert": lt(500)}}))
	opts := got["options"].(map[string]any)
	if a, _ := opts["assert"].(map[string]any); a == nil || a["connection_time_ms"].(map[string]any)["lt"] != 500.0 {
		t.Fatalf("options = %v", opts)
	}
	// The documentation's form: assert at the top of the body, stored as options.assert.
	got = e.mustCreateService(u.Token, map[string]any{"name": "web", "check_type": "http", "endpoint": "https://example.com/",
		"assert": map[string]any{"connection_time_ms": map[string]any{"lte": 0.25}}})
	id := got["id"].(string)
	if a, _ := got["options"].(map[string]any)["assert"].(map[string]any); a == nil || a["connection_time_ms"].(map[string]any)["lte"] != 0.25 {
		t.Fatalf("top-level assert stored as %v", got["options"])
	}

	bad := []struct {
		name, field, want string
		body              map[string]any
	}{
		{"not for UDP", "options.assert", assertTypesOnly,
			map[string]any{"check_type": "udp", "endpoint": "dns.internal:53", "options": map[string]any{"assert": lt(500)}}},
		{"not for PING, top-level form", "assert", assertTypesOnly,
			map[string]any{"check_type": "ping", "endpoint": "router.lan", "assert": lt(500)}},
		{"unknown operator", "options.assert.connection_time_ms.gt", "is not an operator here; use lt (less than) or lte (at most)",
			map[string]any{"options": map[string]any{"assert": map[string]any{"connection_time_ms": map[string]any{"gt": 5}}}}},
		{"two operators", "options.assert.connection_time_ms", `must name one operator, lt or lte, with a bound in milliseconds: {"lt": 500}`,
			map[string]any{"options": map[string]any{"assert": map[string]any{"connection_time_ms": map[string]any{"lt": 5, "lte": 9}}}}},
		{"zero bound", "options.assert.connection_time_ms.lt", "must be a number of milliseconds from 0.001 to 600000",
			map[string]any{"options": map[string]any{"assert": lt(0)}}},
		{"text bound", "options.assert.connection_time_ms.lt", "must be a number of milliseconds from 0.001 to 600000",
			map[string]any{"options": map[string]any{"assert": lt("fast")}}},
		{"bound named at the top", "assert.connection_time_ms.lt", "must be a number of milliseconds from 0.001 to 600000",
			map[string]any{"assert": lt(-1)}},
		{"unknown assertion", "options.assert.dns_time_ms", "is not an assertion; the one there is: connection_time_ms",
			map[string]any{"options": map[string]any{"assert": map[string]any{"dns_time_ms": map[string]any{"lt": 5}}}}},
		{"not an object", "options.assert", `must be an object like {"connection_time_ms": {"lt": 500}}`,
			map[string]any{"options": map[string]any{"assert": "fast"}}},
		{"given twice", "assert", "is the same option as options.assert: give one of them",
			map[string]any{"assert": lt(5), "options": map[string]any{"assert": lt(6)}}},
	}
	for _, c := range bad {
		if got := fieldProblem(t, e.do("POST", "/api/v1/services", u.Token, tcp(c.body)), c.field); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// A PATCH may give the documented form alone; the other options stay.
	rec := e.do("PATCH", "/api/v1/services/"+id, u.Token, map[string]any{"assert": lt(800)})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"assert":{"connection_time_ms":{"lt":800}}`) ||
		!strings.Contains(rec.Body.String(), `"method":"GET"`) {
		t.Fatalf("PATCH assert: %d %s", rec.Code, rec.Body.String())
	}
	// Changing the type to one without a connect time refuses the stored assertion.
	rec = e.do("PATCH", "/api/v1/services/"+id, u.Token, map[string]any{"check_type": "dns", "endpoint": "example.com"})
	if got := fieldProblem(t, rec, "options.assert"); got != assertTypesOnly {
		t.Errorf("type change: %q", got)
	}
}

// Export carries the thresholds (only when set) and the assertion; re-importing the export
// changes nothing, and importing it into another organization reproduces them.
func TestConfigCarriesThresholdsAndAssertion(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	e.mustCreateService(u.Token, map[string]any{"name": "api", "check_type": "http", "endpoint": "https://api.example.com/",
		"response_time_warning": 1000, "response_time_critical": 1200,
		"options": map[string]any{"assert": map[string]any{"connection_time_ms": map[string]any{"lt": 500}}}})
	e.mustCreateService(u.Token, map[string]any{"name": "plain", "check_type": "tcp", "endpoint": "db.internal:5432"})
	yamlDoc, jsonDoc := e.reimportOwnExport(u.Token, 2)
	for _, want := range []string{"response_time_warning: 1000", "response_time_critical: 1200", "connection_time_ms:"} {
		if !strings.Contains(yamlDoc, want) {
			t.Errorf("YAML export lacks %q:\n%s", want, yamlDoc)
		}
	}
	if strings.Count(jsonDoc, `"response_time_warning"`) != 1 {
		t.Errorf("an unset threshold is exported (or a set one is not):\n%s", jsonDoc)
	}
	bob := e.newUser("bob@example.com", "Bob")
	if res := e.importDoc(bob.Token, "", "application/yaml", yamlDoc, http.StatusOK); len(res.Changes) != 2 {
		t.Fatalf("import into another organization: %+v", res)
	}
	list := e.do("GET", "/api/v1/services?q=api", bob.Token, nil).Body.String()
	for _, want := range []string{`"response_time_warning":1000`, `"response_time_critical":1200`, `"assert":{"connection_time_ms":{"lt":500}}`} {
		if !strings.Contains(list, want) {
			t.Errorf("imported service lacks %s: %s", want, list)
		}
	}
}

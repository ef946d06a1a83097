package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// TestDocJSONPathAssertions replays SPEC §3.7 / §12's json_path: an entry
// without operator means ==, startsWith / endsWith / matches (RE2) are
// accepted and judged by a real check against a loopback server, and a bad
// pattern is a 422 naming the field.
func TestDocJSONPathAssertions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok","version":"v2.14.1","region":"eu-west-1"}`))
	}))
	defer srv.Close()
	e, _ := newEngineEnv(t, nil)
	ada := e.newUser("ada@example.com", "Ada")
	check := func(name string, assertions []any) (string, string) {
		t.Helper()
		rec := e.do("POST", "/api/v1/services", ada.Token, map[string]any{"name": name, "endpoint": srv.URL, "check_type": "HTTP",
			"options": map[string]any{"json_path": assertions}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, rec.Code, rec.Body.String())
		}
		svc := decode[map[string]any](t, rec)
		stored, _ := svc["options"].(map[string]any)["json_path"].([]any)
		op := stored[0].(map[string]any)["operator"].(string)
		res := e.do("POST", "/api/v1/services/"+svc["id"].(string)+"/check", ada.Token, nil)
		if res.Code != http.StatusOK {
			t.Fatalf("check %s: %d %s", name, res.Code, res.Body.String())
		}
		return op, decode[map[string]any](t, res)["status"].(string)
	}
	cases := []struct {
		name       string
		assertions []any
		op, status string
	}{
		{"no operator means ==", []any{map[string]any{"path": "$.status", "value": "ok"}}, "==", "GREEN"},
		{"no operator, not equal", []any{map[string]any{"path": "$.status", "value": "down"}}, "==", "RED"},
		{"startsWith", []any{map[string]any{"path": "$.version", "operator": "startsWith", "value": "v2."}}, "startsWith", "GREEN"},
		{"startsWith fails", []any{map[string]any{"path": "$.version", "operator": "startsWith", "value": "v3."}}, "startsWith", "RED"},
		{"endsWith", []any{map[string]any{"path": "$.region", "operator": "endsWith", "value": "-1"}}, "endsWith", "GREEN"},
		{"matches", []any{map[string]any{"path": "$.version", "operator": "matches", "value": `^v\d+\.\d+\.\d+$`}}, "matches", "GREEN"},
		{"matches fails", []any{map[string]any{"path": "$.region", "operator": "matches", "value": `^us-`}}, "matches", "RED"},
	}
	if _, err := e.db.UpdateOrganization(ada.OrgID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		op, status := check(c.name, c.assertions)
		if op != c.op || status != c.status {
			t.Errorf("%s: stored operator %q, check %s; want %q, %s", c.name, op, status, c.op, c.status)
		}
	}
	bad := func(value any, field string) scenario {
		return scenario{name: "bad " + field, method: "POST", path: "/api/v1/services", token: ada.Token, status: 422,
			body: map[string]any{"name": "Bad", "endpoint": srv.URL, "check_type": "HTTP",
				"options": map[string]any{"json_path": []any{map[string]any{"path": "$.a", "operator": "matches", "value": value}}}},
			contains: []string{`"options.json_path[0].value":`}}
	}
	e.run([]scenario{bad("a(", "pattern"), bad(strings.Repeat("a", 1025), "long pattern"), bad(5, "number")})
}

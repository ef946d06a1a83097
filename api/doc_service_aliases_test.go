package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDocServiceOptionAliases replays the documentation's service examples
// that use its own input names — assert_status, assert_body_contains,
// assert_jsonpath (an entry without operator) and expiryWarningDays — at
// the top of the body and inside options: they are stored (and answered,
// and exported) under our names; a bad value is the flat 422 naming the
// alias the client sent.
func TestDocServiceOptionAliases(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	opts := func(rec *httptest.ResponseRecorder) map[string]any {
		return decode[map[string]any](t, rec)["options"].(map[string]any)
	}
	var httpID string
	e.run([]scenario{
		{name: "HTTP with the documented assertions at the top", method: "POST", path: "/api/v1/services", token: ada.Token, status: 201,
			body: map[string]any{"name": "API", "endpoint": "https://api.example.com/health", "check_type": "HTTP",
				"assert_status": 200, "assert_body_contains": "ok",
				"assert_jsonpath": []any{map[string]any{"path": "$.status", "value": "ok"}}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				o := opts(rec)
				jp, _ := o["json_path"].([]any)
				if o["expected_status"] != 200.0 || o["body_contains"] != "ok" || len(jp) != 1 ||
					jp[0].(map[string]any)["operator"] != "==" {
					t.Fatalf("options %v", o)
				}
				for _, alias := range []string{"assert_status", "assert_body_contains", "assert_jsonpath"} {
					if strings.Contains(rec.Body.String(), alias) {
						t.Fatalf("the answer echoes %s: %s", alias, rec.Body.String())
					}
				}
				httpID = decode[map[string]any](t, rec)["id"].(string)
			}},
		{name: "SSL with expiryWarningDays in options", method: "POST", path: "/api/v1/services", token: ada.Token, status: 201,
			body: map[string]any{"name": "Cert", "endpoint": "example.com", "check_type": "SSL",
				"options": map[string]any{"expiryWarningDays": 14}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if o := opts(rec); o["ssl_warn_days"] != 14.0 {
					t.Fatalf("options %v", o)
				}
			}},
		{name: "SSL with expiryWarningDays at the top", method: "POST", path: "/api/v1/services", token: ada.Token, status: 201,
			body:     map[string]any{"name": "Cert 2", "endpoint": "example.org", "check_type": "SSL", "expiryWarningDays": 7},
			contains: []string{`"ssl_warn_days":7`}},
		{name: "a bad alias value names the alias", method: "POST", path: "/api/v1/services", token: ada.Token, status: 422,
			body: map[string]any{"name": "Bad", "endpoint": "https://x.example.com", "check_type": "HTTP", "assert_status": "abc",
				"options": map[string]any{"assert_jsonpath": []any{map[string]any{"path": "$.a", "operator": "matches", "value": "a("}}}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				assertErrorBody(t, rec, "validation_failed")
				fields := decode[map[string]any](t, rec)["fields"].(map[string]any)
				if _, ok := fields["assert_status"]; !ok {
					t.Errorf("fields %v lack assert_status", fields)
				}
				if _, ok := fields["options.assert_jsonpath[0].value"]; !ok {
					t.Errorf("fields %v lack options.assert_jsonpath[0].value", fields)
				}
			}},
		{name: "an alias and our name at once is refused", method: "POST", path: "/api/v1/services", token: ada.Token, status: 422,
			body: map[string]any{"name": "Both", "endpoint": "https://x.example.com", "check_type": "HTTP", "assert_status": 200,
				"options": map[string]any{"expected_status": 201}},
			contains: []string{`"assert_status":`}},
		{name: "an alias of an option the type lacks names the alias", method: "POST", path: "/api/v1/services", token: ada.Token, status: 422,
			body:     map[string]any{"name": "TCP", "endpoint": "db.example.com:5432", "check_type": "TCP", "assert_status": 200},
			contains: []string{`"assert_status":"is not an option of TCP"`}},
	})
	e.run([]scenario{
		{name: "PATCH with an alias changes that option only", method: "PATCH", path: "/api/v1/services/" + httpID, token: ada.Token, status: 200,
			body: map[string]any{"assert_status": "2xx"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if o := opts(rec); o["expected_status"] != "2xx" || o["body_contains"] != "ok" {
					t.Fatalf("options %v", o)
				}
			}},
		{name: "export writes our names", method: "GET", path: "/api/v1/export", token: ada.Token, status: 200,
			contains:    []string{"expected_status", "ssl_warn_days", "json_path"},
			notContains: []string{"assert_status", "assert_jsonpath", "expiryWarningDays"}},
	})
	_ = http.StatusOK
}

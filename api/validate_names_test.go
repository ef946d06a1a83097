package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// refusedInNames are the characters no name may hold (SPEC §12): Unicode category Cc
// (C0 with tab and line breaks, DEL, C1), line and paragraph separators, and bidirectional
// overrides and isolates.
var refusedInNames = []string{"\x00", "\x1b[31m", "\r", "\n", "\t", "\x7f", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066"}

// TestNamesRefuseControlCharacters sends, to every endpoint that takes a name, a valid
// body whose name field holds each refused character: each is a 422 naming the field,
// and the same body with an ordinary (non-ASCII) name is accepted. Free text refuses
// control characters too, but keeps tabs and line breaks.
func TestNamesRefuseControlCharacters(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	channel := decode[map[string]any](t, e.do("POST", "/api/v1/notification-channels", u.Token,
		map[string]any{"name": "Mail", "type": "email", "config": map[string]any{"to": []string{"ops@example.com"}}}))["id"]
	page := e.mustPage(u.Token, map[string]any{"name": "Status"})
	n := 0
	unique := func(s string) string { n++; return s + " " + strconv.Itoa(n) }
	// Each request from its own address: registration is rate limited per address.
	ip := func() string { n++; return fmt.Sprintf("198.51.%d.%d", n/250, n%250+1) }
	rows := []struct {
		method, path, field string
		body                func(v string) map[string]any
	}{
		{"POST", "/api/v1/services", "name", func(v string) map[string]any {
			return map[string]any{"name": v, "endpoint": "https://a.example.com", "check_type": "http"}
		}},
		{"POST", "/api/v1/services", "environment", func(v string) map[string]any {
			return map[string]any{"name": unique("S"), "environment": v, "endpoint": "https://a.example.com", "check_type": "http"}
		}},
		{"POST", "/api/v1/services", "tags", func(v string) map[string]any {
			return map[string]any{"name": unique("T"), "tags": []string{v}, "endpoint": "https://a.example.com", "check_type": "http"}
		}},
		{"POST", "/api/v1/heartbeats", "name", func(v string) map[string]any { return map[string]any{"name": v, "schedule": "every 1h"} }},
		{"POST", "/api/v1/alert-rules", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
		{"POST", "/api/v1/notification-channels", "name", func(v string) map[string]any {
			return map[string]any{"name": v, "type": "email", "config": map[string]any{"to": []string{"ops@example.com"}}}
		}},
		{"POST", "/api/v1/escalation-policies", "name", func(v string) map[string]any {
			return map[string]any{"name": v, "rules": []map[string]any{{"notify_type": "channel", "notify_id": channel}}}
		}},
		{"POST", "/api/v1/maintenance-windows", "name", func(v string) map[string]any {
			return map[string]any{"name": v, "starts_at": "2026-12-01T22:00:00Z", "ends_at": "2026-12-01T23:00:00Z"}
		}},
		{"POST", "/api/v1/status-pages", "name", func(v string) map[string]any {
			return map[string]any{"name": v, "slug": "page-" + unique("")[1:]}
		}},
		{"POST", "/api/v1/status-pages", "branding.company_name", func(v string) map[string]any {
			return map[string]any{"name": "P", "slug": "page-" + unique("")[1:], "branding": map[string]any{"company_name": v}}
		}},
		{"PUT", "/api/v1/status-pages/" + page.ID, "components[0].name", func(v string) map[string]any {
			return map[string]any{"name": "Status", "components": []map[string]any{{"name": v}}}
		}},
		{"PUT", "/api/v1/status-pages/" + page.ID, "components[0].group", func(v string) map[string]any {
			return map[string]any{"name": "Status", "components": []map[string]any{{"name": "Web", "group": v}}}
		}},
		{"POST", "/api/v1/status-pages/" + page.ID + "/incidents", "title", func(v string) map[string]any {
			return map[string]any{"title": v, "message": "Investigating."}
		}},
		{"POST", "/api/v1/teams", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
		{"POST", "/api/v1/api-keys", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
		{"PUT", "/api/v1/organization", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
		{"PUT", "/api/v1/profile", "full_name", func(v string) map[string]any { return map[string]any{"full_name": v} }},
		{"POST", "/api/v1/auth/register", "full_name", func(v string) map[string]any {
			return registerBody("new"+unique("")[1:]+"@example.com", v, "s3cret-enough")
		}},
	}
	for _, row := range rows {
		for _, c := range refusedInNames {
			rec := e.doFrom(ip(), row.method, row.path, u.Token, row.body("Shop"+c+"front"))
			body := decode[struct{ Fields map[string]string }](t, rec)
			if rec.Code != http.StatusUnprocessableEntity || body.Fields[row.field] == "" {
				t.Errorf("%s %s with %q in %s: %d %s", row.method, row.path, c, row.field, rec.Code, rec.Body.String())
			}
		}
		// Components of a page need a service or heartbeat; the group row names none.
		if strings.HasPrefix(row.field, "components") {
			continue
		}
		if rec := e.doFrom(ip(), row.method, row.path, u.Token, row.body(unique("Zürich · 東京 🚀"))); rec.Code >= 300 {
			t.Errorf("%s %s with an ordinary name: %d %s", row.method, row.path, rec.Code, rec.Body.String())
		}
	}

	// Free text keeps tabs and line breaks and refuses the other control characters.
	if rec := e.do("POST", "/api/v1/teams", u.Token, map[string]any{"name": "Ops", "description": "first line\r\n\tsecond"}); rec.Code != http.StatusCreated {
		t.Errorf("multi-line description: %d %s", rec.Code, rec.Body.String())
	}
	rec := e.do("POST", "/api/v1/teams", u.Token, map[string]any{"name": "Ops 2", "description": "bell\x07"})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"description":"must not contain control characters"`) {
		t.Errorf("description with a bell: %d %s", rec.Code, rec.Body.String())
	}
}

// TestImportRefusesControlCharactersInNames applies the same rule to imported documents,
// YAML escapes included, naming the element's field.
func TestImportRefusesControlCharactersInNames(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	doc := `services:
- name: "Shop\e[31m"
  endpoint: https://shop.example.com
  check_type: http
heartbeats:
- name: "Nightly\nbackup"
  schedule: every 1d
status_pages:
- name: "Status\u202e"
  slug: status-ctl
`
	rec := e.doConfig("POST", "/api/v1/import?dry_run=true", u.Token, "application/yaml", "", doc)
	body := decode[struct{ Fields map[string]string }](t, rec)
	if rec.Code != http.StatusUnprocessableEntity || len(body.Fields) != 3 || body.Fields["services[0].name"] == "" ||
		body.Fields["heartbeats[0].name"] == "" || body.Fields["status_pages[0].name"] == "" {
		t.Fatalf("import with control characters in names: %d %s", rec.Code, rec.Body.String())
	}
}

package api

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// Secrets of the configuration fixture: none may ever appear in an export.
var configSecrets = []string{"s3cret-pass", "hdr-secret-value", "XXXXsecretXXXX", "tok3n-in-query", "whsec-fixture-secret-0123456789"}

// configFixture fills an organization with one object of every exported kind, several
// holding secrets, through the API, and returns their owner.
func configFixture(e *testEnv, email, name string) *testUser {
	e.t.Helper()
	u := e.newUser(email, name)
	posts := []struct {
		path string
		body any
	}{
		{"/api/v1/services", map[string]any{"name": "Checkout", "endpoint": "https://checkout.example.com/health", "check_type": "http",
			"check_interval_seconds": 30, "tags": []string{"prod", "shop"}, "sla_target": 99.5, "environment": "production",
			"options": map[string]any{"headers": map[string]string{"X-Api-Key": "hdr-secret-value"}, "expected_status": "2xx"},
			"auth":    map[string]any{"type": "basic", "username": "ops", "password": "s3cret-pass"}}},
		{"/api/v1/services", map[string]any{"name": "Database", "endpoint": "db.example.com:5432", "check_type": "postgres"}},
		{"/api/v1/heartbeats", map[string]any{"name": "Nightly backup", "schedule": "every 1d", "grace_period_seconds": 600}},
		{"/api/v1/notification-channels", map[string]any{"name": "Ops mail", "type": "email", "config": map[string]any{"to": []string{"ops@example.com"}}}},
		{"/api/v1/notification-channels", map[string]any{"name": "Slack", "type": "slack", "severities": []string{"critical"},
			"config": map[string]any{"url": "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"}}},
		{"/api/v1/maintenance-windows", map[string]any{"name": "DB upgrade", "service_ids": []string{}, "description": "major version",
			"starts_at": "2026-12-01T22:00:00Z", "ends_at": "2026-12-01T23:30:00Z", "suppress_alerts": false}},
		{"/api/v1/maintenance-windows", map[string]any{"name": "Nightly", "starts_at": "2026-03-01T01:00:00Z", "timezone": "Europe/Berlin",
			"recurrence": map[string]any{"type": "weekly", "days_of_week": []int{1, 3}, "duration_minutes": 45}}},
		{"/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/alertify?token=tok3n-in-query", "events": []string{"monitor.down", "monitor.recovered"},
			"secret": "whsec-fixture-secret-0123456789"}},
	}
	for _, p := range posts {
		if rec := e.do("POST", p.path, u.Token, p.body); rec.Code != http.StatusCreated {
			e.t.Fatalf("POST %s: %d %s", p.path, rec.Code, rec.Body.String())
		}
	}
	// References: the one-off window covers Database, a policy pages Slack, rules watch a
	// service, a heartbeat and everything, a status page shows a service and a heartbeat.
	id := func(path, name string) string {
		for _, o := range decode[[]map[string]any](e.t, e.do("GET", path, u.Token, nil)) {
			if o["name"] == name {
				return o["id"].(string)
			}
		}
		e.t.Fatalf("%s has no %q", path, name)
		return ""
	}
	checkout, database := id("/api/v1/services", "Checkout"), id("/api/v1/services", "Database")
	backup, slack := id("/api/v1/heartbeats", "Nightly backup"), id("/api/v1/notification-channels", "Slack")
	if rec := e.do("PUT", "/api/v1/maintenance-windows/"+id("/api/v1/maintenance-windows", "DB upgrade"), u.Token,
		map[string]any{"service_ids": []string{database}}); rec.Code != http.StatusOK {
		e.t.Fatalf("PUT window: %d %s", rec.Code, rec.Body.String())
	}
	more := []struct {
		path string
		body any
	}{
		{"/api/v1/escalation-policies", map[string]any{"name": "Primary", "repeat": 1, "rules": []map[string]any{
			{"delay_minutes": 0, "notify_type": "channel", "notify_id": slack}, {"delay_minutes": 15, "notify_type": "channel", "notify_id": slack}}}},
		{"/api/v1/alert-rules", map[string]any{"name": "Checkout down", "service_id": checkout, "severity": "critical", "channel_ids": []string{slack},
			"escalation_policy_id": "POLICY", "condition": map[string]any{"consecutive_failures": 3, "expression": "response_time > 5000"}}},
		{"/api/v1/alert-rules", map[string]any{"name": "Everything", "severity": "warning", "reminder_interval_minutes": 60}},
		{"/api/v1/alert-rules", map[string]any{"name": "Backup missed", "heartbeat_id": backup, "severity": "info", "notify_on_recovery": false}},
		{"/api/v1/status-pages", map[string]any{"name": "Public status", "slug": "acme-status", "branding": map[string]any{"primary_color": "#112233"},
			"components": []map[string]any{{"name": "Shop", "service_id": checkout, "group": "Core"}, {"name": "Backups", "heartbeat_id": backup, "display_order": 2}}}},
	}
	policy := ""
	for _, p := range more {
		if body, ok := p.body.(map[string]any); ok && body["escalation_policy_id"] == "POLICY" {
			body["escalation_policy_id"] = policy
		}
		rec := e.do("POST", p.path, u.Token, p.body)
		if rec.Code != http.StatusCreated {
			e.t.Fatalf("POST %s: %d %s", p.path, rec.Code, rec.Body.String())
		}
		if policy == "" {
			policy = decode[map[string]any](e.t, rec)["id"].(string)
		}
	}
	// A rule that opens an incident on the page's "Shop" component: the export names both.
	pages := decode[[]map[string]any](e.t, e.do("GET", "/api/v1/status-pages", u.Token, nil))
	page := pages[0]
	shop := page["components"].([]any)[0].(map[string]any)["id"]
	rec := e.do("POST", "/api/v1/alert-rules", u.Token, map[string]any{"name": "Shop incident", "service_id": checkout,
		"create_status_page_incident": map[string]any{"status_page_id": page["id"], "component_id": shop, "severity": "major"}})
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("POST incident rule: %d %s", rec.Code, rec.Body.String())
	}
	return u
}

// doConfig sends body with an explicit Content-Type (and Accept, when given).
func (e *testEnv) doConfig(method, path, token, contentType, accept, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = net.JoinHostPort("192.0.2.10", "40000")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

// exportJSON returns the organization's export as a generic JSON document.
func (e *testEnv) exportJSON(token string) map[string]any {
	e.t.Helper()
	rec := e.do("GET", "/api/v1/export?format=json", token, nil)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("export: %d %s", rec.Code, rec.Body.String())
	}
	return decode[map[string]any](e.t, rec)
}

// TestConfigExport checks the formats, that references are names, and that no secret and
// no ID leaves the server.
func TestConfigExport(t *testing.T) {
	e := newTestEnv(t)
	u := configFixture(e, "ada@example.com", "Ada")
	svcs := decode[[]map[string]any](t, e.do("GET", "/api/v1/services", u.Token, nil))
	viewer := e.join(u.OrgID, e.newUser("val@example.com", "Val"), roleViewer)

	yamlRec := e.do("GET", "/api/v1/export", viewer, nil)
	if yamlRec.Code != http.StatusOK || !strings.HasPrefix(yamlRec.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("yaml export: %d %v", yamlRec.Code, yamlRec.Header())
	}
	jsonRec := e.doConfig("GET", "/api/v1/export", viewer, "", "application/json", "")
	if !strings.HasPrefix(jsonRec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("Accept: application/json gave %v", jsonRec.Header())
	}
	// The YAML is the JSON document, key for key.
	fromYAML, err := yaml.YAMLToJSON(yamlRec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(fromYAML, &a) != nil || json.Unmarshal(jsonRec.Body.Bytes(), &b) != nil || !sameJSON(a, b) {
		t.Errorf("YAML and JSON exports differ:\n%s\n%s", fromYAML, jsonRec.Body.String())
	}
	for _, body := range []string{yamlRec.Body.String(), jsonRec.Body.String()} {
		for _, secret := range append(configSecrets, svcs[0]["id"].(string), svcs[1]["id"].(string), u.OrgID) {
			if strings.Contains(body, secret) {
				t.Errorf("export contains %q:\n%s", secret, body)
			}
		}
	}
	for _, want := range []string{"name: Checkout", "configured: true", `X-Api-Key: "********"`, `url: "********"`,
		"token=********", "- Database", "schedule: every 1d", "days_of_week:", "notify: Slack", "escalation_policy: Primary",
		"service: Checkout", "heartbeat: Nightly backup", "slug: acme-status", "expression: response_time > 5000"} {
		if !strings.Contains(yamlRec.Body.String(), want) {
			t.Errorf("YAML export lacks %q:\n%s", want, yamlRec.Body.String())
		}
	}
	e.run([]scenario{
		{name: "no token", method: "GET", path: "/api/v1/export", status: 401},
		{name: "bad format", method: "GET", path: "/api/v1/export?format=xml", token: u.Token, status: 422},
		{name: "another organization exports only its own", method: "GET", path: "/api/v1/export?format=json",
			token: e.newUser("eve@example.com", "Eve").Token, status: 200,
			contains: []string{`"services":[]`, `"webhooks":[]`}, notContains: []string{"Checkout"}},
	})
}

// TestExportSlots bounds the exports running at once per organization: the third of one
// organization is a 429 with the flat rate_limited body's fields (retry in a second), another
// organization is not affected, and a released slot is free again.
func TestExportSlots(t *testing.T) {
	var slots exportSlots
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var releases []func()
	for range maxExportsPerOrg {
		release, err := slots.acquire("org-a", now)
		if err != nil {
			t.Fatalf("slot %d: %v", len(releases), err)
		}
		releases = append(releases, release)
	}
	_, err := slots.acquire("org-a", now)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTooManyRequests || apiErr.Code != "rate_limited" ||
		apiErr.RetryAfter == nil || !apiErr.RetryAfter.Equal(now.Add(time.Second)) {
		t.Fatalf("third export of one organization: %#v", err)
	}
	if release, err := slots.acquire("org-b", now); err != nil {
		t.Fatalf("another organization: %v", err)
	} else {
		release()
	}
	releases[0]()
	if _, err := slots.acquire("org-a", now); err != nil {
		t.Fatalf("after a release: %v", err)
	}
	releases[1]()
	if n := slots.running["org-a"]; n != 1 {
		t.Errorf("running = %d, want 1", n)
	}
}

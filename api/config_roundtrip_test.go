package api

import (
	"net/http"
	"testing"
)

// awkwardFixture fills an organization with objects of every exported kind whose names
// and texts are awkward for YAML — indicators in front, words YAML reads as other types,
// ": " and " #" inside, quotes, multi-line and tabbed text, non-ASCII — and references
// between them by those names. It returns the owner and how many objects it configured.
func awkwardFixture(e *testEnv) (*testUser, int) {
	e.t.Helper()
	u := e.newUser("ada@example.com", "Ada")
	post := func(path string, body map[string]any) string {
		e.t.Helper()
		rec := e.do("POST", path, u.Token, body)
		if rec.Code != http.StatusCreated {
			e.t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body.String())
		}
		return decode[map[string]any](e.t, rec)["id"].(string)
	}
	svc := func(name, description string, tags ...string) string {
		return post("/api/v1/services", map[string]any{"name": name, "description": description, "tags": tags,
			"environment": "prod: eu #1", "endpoint": "https://shop.example.com/a?x=1&y=%20#frag", "check_type": "http",
			"options": map[string]any{"body_contains": "\"ok\": true # really", "headers": map[string]string{"Accept": "*/*"}}})
	}
	shop := svc(`Shop: "front" #1`, "line 1\nline 2\ttabbed — it's 100%\n", "- dash", "yes", "null")
	yes := svc("yes", "~")
	svc("- leading dash", "  indented\n    more\n", "2026-01-01")
	svc("123", "*star &anchor !tag |pipe >fold @at `tick`")
	zurich := svc("Zürich · 東京 🚀", "\"double\" and 'single' and \\backslash")
	beat := post("/api/v1/heartbeats", map[string]any{"name": "[cron] nightly: 03:00 #main", "schedule": "every 1d", "timezone": "Europe/Berlin"})
	mail := post("/api/v1/notification-channels", map[string]any{"name": "null", "type": "email",
		"config": map[string]any{"to": []string{"ops+alerts@example.com"}}})
	post("/api/v1/notification-channels", map[string]any{"name": "Ops & On-call: *critical*", "type": "email",
		"config": map[string]any{"to": []string{"oncall@example.com"}}, "severities": []string{"critical"}})
	team := post("/api/v1/teams", map[string]any{"name": "Team: ops"})
	policy := post("/api/v1/escalation-policies", map[string]any{"name": "'quoted' policy", "description": "first\nsecond",
		"rules": []map[string]any{{"notify_type": "channel", "notify_id": mail}, {"delay_minutes": 5, "notify_type": "team", "notify_id": team}}})
	page := post("/api/v1/status-pages", map[string]any{"name": "@status", "slug": "awkward-status",
		"branding": map[string]any{"company_name": `ACME, Inc. — "quoted"`},
		"components": []map[string]any{{"name": "API: v2", "group": "#core", "description": "desc\twith tab", "service_id": shop},
			{"name": "- cron", "heartbeat_id": beat}}})
	comp := decode[statusPageView](e.t, e.do("GET", "/api/v1/status-pages/"+page, u.Token, nil)).Components[0].ID
	post("/api/v1/alert-rules", map[string]any{"name": "true", "service_id": shop, "channel_ids": []string{mail},
		"escalation_policy_id": policy, "condition": map[string]any{"expression": "response_time > 5000 && status_code != 200"},
		"create_status_page_incident": map[string]any{"status_page_id": page, "component_id": comp}})
	post("/api/v1/alert-rules", map[string]any{"name": "? heartbeat", "heartbeat_id": beat})
	post("/api/v1/maintenance-windows", map[string]any{"name": "> maintenance", "description": "multi\nline\n",
		"service_ids": []string{shop, yes}, "starts_at": "2026-12-01T22:00:00Z", "ends_at": "2026-12-01T23:30:00Z"})
	post("/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/a?x=1&y=%20#frag",
		"events": []string{"monitor.down"}, "secret": "whsec-awkward-fixture-0123456789"})
	post("/api/v1/scheduled-reports", map[string]any{"name": "# monthly: SLA", "frequency": "monthly", "format": "csv",
		"timezone": "America/New_York", "service_ids": []string{zurich, shop}, "recipients": []string{"boss+sla@example.com"}})
	return u, 5 + 1 + 2 + 1 + 1 + 2 + 1 + 1 + 1 // services, heartbeat, channels, policy, page, rules, window, webhook, report
}

// TestConfigRoundTripAwkwardStrings exports an organization of awkward names and texts
// and imports the export back, as YAML and as JSON, dry and for real: nothing changes,
// everything counts as unchanged, and the exports before and after are identical.
func TestConfigRoundTripAwkwardStrings(t *testing.T) {
	e := newTestEnv(t)
	u, objects := awkwardFixture(e)
	yamlDoc, jsonDoc := e.reimportOwnExport(u.Token, objects)
	if again := e.do("GET", "/api/v1/export", u.Token, nil).Body.String(); again != yamlDoc {
		t.Errorf("export changed after re-import:\n%s\n---\n%s", yamlDoc, again)
	}
	if again := e.do("GET", "/api/v1/export?format=json", u.Token, nil).Body.String(); again != jsonDoc {
		t.Errorf("JSON export changed after re-import:\n%s\n---\n%s", jsonDoc, again)
	}
}

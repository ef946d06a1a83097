package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// mustCreateService posts body to /services with token and returns the created object.
func (e *testEnv) mustCreateService(token string, body map[string]any) map[string]any {
	e.t.Helper()
	rec := e.do("POST", "/api/v1/services", token, body)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create service: %d %s", rec.Code, rec.Body.String())
	}
	return decode[map[string]any](e.t, rec)
}

// serviceKeys is the exact key set of the SPEC §3.6 object.
var serviceKeys = []string{"id", "organization_id", "name", "description", "environment", "endpoint",
	"check_type", "check_interval_seconds", "timeout_seconds", "status", "paused", "tags",
	"degraded_threshold_ms", "sla_target", "options", "auth", "last_checked_at",
	"last_response_time_ms", "last_status_code", "last_error", "last_timings", "created_at", "updated_at",
	"locations", "location_quorum", "location_status", // SPEC §8
	"response_time_warning", "response_time_critical"}

func TestServicesEmptyListIsArray(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	rec := e.do("GET", "/api/v1/services", u.Token, nil)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Fatalf("empty list = %d %q, want exactly []", rec.Code, rec.Body.String())
	}
}

func TestServiceCreateDefaults(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	got := e.mustCreateService(u.Token, map[string]any{"name": " Main site ", "endpoint": "https://example.com/health", "check_type": "https"})
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := append([]string(nil), serviceKeys...)
	sort.Strings(want)
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %v\nwant %v", keys, want)
	}
	expect := map[string]any{
		"organization_id": u.OrgID, "name": "Main site", "description": "", "environment": "",
		"endpoint": "https://example.com/health", "check_type": "HTTP", "check_interval_seconds": 60.0,
		"timeout_seconds": 10.0, "status": "PENDING", "paused": false, "tags": []any{},
		"degraded_threshold_ms": 1000.0, "sla_target": nil, "auth": nil, "last_checked_at": nil,
		"last_response_time_ms": nil, "last_status_code": nil, "last_error": nil,
		"created_at": "2026-11-25T12:00:00Z", "updated_at": "2026-11-25T12:00:00Z",
		"options": map[string]any{"method": "GET", "headers": map[string]any{}, "expected_status": "2xx",
			"follow_redirects": true, "verify_tls": true, "ssl_warn_days": 30.0},
	}
	for k, v := range expect {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if id, _ := got["id"].(string); len(id) != 36 {
		t.Errorf("id %q is not a UUID", id)
	}
	// REDIS starts with the tighter degraded threshold; a short interval gets a timeout below it.
	redis := e.mustCreateService(u.Token, map[string]any{"name": "Cache", "endpoint": "cache.internal:6379",
		"check_type": "redis", "check_interval_seconds": 10})
	if redis["degraded_threshold_ms"] != 500.0 || redis["timeout_seconds"] != 9.0 || fmt.Sprint(redis["options"]) != "map[]" {
		t.Errorf("redis defaults: %v", redis)
	}
}

func TestServiceCheckTypeAliases(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	if _, err := e.db.UpdateOrganization(u.OrgID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ given, want, endpoint string }{
		{"http", "HTTP", "http://example.com"}, {"HTTPS", "HTTP", "https://example.com"},
		{"tcp", "TCP", "example.com:22"}, {"Telnet", "TCP", "example.com:23"},
		{"udp", "UDP", "192.0.2.1:53"}, {"ping", "PING", "192.0.2.1"}, {"icmp", "PING", "router.lan"},
		{"dns", "DNS", "example.com"}, {"websocket", "WEBSOCKET", "wss://example.com/ws"},
		{"ws", "WEBSOCKET", "ws://example.com"}, {"smtp", "SMTP", "mail.example.com:25"},
		{"imap", "IMAP", "mail.example.com:993"}, {"ftp", "FTP", "ftp.example.com:21"},
		{"ssh", "SSH", "[2001:db8::1]:22"}, {"redis", "REDIS", "cache:6379"},
		{"mysql", "MYSQL", "db:3306"}, {"MariaDB", "MYSQL", "db:3306"},
		{"postgres", "POSTGRES", "db:5432"}, {"postgresql", "POSTGRES", "db:5432"},
		{"mongodb", "MONGODB", "db:27017"}, {"mongo", "MONGODB", "db:27017"},
		{"grpc", "GRPC", "api.example.com:443"}, {"ssl", "SSL", "example.com"},
	}
	for i, c := range cases {
		got := e.mustCreateService(u.Token, map[string]any{"name": fmt.Sprintf("svc %d", i), "endpoint": c.endpoint, "check_type": c.given})
		if got["check_type"] != c.want {
			t.Errorf("%s → %v, want %s", c.given, got["check_type"], c.want)
		}
	}
	rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{"name": "x", "endpoint": "example.com", "check_type": "gopher"})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown type: %d", rec.Code)
	}
	fields := decode[map[string]any](t, rec)["fields"].(map[string]any)
	if msg, _ := fields["check_type"].(string); !strings.Contains(msg, "HTTP") || !strings.Contains(msg, "MONGODB") {
		t.Fatalf("check_type message does not list the valid types: %q", msg)
	}
}

func TestServicePlanLimit(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	for i := range 5 {
		e.mustCreateService(u.Token, map[string]any{"name": fmt.Sprintf("svc %d", i), "endpoint": "example.com:80", "check_type": "tcp"})
	}
	rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{"name": "sixth", "endpoint": "example.com:80", "check_type": "tcp"})
	if rec.Code != http.StatusPaymentRequired {
		t.Fatalf("6th service: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "plan_limit_reached")
	// The message says how many of how many, so the reader knows what to remove or lift.
	if msg := decode[map[string]any](t, rec)["message"]; msg != "Service limit reached: 5 of 5 services on the free plan. Remove a service or move to a larger plan." {
		t.Errorf("message %q", msg)
	}
	if n, _ := e.db.CountServices(u.OrgID); n != 5 {
		t.Fatalf("count %d after refusal", n)
	}
	if list := decode[[]map[string]any](t, e.do("GET", "/api/v1/services", u.Token, nil)); len(list) != 5 {
		t.Fatalf("list has %d", len(list))
	}
}

func TestServiceListFilters(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	e.mustCreateService(u.Token, map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "http",
		"environment": "Production", "tags": []string{"web", "eu"}, "description": "The storefront"})
	e.mustCreateService(u.Token, map[string]any{"name": "Orders DB", "endpoint": "db.internal:5432", "check_type": "postgresql",
		"environment": "production", "tags": []string{"db"}})
	paused := e.mustCreateService(u.Token, map[string]any{"name": "Staging API", "endpoint": "https://staging.example.com", "check_type": "http",
		"environment": "staging", "tags": []string{"Web"}, "paused": true})
	names := func(path string) string {
		rec := e.do("GET", path, u.Token, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		var out []string
		for _, s := range decode[[]map[string]any](t, rec) {
			out = append(out, s["name"].(string))
		}
		return strings.Join(out, ",")
	}
	cases := map[string]string{
		"/api/v1/services":                             "Shop,Orders DB,Staging API",
		"/api/v1/services?status=paused":               "Staging API",
		"/api/v1/services?status=PENDING":              "Shop,Orders DB",
		"/api/v1/services?tag=WEB":                     "Shop,Staging API",
		"/api/v1/services?environment=PRODUCTION":      "Shop,Orders DB",
		"/api/v1/services?check_type=postgres":         "Orders DB",
		"/api/v1/services?check_type=https":            "Shop,Staging API",
		"/api/v1/services?q=STOREFRONT":                "Shop",
		"/api/v1/services?q=internal":                  "Orders DB",
		"/api/v1/services?q=api&environment=staging":   "Staging API",
		"/api/v1/services?tag=web&environment=staging": "Staging API",
		"/api/v1/services?q=nothing-matches":           "",
		"/api/v1/services?limit=2":                     "Shop,Orders DB",
	}
	for path, want := range cases {
		if got := names(path); got != want {
			t.Errorf("%s → %q, want %q", path, got, want)
		}
	}
	rec := e.do("GET", "/api/v1/services?limit=2", u.Token, nil)
	next := rec.Header().Get("X-Next-Cursor")
	if got := names("/api/v1/services?limit=2&cursor=" + next); next == "" || got != "Staging API" {
		t.Errorf("second page %q (cursor %q)", got, next)
	}
	if paused["status"] != "PAUSED" || paused["paused"] != true {
		t.Errorf("created paused: %v", paused)
	}
	for _, bad := range []string{"?status=purple", "?check_type=gopher", "?limit=0"} {
		if rec := e.do("GET", "/api/v1/services"+bad, u.Token, nil); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
}

func TestServiceUpdatePauseResumeDelete(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.mustCreateService(u.Token, map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "http",
		"tags": []string{"web"}, "sla_target": 99.9, "check_interval_seconds": 120, "timeout_seconds": 30})
	e.mustCreateService(u.Token, map[string]any{"name": "Other", "endpoint": "example.com:22", "check_type": "ssh"})
	path := "/api/v1/services/" + svc["id"].(string)
	field := func(key string, want any) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			if got := decode[map[string]any](t, rec)[key]; !reflect.DeepEqual(got, want) {
				t.Fatalf("%s = %#v, want %#v", key, got, want)
			}
		}
	}
	e.clock.Advance(1e9)
	e.run([]scenario{
		{name: "get", method: "GET", path: path, token: u.Token, status: 200, check: field("sla_target", 99.9)},
		{name: "patch description only", method: "PATCH", path: path, token: u.Token, body: map[string]any{"description": "new"},
			status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				if got["description"] != "new" || got["check_interval_seconds"] != 120.0 || got["sla_target"] != 99.9 ||
					got["updated_at"] != "2026-11-25T12:00:01Z" || got["created_at"] != "2026-11-25T12:00:00Z" {
					t.Fatalf("patch: %v", got)
				}
			}},
		{name: "patch sla null clears", method: "PATCH", path: path, token: u.Token, body: `{"sla_target":null}`, status: 200, check: field("sla_target", nil)},
		{name: "patch interval below timeout", method: "PATCH", path: path, token: u.Token, body: map[string]any{"check_interval_seconds": 20},
			status: 422, contains: []string{`"timeout_seconds"`}},
		{name: "patch name conflict", method: "PATCH", path: path, token: u.Token, body: map[string]any{"name": "OTHER"}, status: 409},
		{name: "patch type needs new options", method: "PATCH", path: path, token: u.Token, body: map[string]any{"check_type": "tcp", "endpoint": "shop.example.com:443"},
			status: 422, contains: []string{`"options.method":"is not an option of TCP"`}},
		{name: "patch type re-validates endpoint", method: "PATCH", path: path, token: u.Token, body: map[string]any{"check_type": "tcp", "options": map[string]any{}},
			status: 422, contains: []string{`"endpoint":"must be host:port`}},
		{name: "patch type change", method: "PATCH", path: path, token: u.Token,
			body: map[string]any{"check_type": "redis", "endpoint": "cache:6379", "options": map[string]any{}}, status: 200,
			check: field("degraded_threshold_ms", 500.0)},
		{name: "put requires fields", method: "PUT", path: path, token: u.Token, body: map[string]any{"name": "Shop"}, status: 422,
			contains: []string{`"endpoint":"is required"`, `"check_type":"is required"`}},
		{name: "put replaces", method: "PUT", path: path, token: u.Token,
			body:   map[string]any{"name": "Shop v2", "endpoint": "https://v2.example.com", "check_type": "HTTP", "options": map[string]any{"method": "head"}},
			status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				if got["name"] != "Shop v2" || got["check_interval_seconds"] != 60.0 || fmt.Sprint(got["tags"]) != "[]" ||
					got["options"].(map[string]any)["method"] != "HEAD" || got["degraded_threshold_ms"] != 1000.0 {
					t.Fatalf("put: %v", got)
				}
			}},
		{name: "pause", method: "POST", path: path + "/pause", token: u.Token, status: 200, contains: []string{`"paused":true`, `"status":"PAUSED"`}},
		{name: "pause again", method: "POST", path: path + "/pause", token: u.Token, status: 200, contains: []string{`"status":"PAUSED"`}},
		{name: "put keeps paused", method: "PUT", path: path, token: u.Token,
			body: map[string]any{"name": "Shop v2", "endpoint": "https://v2.example.com/x", "check_type": "http"}, status: 200, contains: []string{`"status":"PAUSED"`}},
		{name: "resume", method: "POST", path: path + "/resume", token: u.Token, status: 200, contains: []string{`"paused":false`, `"status":"PENDING"`}},
		{name: "unknown field", method: "PATCH", path: path, token: u.Token, body: map[string]any{"colour": "red"}, status: 400},
		{name: "delete", method: "DELETE", path: path, token: u.Token, status: 204},
		{name: "gone", method: "GET", path: path, token: u.Token, status: 404},
		{name: "delete again", method: "DELETE", path: path, token: u.Token, status: 404},
		{name: "pause gone", method: "POST", path: path + "/pause", token: u.Token, status: 404},
	})
	entries, _, err := e.db.AuditLogs(u.OrgID, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, a := range entries {
		counts[a.Event]++
		if a.Resource.Type == "service" && (len(a.Metadata) != 2 || a.Metadata["check_type"] == nil || a.Metadata["name"] == nil) {
			t.Errorf("%s metadata %v", a.Event, a.Metadata)
		}
	}
	want := map[string]int{"service.created": 2, "service.updated": 5, "service.paused": 1, "service.resumed": 1, "service.deleted": 1}
	for ev, n := range want {
		if counts[ev] != n {
			t.Errorf("%s recorded %d times, want %d (all: %v)", ev, counts[ev], n, counts)
		}
	}
}

// TestServiceRoundTrip sends back what GET answered: read-only fields are ignored, masked
// header values and {type, configured} auth keep the stored secrets.
func TestServiceRoundTrip(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.mustCreateService(u.Token, map[string]any{"name": "API", "endpoint": "https://api.example.com", "check_type": "http",
		"auth": map[string]any{"type": "bearer", "token": "tok-1"}, "options": map[string]any{"headers": map[string]any{"x-api-key": "k-1"}}})
	path := "/api/v1/services/" + svc["id"].(string)
	got := decode[map[string]any](t, e.do("GET", path, u.Token, nil))
	got["description"] = "round-tripped"
	rec := e.do("PUT", path, u.Token, got)
	if rec.Code != http.StatusOK {
		t.Fatalf("round trip: %d %s", rec.Code, rec.Body.String())
	}
	s, err := e.db.Service(u.OrgID, svc["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := newBase(e.deps).openCredentials(u.OrgID, s)
	if err != nil || creds.Auth == nil || creds.Auth.Token != "tok-1" || creds.Headers["X-Api-Key"] != "k-1" || s.Description != "round-tripped" {
		t.Fatalf("after round trip: %+v %v", creds, err)
	}
	// Keeping a credential that is not stored is an error, not a silent no-op.
	rec = e.do("PATCH", path, u.Token, map[string]any{"auth": map[string]any{"type": "basic", "configured": true}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"auth"`) {
		t.Fatalf("keep missing basic: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do("PATCH", path, u.Token, map[string]any{"options": map[string]any{"headers": map[string]any{"X-Other": "********"}}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "options.headers.X-Other") {
		t.Fatalf("keep missing header: %d %s", rec.Code, rec.Body.String())
	}
	// auth null removes the credential; headers absent from a PATCH stay.
	rec = e.do("PATCH", path, u.Token, `{"auth":null}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"auth":null`) || !strings.Contains(rec.Body.String(), `"X-Api-Key":"********"`) {
		t.Fatalf("auth null: %d %s", rec.Code, rec.Body.String())
	}
}

// TestServiceAuthorization covers a viewer (403 on every write) and another organization
// (404 on every endpoint).
func TestServiceAuthorization(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("ada@example.com", "Ada")
	outsider := e.newUser("eve@example.com", "Eve")
	_, viewer := e.newMember(owner.OrgID, "vic@example.com", "Vic", roleViewer)
	svc := e.mustCreateService(owner.Token, map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "http"})
	path := "/api/v1/services/" + svc["id"].(string)
	body := map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "http"}
	rows := []scenario{
		{name: "viewer reads", method: "GET", path: path, token: viewer, status: 200},
		{name: "viewer lists", method: "GET", path: "/api/v1/services", token: viewer, status: 200, contains: []string{svc["id"].(string)}},
		{name: "viewer create", method: "POST", path: "/api/v1/services", token: viewer, body: body, status: 403},
		{name: "viewer put", method: "PUT", path: path, token: viewer, body: body, status: 403},
		{name: "viewer patch", method: "PATCH", path: path, token: viewer, body: map[string]any{"name": "x"}, status: 403},
		{name: "viewer delete", method: "DELETE", path: path, token: viewer, status: 403},
		{name: "viewer pause", method: "POST", path: path + "/pause", token: viewer, status: 403},
		{name: "viewer resume", method: "POST", path: path + "/resume", token: viewer, status: 403},

		{name: "other org list hides it", method: "GET", path: "/api/v1/services", token: outsider.Token, status: 200, notContains: []string{svc["id"].(string)}},
		{name: "other org list via ?org=", method: "GET", path: "/api/v1/services?org=" + owner.OrgSlug, token: outsider.Token, status: 404},
		{name: "other org get", method: "GET", path: path, token: outsider.Token, status: 404},
		{name: "other org create via body", method: "POST", path: "/api/v1/services", token: outsider.Token,
			body: map[string]any{"organization_id": owner.OrgID, "name": "x", "endpoint": "example.com:1", "check_type": "tcp"}, status: 404},
		{name: "other org put", method: "PUT", path: path, token: outsider.Token, body: body, status: 404},
		{name: "other org put via body org", method: "PUT", path: path, token: outsider.Token,
			body: map[string]any{"organization_id": owner.OrgID, "name": "x", "endpoint": "example.com:1", "check_type": "tcp"}, status: 404},
		{name: "other org patch", method: "PATCH", path: path, token: outsider.Token, body: map[string]any{"name": "x"}, status: 404},
		{name: "other org delete", method: "DELETE", path: path, token: outsider.Token, status: 404},
		{name: "other org pause", method: "POST", path: path + "/pause", token: outsider.Token, status: 404},
		{name: "other org resume", method: "POST", path: path + "/resume", token: outsider.Token, status: 404},
		{name: "no token", method: "GET", path: path, status: 401},
		{name: "still intact", method: "GET", path: path, token: owner.Token, status: 200, contains: []string{`"name":"Shop"`, `"paused":false`}},
	}
	for i := range rows {
		if code := map[int]string{404: "not_found", 403: "forbidden"}[rows[i].status]; code != "" {
			rows[i].check = func(t *testing.T, rec *httptest.ResponseRecorder) { assertErrorBody(t, rec, code) }
		}
	}
	e.run(rows)
	if n, _ := e.db.CountServices(outsider.OrgID); n != 0 {
		t.Fatalf("outsider's organization got %d services", n)
	}
}

// TestServiceCreateInBodyOrganization selects another organization the caller belongs to.
func TestServiceCreateInBodyOrganization(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	e.join(bob.OrgID, ada, roleMember)
	got := e.mustCreateService(ada.Token, map[string]any{"organization_id": bob.OrgID, "name": "Bob's", "endpoint": "example.com", "check_type": "dns"})
	if got["organization_id"] != bob.OrgID {
		t.Fatalf("created in %v", got["organization_id"])
	}
	if n, _ := e.db.CountServices(bob.OrgID); n != 1 {
		t.Fatalf("bob's org has %d", n)
	}
	if rec := e.do("GET", "/api/v1/services/"+got["id"].(string)+"?org="+bob.OrgSlug, ada.Token, nil); rec.Code != 200 {
		t.Fatalf("get via ?org=: %d", rec.Code)
	}
	if rec := e.do("GET", "/api/v1/services/"+got["id"].(string), ada.Token, nil); rec.Code != 404 {
		t.Fatalf("get in own org: %d", rec.Code)
	}
}

func TestServiceNameConflict(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	e.mustCreateService(u.Token, map[string]any{"name": "Shop", "endpoint": "example.com:80", "check_type": "tcp"})
	rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{"name": "SHOP", "endpoint": "example.com:80", "check_type": "tcp"})
	if rec.Code != http.StatusConflict {
		t.Fatalf("duplicate: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "conflict")
}

// TestServiceTypeChangeWithAuth: a credential the new check type cannot use must be removed
// explicitly, never dropped silently.
func TestServiceTypeChangeWithAuth(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.mustCreateService(u.Token, map[string]any{"name": "API", "endpoint": "https://api.example.com", "check_type": "http",
		"auth": map[string]any{"type": "bearer", "token": "t-1"}})
	path := "/api/v1/services/" + svc["id"].(string)
	e.run([]scenario{
		{name: "to TCP keeping auth", method: "PATCH", path: path, token: u.Token,
			body:   map[string]any{"check_type": "tcp", "endpoint": "api.example.com:443", "options": map[string]any{}},
			status: 422, contains: []string{`"auth":"is not used by TCP checks`}},
		{name: "to REDIS with bearer", method: "PATCH", path: path, token: u.Token,
			body:   map[string]any{"check_type": "redis", "endpoint": "cache:6379", "options": map[string]any{}},
			status: 422, contains: []string{`"auth":"must be of type basic for REDIS checks"`}},
		{name: "to TCP removing auth", method: "PATCH", path: path, token: u.Token,
			body:   `{"check_type":"telnet","endpoint":"api.example.com:443","options":{},"auth":null,"paused":true}`,
			status: 200, contains: []string{`"check_type":"TCP"`, `"auth":null`, `"status":"PAUSED"`, `"options":{}`}},
		{name: "paused false via patch", method: "PATCH", path: path, token: u.Token, body: map[string]any{"paused": false},
			status: 200, contains: []string{`"status":"PENDING"`, `"paused":false`}},
	})
	if s, _ := e.db.Service(u.OrgID, svc["id"].(string)); s.Auth != nil {
		t.Fatalf("auth kept: %+v", s.Auth)
	}
}

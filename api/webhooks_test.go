package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

func TestWebhookRoutes(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	stranger := e.newUser("stranger@example.com", "Stranger")
	_, viewerTok := e.newMember(owner.OrgID, "viewer@example.com", "Viewer", roleViewer)
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	const base = "/api/v1/webhooks"

	var hook webhookView
	var generated string
	e.run([]scenario{
		{name: "create with a generated secret", method: "POST", path: base, token: owner.Token,
			body:   map[string]any{"url": recv.URL + "/in?token=tok-in-query-4411&v=2", "events": []string{"Member.Invited", "monitor.DOWN", "member.invited"}},
			status: http.StatusCreated, contains: []string{`"secret":"whsec_`, `"enabled":true`},
			notContains: []string{"tok-in-query-4411", "sealed"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				hook = decode[webhookView](t, rec)
				generated = hook.Secret
				if !slices.Equal(hook.Events, []string{"monitor.down", "member.invited"}) ||
					hook.URL != recv.URL+"/in?token=********&v=********" || hook.OrganizationID != owner.OrgID {
					t.Fatalf("created = %+v", hook)
				}
			}},
		{name: "create with a given secret", method: "POST", path: base, token: owner.Token,
			body:   map[string]any{"url": recv.URL, "events": []string{"maintenance.started"}, "secret": testWebhookSecret, "enabled": false},
			status: http.StatusCreated, contains: []string{`"secret":"` + testWebhookSecret + `"`, `"enabled":false`}},
		{name: "list never shows a secret", method: "GET", path: base, token: viewerTok, status: http.StatusOK,
			notContains: []string{`"secret"`, "whsec_", "tok-in-query-4411"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if list := decode[[]webhookView](t, rec); len(list) != 2 || list[0].ID != hook.ID {
					t.Fatalf("list = %+v", list)
				}
			}},
		{name: "list is paginated", method: "GET", path: base + "?limit=1", token: owner.Token, status: http.StatusOK,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("X-Next-Cursor") == "" || len(decode[[]webhookView](t, rec)) != 1 {
					t.Fatalf("page = %s, cursor %q", rec.Body.String(), rec.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "other organization lists nothing", method: "GET", path: base, token: stranger.Token, status: http.StatusOK,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if len(decode[[]webhookView](t, rec)) != 0 {
					t.Fatalf("stranger sees %s", rec.Body.String())
				}
			}},
	})
	id := hook.ID
	e.run([]scenario{
		{name: "get", method: "GET", path: base + "/" + id, token: viewerTok, status: http.StatusOK,
			contains: []string{`"last_delivery_at":null`, `"last_error":null`}, notContains: []string{`"secret"`}},
		{name: "get: other organization", method: "GET", path: base + "/" + id, token: stranger.Token, status: http.StatusNotFound},
		{name: "put: other organization", method: "PUT", path: base + "/" + id, token: stranger.Token, body: map[string]any{"enabled": false}, status: http.StatusNotFound},
		{name: "delete: other organization", method: "DELETE", path: base + "/" + id, token: stranger.Token, status: http.StatusNotFound},
		{name: "test: other organization", method: "POST", path: base + "/" + id + "/test", token: stranger.Token, status: http.StatusNotFound},
		{name: "deliveries: other organization", method: "GET", path: base + "/" + id + "/deliveries", token: stranger.Token, status: http.StatusNotFound},
		{name: "deliveries: none yet", method: "GET", path: base + "/" + id + "/deliveries", token: viewerTok, status: http.StatusOK, contains: []string{"[]"}},
		{name: "create: viewer", method: "POST", path: base, token: viewerTok, body: map[string]any{"url": recv.URL, "events": []string{"monitor.down"}}, status: http.StatusForbidden},
		{name: "put: viewer", method: "PUT", path: base + "/" + id, token: viewerTok, body: map[string]any{"enabled": false}, status: http.StatusForbidden},
		{name: "delete: viewer", method: "DELETE", path: base + "/" + id, token: viewerTok, status: http.StatusForbidden},
		{name: "test: viewer", method: "POST", path: base + "/" + id + "/test", token: viewerTok, status: http.StatusForbidden},
		{name: "unknown id", method: "GET", path: base + "/0190b4a4-0000-7000-8000-000000000000", token: owner.Token, status: http.StatusNotFound},
		{name: "unknown field", method: "POST", path: base, token: owner.Token, body: map[string]any{"url": recv.URL, "events": []string{"monitor.down"}, "x": 1}, status: http.StatusBadRequest},
		// The URL as shown (masked query) keeps the stored one; a new secret is never shown.
		{name: "put back the shown url with a new secret", method: "PUT", path: base + "/" + id, token: owner.Token,
			body:   map[string]any{"url": hook.URL, "events": []string{"member.removed"}, "secret": testWebhookSecret},
			status: http.StatusOK, contains: []string{`"events":["member.removed"]`}, notContains: []string{`"secret"`, testWebhookSecret}},
		{name: "test send", method: "POST", path: base + "/" + id + "/test", token: owner.Token, status: http.StatusOK,
			contains: []string{`"delivered":true`, `"status_code":200`, `"response":"thanks"`}, notContains: []string{`"error"`}},
	})
	// The test send went to the stored URL (its query token intact) with the new secret.
	if requests, badSigs, _ := recv.stats(); requests != 1 || badSigs != 0 || recv.queries[0] != "token=tok-in-query-4411&v=2" ||
		recv.envelopes[0]["event"] != "test" || recv.headers[0].Get("X-AlertifyPro-Event") != "test" ||
		recv.envelopes[0]["id"] != recv.headers[0].Get("X-AlertifyPro-Delivery") {
		t.Fatalf("test send: %d requests, %d bad signatures, query %v, envelopes %v", requests, badSigs, recv.queries, recv.envelopes)
	}
	if view := decode[webhookView](t, e.do("GET", base+"/"+id, owner.Token, nil)); view.LastDeliveryAt == nil || view.LastError != nil {
		t.Fatalf("after test send: %+v", view)
	}

	recv.set(http.StatusGone, "")
	e.run([]scenario{
		{name: "test send refused", method: "POST", path: base + "/" + id + "/test", token: owner.Token, status: http.StatusOK,
			contains: []string{`"delivered":false`, `"status_code":410`, `"error":"webhook: HTTP 410`}},
		{name: "refusal shows as last_error", method: "GET", path: base + "/" + id, token: owner.Token, status: http.StatusOK,
			contains: []string{`"last_error":"webhook: HTTP 410`}},
		{name: "delete", method: "DELETE", path: base + "/" + id, token: owner.Token, status: http.StatusNoContent},
		{name: "gone", method: "GET", path: base + "/" + id, token: owner.Token, status: http.StatusNotFound},
	})

	audit := auditEvents(t, e, owner.OrgID)
	for _, want := range []string{"webhook.created", "webhook.updated", "webhook.tested", "webhook.deleted"} {
		if !slices.Contains(audit, want) {
			t.Errorf("audit log lacks %s: %v", want, audit)
		}
	}
	// Neither the URL's token nor any secret reaches the database file in plaintext.
	raw, err := os.ReadFile(e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"tok-in-query-4411", generated, testWebhookSecret} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("database file holds %q in plaintext", secret)
		}
	}
}

func TestWebhookValidation(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	const base = "/api/v1/webhooks"
	ok := []string{"monitor.down"}
	rows := []struct {
		name, field, want string
		body              map[string]any
	}{
		{"url required", "url", "is required", map[string]any{"events": ok}},
		{"url not absolute", "url", "absolute", map[string]any{"url": "hooks.example.com/x", "events": ok}},
		{"url with a password", "url", "user name or password", map[string]any{"url": "https://u:p@hooks.example.com/x", "events": ok}},
		{"url scheme", "url", "http", map[string]any{"url": "ftp://hooks.example.com/x", "events": ok}},
		{"metadata address", "url", "169.254.169.254", map[string]any{"url": "http://169.254.169.254/latest", "events": ok}},
		{"masked url", "url", "masked", map[string]any{"url": "https://hooks.example.com/x?token=********", "events": ok}},
		{"events required", "events", "at least one", map[string]any{"url": "https://hooks.example.com/x"}},
		{"events empty", "events", "at least one", map[string]any{"url": "https://hooks.example.com/x", "events": []string{}}},
		{"unknown event named", "events", `"monitor.exploded"`, map[string]any{"url": "https://hooks.example.com/x", "events": []string{"monitor.down", "Monitor.Exploded"}}},
		{"wildcard is not an event", "events", `"*"`, map[string]any{"url": "https://hooks.example.com/x", "events": []string{"*"}}},
		{"secret too short", "secret", "at least 16", map[string]any{"url": "https://hooks.example.com/x", "events": ok, "secret": "short"}},
		{"secret too long", "secret", "at most 512", map[string]any{"url": "https://hooks.example.com/x", "events": ok, "secret": strings.Repeat("s", 513)}},
		{"secret with spaces", "secret", "white space", map[string]any{"url": "https://hooks.example.com/x", "events": ok, "secret": " 0123456789abcdef "}},
		{"secret on two lines", "secret", "single line", map[string]any{"url": "https://hooks.example.com/x", "events": ok, "secret": "0123456789\nabcdef"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			rec := e.do(http.MethodPost, base, owner.Token, r.body)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			assertErrorBody(t, rec, "validation_failed")
			fields, _ := decode[map[string]any](t, rec)["fields"].(map[string]any)
			if msg, _ := fields[r.field].(string); !strings.Contains(msg, r.want) {
				t.Fatalf("fields = %v, want %s to mention %q", fields, r.field, r.want)
			}
		})
	}
	if list, _ := e.db.Webhooks(owner.OrgID); len(list) != 0 {
		t.Fatalf("a refused create stored %+v", list)
	}
}

// Under EGRESS_POLICY=public a subscription needs https and a public target.
func TestWebhookPublicEgressNeedsHTTPS(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) { c.EgressPolicy = "public" })
	owner := e.newUser("owner@example.com", "Owner")
	ev := []string{"monitor.down"}
	e.run([]scenario{
		{name: "http refused", method: "POST", path: "/api/v1/webhooks", token: owner.Token,
			body: map[string]any{"url": "http://hooks.example.com/x", "events": ev}, status: http.StatusUnprocessableEntity, contains: []string{"https"}},
		{name: "private literal address refused", method: "POST", path: "/api/v1/webhooks", token: owner.Token,
			body: map[string]any{"url": "https://10.1.2.3/x", "events": ev}, status: http.StatusUnprocessableEntity, contains: []string{"10.1.2.3"}},
		{name: "loopback refused", method: "POST", path: "/api/v1/webhooks", token: owner.Token,
			body: map[string]any{"url": "https://127.0.0.1:8443/x", "events": ev}, status: http.StatusUnprocessableEntity},
		{name: "https to a name accepted", method: "POST", path: "/api/v1/webhooks", token: owner.Token,
			body: map[string]any{"url": "https://hooks.example.com/x", "events": ev}, status: http.StatusCreated},
	})
}

package api

import (
	"net/http"
	"testing"
)

// TestListCursorsAreChecked: every list pages in the store with opaque cursors (SPEC §2);
// a cursor it did not produce — made up, edited, or another list's or another
// organization's — is a 400 in the flat error body naming the cursor field, never a page
// from some arbitrary position.
func TestListCursorsAreChecked(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	for _, name := range []string{"one", "two", "three"} {
		e.mustCreateService(ada.Token, map[string]any{"name": name, "endpoint": "https://" + name + ".example.com", "check_type": "http"})
		e.mustCreateService(bob.Token, map[string]any{"name": name, "endpoint": "https://" + name + ".example.com", "check_type": "http"})
	}
	cursorOf := func(token, path string) string {
		t.Helper()
		rec := e.do("GET", path, token, nil)
		next := rec.Header().Get("X-Next-Cursor")
		if rec.Code != http.StatusOK || next == "" {
			t.Fatalf("%s: %d, cursor %q", path, rec.Code, next)
		}
		return next
	}
	adas := cursorOf(ada.Token, "/api/v1/services?limit=1")
	bobs := cursorOf(bob.Token, "/api/v1/services?limit=1")
	audit := cursorOf(ada.Token, "/api/v1/audit-logs?limit=1")
	edited := []byte(adas)
	edited[len(edited)/2] ^= 1

	lists := []string{"/api/v1/services", "/api/v1/alerts", "/api/v1/alert-rules", "/api/v1/audit-logs",
		"/api/v1/notification-channels", "/api/v1/webhooks", "/api/v1/heartbeats", "/api/v1/status-pages",
		"/api/v1/escalation-policies", "/api/v1/maintenance-windows", "/api/v1/teams", "/api/v1/api-keys",
		"/api/v1/members", "/api/v1/members/invitations", "/api/v1/ssl-certificates"}
	for _, list := range lists {
		for name, cursor := range map[string]string{"made up": "not-a-cursor", "an ID": "01a24dd3-3666-781c-820a-ba200ba1e498"} {
			e.expectBadCursor(t, list, ada.Token, cursor, name)
		}
	}
	e.expectBadCursor(t, "/api/v1/services", ada.Token, string(edited), "edited")
	e.expectBadCursor(t, "/api/v1/services", ada.Token, bobs, "another organization's")
	e.expectBadCursor(t, "/api/v1/services", ada.Token, audit, "the audit log's")

	rec := e.do("GET", "/api/v1/services?limit=1&cursor="+adas, ada.Token, nil)
	if got := decode[[]serviceView](t, rec); rec.Code != http.StatusOK || len(got) != 1 || got[0].Name != "two" {
		t.Fatalf("second page: %d %s", rec.Code, rec.Body.String())
	}
}

// expectBadCursor asks list with cursor and wants the flat 400 naming the cursor.
func (e *testEnv) expectBadCursor(t *testing.T, list, token, cursor, what string) {
	t.Helper()
	rec := e.do("GET", list+"?cursor="+cursor, token, nil)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("%s with %s cursor: %d %s", list, what, rec.Code, rec.Body.String())
		return
	}
	body := decode[map[string]any](t, rec)
	fields, _ := body["fields"].(map[string]any)
	if body["error"] != "bad_request" || body["message"] == nil || fields["cursor"] != "is invalid" {
		t.Errorf("%s with %s cursor: %d %s", list, what, rec.Code, rec.Body.String())
	}
}

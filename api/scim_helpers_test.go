package api

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// scimEnv is an organization with a SCIM token, as an identity provider is set up.
type scimEnv struct {
	*testEnv
	owner *testUser
	token string // the SCIM bearer token
	base  string // /scim/v2/<slug>
}

// newSCIMEnv registers an owner and creates a SCIM token through the API.
func newSCIMEnv(t *testing.T) *scimEnv {
	t.Helper()
	e := newTestEnv(t)
	owner := e.newUser("owner@acme.test", "Olive Owner")
	rec := e.do("POST", "/api/v1/organization/scim-tokens", owner.Token, map[string]any{"name": "Okta"})
	if rec.Code != 201 {
		t.Fatalf("create SCIM token: %d %s", rec.Code, rec.Body.String())
	}
	tok := decode[map[string]any](t, rec)["token"].(string)
	return &scimEnv{testEnv: e, owner: owner, token: tok, base: "/scim/v2/" + owner.OrgSlug}
}

// scim sends a SCIM request (application/scim+json, as identity providers send it) with
// the environment's token; body is raw JSON or "".
func (s *scimEnv) scim(method, path, body string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.scimWith(s.token, method, path, body)
}

// scimWith is scim with another bearer token ("" sends none).
func (s *scimEnv) scimWith(token, method, path, body string) *httptest.ResponseRecorder {
	s.t.Helper()
	if !strings.HasPrefix(path, "/scim/") {
		path = s.base + path
	}
	contentType := ""
	if body != "" {
		contentType = "application/scim+json; charset=utf-8"
	}
	return s.send(httptest.NewRequest(method, path, strings.NewReader(body)), "192.0.2.20", token, contentType)
}

// want fails the test unless rec has status; it returns the decoded body (nil for 204).
func (s *scimEnv) want(rec *httptest.ResponseRecorder, status int) map[string]any {
	s.t.Helper()
	if rec.Code != status {
		s.t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body.String())
	}
	if status == 204 {
		return nil
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		s.t.Fatalf("Content-Type %q, want application/scim+json", ct)
	}
	return decode[map[string]any](s.t, rec)
}

// wantSCIMError checks a SCIM error body: schema, status as a string and scimType.
func (s *scimEnv) wantSCIMError(rec *httptest.ResponseRecorder, status int, scimType string) map[string]any {
	s.t.Helper()
	body := s.want(rec, status)
	schemas, _ := body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != scimErrorSchema {
		s.t.Fatalf("error body lacks the SCIM error schema: %v", body)
	}
	if body["status"] != strconv.Itoa(status) {
		s.t.Fatalf("error status %v, want %q", body["status"], strconv.Itoa(status))
	}
	if got, _ := body["scimType"].(string); got != scimType {
		s.t.Fatalf("scimType %q, want %q (body %v)", got, scimType, body)
	}
	if d, _ := body["detail"].(string); d == "" {
		s.t.Fatalf("error body has no detail: %v", body)
	}
	return body
}

// resources is a ListResponse's Resources after checking its schema and totals.
func (s *scimEnv) resources(body map[string]any, total int) []map[string]any {
	s.t.Helper()
	if schemas, _ := body["schemas"].([]any); len(schemas) != 1 || schemas[0] != scimListSchema {
		s.t.Fatalf("not a ListResponse: %v", body)
	}
	if int(body["totalResults"].(float64)) != total {
		s.t.Fatalf("totalResults %v, want %d", body["totalResults"], total)
	}
	list, _ := body["Resources"].([]any)
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

// countAudit counts event in the organization's audit log.
func (s *scimEnv) countAudit(event string) int {
	n := 0
	for _, ev := range auditEvents(s.t, s.testEnv, s.owner.OrgID) {
		if ev == event {
			n++
		}
	}
	return n
}

// isMember reports whether userID is a member of the SCIM organization.
func (s *scimEnv) isMember(userID string) bool {
	_, err := s.db.Membership(s.owner.OrgID, userID)
	return err == nil
}

// sessionOf issues a session token for a provisioned user, as SSO would.
func (s *scimEnv) sessionOf(userID string) string {
	s.t.Helper()
	u, err := s.db.User(userID)
	if err != nil {
		s.t.Fatal(err)
	}
	tok, err := s.deps.Tokens.Issue(u.ID, s.owner.OrgID, u.Email, u.TokenVersion)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

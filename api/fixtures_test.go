package api

import (
	"net/http/httptest"
	"net/url"
	"strings"
)

// Set-up steps that many API tests share.

// createHTTPService creates an HTTP-checked service with the given name and
// endpoint through the API and answers its ID.
func (e *testEnv) createHTTPService(token, name, endpoint string) string {
	e.t.Helper()
	return e.mustCreateService(token, map[string]any{"name": name, "endpoint": endpoint, "check_type": "http"})["id"].(string)
}

// adaWithViewerBob is the usual two-organization cast: Ada and Bob each own an
// organization, and Bob is also a viewer of Ada's (viewer is his token there).
func (e *testEnv) adaWithViewerBob() (ada, bob *testUser, viewer string) {
	e.t.Helper()
	ada = e.newUser("ada@example.com", "Ada")
	bob = e.newUser("bob@example.com", "Bob")
	return ada, bob, e.join(ada.OrgID, bob, roleViewer)
}

// postFormFrom submits form to path as a browser at remoteAddr does (a form
// post, not JSON), as the confirmation and subscription pages are used.
func postFormFrom(e *testEnv, remoteAddr, path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remoteAddr
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

// newMember creates an account and makes it a member of orgID with role; it
// answers the account and its token for that organization.
func (e *testEnv) newMember(orgID, email, fullName, role string) (*testUser, string) {
	e.t.Helper()
	u := e.newUser(email, fullName)
	return u, e.join(orgID, u, role)
}

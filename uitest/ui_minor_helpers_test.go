package uitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// apiJSON calls the API as token with a JSON body (nil: none), requires the status want and
// returns the decoded answer.
func apiJSON(t *testing.T, srv *server, token, method, path string, body any, want int) map[string]any {
	t.Helper()
	var out map[string]any
	apiCall(t, srv, token, method, path, body, &out, want)
	return out
}

// signInAs puts token and the organization slug in the browser's storage, as a login does.
func (b *browser) signInAs(token, orgSlug string) {
	b.t.Helper()
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
}

// noUUID is a JS expression: the main area's text shows no UUID.
const noUUID = `!/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(document.querySelector('main').innerText)`

// apiJSONList GETs a JSON array as token.
func apiJSONList(t *testing.T, srv *server, token, path string) []map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	return out
}

// anyStrings reads a decoded JSON array of strings.
func anyStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

package api

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/internal/ssotest"
)

// ssoBrowser is a browser for the provider's side of a sign-in: it keeps cookies and
// follows redirects until one leads back to this server (BASE_URL), where the test hands
// the request to the router.
func ssoBrowser(t *testing.T, baseURL string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(baseURL)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == base.Host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// localPath is the path and query of a URL of this server, as the router takes it.
func localPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// opSignIn goes from the login URL our server answered to the provider, signs in there
// as username and returns the callback path (on this server) the provider sent back.
// rewrite, if set, changes the authorization URL before the browser opens it.
func opSignIn(t *testing.T, o *ssotest.OIDCProvider, b *http.Client, authURL, username string, rewrite func(url.Values)) string {
	t.Helper()
	if rewrite != nil {
		u, _ := url.Parse(authURL)
		q := u.Query()
		rewrite(q)
		u.RawQuery = q.Encode()
		authURL = u.String()
	}
	resp, err := b.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("provider login page: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	resp, err = b.PostForm(o.Issuer+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {"idp-password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || !strings.Contains(loc, "/oidc/callback") {
		t.Fatalf("provider did not send the browser back: %d %q", resp.StatusCode, loc)
	}
	return localPath(t, loc)
}

// codeFrom returns the one-time code of the UI redirect our callback answered.
func codeFrom(t *testing.T, location, param string) string {
	t.Helper()
	i := strings.Index(location, "#")
	if i < 0 {
		t.Fatalf("no code in %q", location)
	}
	q, err := url.ParseQuery(location[i+1:])
	if err != nil || q.Get(param) == "" {
		t.Fatalf("no %s in %q", param, location)
	}
	return q.Get(param)
}

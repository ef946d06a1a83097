package api

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml/samlidp"

	"github.com/alertifypro/alertifypro/identity"
)

// testIdP is a real SAML 2.0 identity provider (crewjam/saml's samlidp) on 127.0.0.1:
// its own users, login form, signed assertions and metadata.
type testIdP struct {
	url    string
	server *samlidp.Server
}

// newTestIdP starts the identity provider with a fresh signing key.
func newTestIdP(t *testing.T) *testIdP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	keyDER, certDER, err := identity.GenerateSAMLKeyPair(base, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	k, _ := x509.ParsePKCS8PrivateKey(keyDER)
	cert, _ := x509.ParseCertificate(certDER)
	u, _ := url.Parse(base)
	srv, err := samlidp.New(samlidp.Options{URL: *u, Key: k.(*rsa.PrivateKey), Certificate: cert, Store: &samlidp.MemoryStore{},
		Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}}
	hs.Start()
	t.Cleanup(hs.Close)
	return &testIdP{url: base, server: srv}
}

// put calls the identity provider's admin API.
func (p *testIdP) put(t *testing.T, path string, body io.Reader) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, p.url+path, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("IdP PUT %s: %d", path, resp.StatusCode)
	}
}

// addUser adds a person who signs in with the password "idp-password".
func (p *testIdP) addUser(t *testing.T, name, email string, groups ...string) {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"name": name, "password": "idp-password", "email": email,
		"common_name": "Test " + name, "groups": groups})
	p.put(t, "/users/"+name, strings.NewReader(string(raw)))
}

// addServiceProvider registers a service provider from its metadata XML; shortcut, if
// set, also makes an IdP-initiated sign-in link /login/<shortcut> for it.
func (p *testIdP) addServiceProvider(t *testing.T, id string, metadata []byte, entityID, shortcut string) {
	t.Helper()
	p.put(t, "/services/"+id, strings.NewReader(string(metadata)))
	if shortcut != "" {
		raw, _ := json.Marshal(map[string]any{"name": shortcut, "service_provider": entityID})
		p.put(t, "/shortcuts/"+shortcut, strings.NewReader(string(raw)))
	}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// postedForm reads the auto-submitting form the identity provider answers with: the
// SAMLResponse and RelayState it would post to the ACS.
func postedForm(t *testing.T, body string) url.Values {
	t.Helper()
	out := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		out.Set(m[1], html.UnescapeString(m[2]))
	}
	if out.Get("SAMLResponse") == "" {
		t.Fatalf("the identity provider posted no SAMLResponse: %.400s", body)
	}
	return out
}

// signIn opens the identity provider's sign-on URL, signs in as user and returns the
// form it posts to the ACS.
func (p *testIdP) signIn(t *testing.T, ssoURL, user string) url.Values {
	t.Helper()
	b := ssoBrowser(t, "http://localhost:3001")
	resp, err := b.Get(ssoURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{"user": {user}, "password": {"idp-password"}}
	for _, m := range regexp.MustCompile(`name="(SAMLRequest|RelayState)" value="([^"]*)"`).FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	resp, err = b.PostForm(p.url+"/sso", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return postedForm(t, string(body))
}

// idpInitiated signs in at the identity provider's own link for shortcut.
func (p *testIdP) idpInitiated(t *testing.T, shortcut, user string) url.Values {
	t.Helper()
	b := ssoBrowser(t, "http://localhost:3001")
	resp, err := b.PostForm(p.url+"/login", url.Values{"user": {user}, "password": {"idp-password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = b.Get(p.url + "/login/" + shortcut)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return postedForm(t, string(body))
}

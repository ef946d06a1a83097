package api

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// samlOrg is an organization (its owner's) whose SAML identity provider runs on loopback.
type samlOrg struct {
	e     *testEnv
	owner *testUser
	idp   *testIdP
}

// newSAMLOrg configures SAML for a fresh organization from the identity provider's
// metadata URL (fetched through the egress guard) and registers our service provider
// with the identity provider from our metadata endpoint.
// encrypt false registers us without our encryption key, as an identity provider set not
// to encrypt assertions is (most are by default): the refusal tests change the XML.
func newSAMLOrg(t *testing.T, e *testEnv, idp *testIdP, name string, idpInitiated, encrypt bool) *samlOrg {
	t.Helper()
	return newSAMLOrgFrom(t, e, idp, idp.url+"/metadata", name, idpInitiated, encrypt)
}

// newSAMLOrgFrom is newSAMLOrg with the identity provider's metadata at metadataURL.
func newSAMLOrgFrom(t *testing.T, e *testEnv, idp *testIdP, metadataURL, name string, idpInitiated, encrypt bool) *samlOrg {
	t.Helper()
	owner := e.newUser("owner@"+strings.ToLower(name)+".test", name)
	rec := e.do(http.MethodPut, "/api/v1/organization/sso/saml", owner.Token, map[string]any{
		"idp_metadata_url": metadataURL, "allowed_domains": []string{"acme.test"}, "default_role": "viewer",
		"group_roles": map[string]string{"ops-admins": "admin"}, "allow_idp_initiated": idpInitiated, "enabled": true})
	if rec.Code != http.StatusOK {
		t.Fatalf("configure SAML: %d %s", rec.Code, rec.Body.String())
	}
	md := e.do(http.MethodGet, "/saml/"+owner.OrgSlug+"/metadata", "", nil)
	if md.Code != http.StatusOK || !strings.Contains(md.Body.String(), "http://localhost:3001/saml/"+owner.OrgSlug+"/acs") {
		t.Fatalf("SP metadata: %d %s", md.Code, md.Body.String())
	}
	metadata := md.Body.Bytes()
	if !encrypt {
		metadata = encryptionKey.ReplaceAll(metadata, nil)
	}
	idp.addServiceProvider(t, owner.OrgSlug, metadata, "http://localhost:3001/saml/"+owner.OrgSlug+"/metadata", owner.OrgSlug)
	return &samlOrg{e: e, owner: owner, idp: idp}
}

func newSAMLEnv(t *testing.T) (*testEnv, *testIdP) {
	t.Helper()
	e := newTestEnv(t)
	e.clock.now = time.Now().UTC().Truncate(time.Second) // the identity provider signs on the real clock
	idp := newTestIdP(t)
	idp.addUser(t, "alice", "alice@acme.test", "ops-admins")
	idp.addUser(t, "mallory", "mallory@evil.test", "ops-admins")
	idp.addUser(t, "bob", "bob@acme.test")
	return e, idp
}

// acs posts a form to the organization's assertion consumer service.
func (s *samlOrg) acs(form url.Values) *httptest.ResponseRecorder {
	return postFormFrom(s.e, "192.0.2.10:40000", "/saml/"+s.owner.OrgSlug+"/acs", form)
}

// spInitiated starts a sign-in at our server and signs in at the identity provider.
func (s *samlOrg) spInitiated(t *testing.T, user string) url.Values {
	t.Helper()
	rec := s.e.do(http.MethodGet, "/api/v1/sso/"+s.owner.OrgSlug+"/saml/login", "", nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), s.idp.url+"/sso?") {
		t.Fatalf("SAML login: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	return s.idp.signIn(t, rec.Header().Get("Location"), user)
}

func TestSAMLSignsNewUserIntoTheOrganizationWithTheMappedRole(t *testing.T) {
	e, idp := newSAMLEnv(t)
	s := newSAMLOrg(t, e, idp, "Acme", false, true)
	rec := s.acs(s.spInitiated(t, "alice"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("ACS: %d %s", rec.Code, rec.Body.String())
	}
	code := codeFrom(t, rec.Header().Get("Location"), "sso_code")
	ex := e.do(http.MethodPost, "/api/v1/auth/sso/exchange", "", map[string]any{"code": code})
	if ex.Code != http.StatusOK {
		t.Fatalf("exchange: %d %s", ex.Code, ex.Body.String())
	}
	user, err := e.db.UserByEmail("alice@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := e.db.Membership(s.owner.OrgID, user.ID); err != nil || m.Role != roleAdmin {
		t.Fatalf("membership %+v %v, want admin", m, err)
	}
	if user.FullName != "Test alice" {
		t.Fatalf("name attribute not mapped: %q", user.FullName)
	}
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_login"); len(meta) != 1 || meta[0]["protocol"] != "saml" {
		t.Fatalf("auth.sso_login: %v", meta)
	}
	// The metadata is also served at /saml/metadata?org=.
	if md := e.do(http.MethodGet, "/saml/metadata?org="+s.owner.OrgSlug, "", nil); md.Code != http.StatusOK {
		t.Fatalf("/saml/metadata?org=: %d", md.Code)
	}
}

var encryptionKey = regexp.MustCompile(`(?s)<KeyDescriptor use="encryption">.*?</KeyDescriptor>`)

var signatureElement = regexp.MustCompile(`(?s)<ds:Signature.*?</ds:Signature>`)

// rewrite decodes a SAMLResponse, changes its XML with fn and encodes it again.
func rewrite(t *testing.T, form url.Values, fn func(string) string) url.Values {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if err != nil {
		t.Fatal(err)
	}
	changed := fn(string(raw))
	if changed == string(raw) {
		t.Fatal("the rewrite changed nothing")
	}
	out := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString([]byte(changed))}}
	if rs := form.Get("RelayState"); rs != "" {
		out.Set("RelayState", rs)
	}
	return out
}

func TestSAMLRefusals(t *testing.T) {
	e, idp := newSAMLEnv(t)
	s := newSAMLOrg(t, e, idp, "Acme", true, false)
	strict := newSAMLOrg(t, e, idp, "Strict", false, false)
	t.Run("tampered assertion", func(t *testing.T) {
		form := rewrite(t, s.spInitiated(t, "mallory"), func(x string) string {
			return strings.ReplaceAll(x, "mallory@evil.test", "mallory@acme.test")
		})
		refusedSSO(t, e, s.owner.OrgID, s.acs(form), "signature_invalid", "mallory@acme.test")
	})
	t.Run("unsigned assertion", func(t *testing.T) {
		form := rewrite(t, s.spInitiated(t, "alice"), func(x string) string { return signatureElement.ReplaceAllString(x, "") })
		refusedSSO(t, e, s.owner.OrgID, s.acs(form), "signature_invalid", "alice@acme.test")
	})
	t.Run("e-mail outside allowed_domains", func(t *testing.T) {
		refusedSSO(t, e, s.owner.OrgID, s.acs(s.spInitiated(t, "mallory")), "email_domain_not_allowed", "mallory@evil.test")
	})
	t.Run("IdP-initiated when not allowed", func(t *testing.T) {
		form := idp.idpInitiated(t, strict.owner.OrgSlug, "alice")
		refusedSSO(t, e, strict.owner.OrgID, strict.acs(form), "idp_initiated_not_allowed", "alice@acme.test")
	})
	t.Run("wrong audience", func(t *testing.T) {
		// An assertion the provider made for Strict, posted to Acme (which takes
		// IdP-initiated sign-ins): it names another audience and recipient.
		form := idp.idpInitiated(t, strict.owner.OrgSlug, "alice")
		refusedSSO(t, e, s.owner.OrgID, s.acs(form), "recipient_mismatch", "alice@acme.test")
	})
	t.Run("metadata of an organization without SAML", func(t *testing.T) {
		other := e.newUser("x@other.test", "Other")
		if rec := e.do(http.MethodGet, "/saml/"+other.OrgSlug+"/metadata", "", nil); rec.Code != http.StatusNotFound {
			t.Fatalf("%d", rec.Code)
		}
		refusedSSO(t, e, other.OrgID, postFormFrom(e, "192.0.2.10:40000", "/saml/"+other.OrgSlug+"/acs",
			url.Values{"SAMLResponse": {"x"}}), "sso_not_configured", "")
	})
	t.Run("replayed assertion", func(t *testing.T) {
		form := idp.idpInitiated(t, s.owner.OrgSlug, "alice")
		if rec := s.acs(form); rec.Code != http.StatusSeeOther {
			t.Fatalf("first use: %d %s", rec.Code, rec.Body.String())
		}
		refusedSSO(t, e, s.owner.OrgID, s.acs(form), "assertion_replayed", "")
	})
	t.Run("expired assertion", func(t *testing.T) {
		form := idp.idpInitiated(t, s.owner.OrgSlug, "bob")
		e.clock.Advance(2 * time.Hour) // last: audit entries sort by this clock
		refusedSSO(t, e, s.owner.OrgID, s.acs(form), "assertion_expired", "bob@acme.test")
	})
}

package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/internal/ssotest"
)

// oidcOrg is an organization (its owner's) with OIDC configured against a provider on
// loopback that lists alice (groups: ops-admins) and bob (no groups) at acme.test, and
// mallory at evil.test.
type oidcOrg struct {
	e     *testEnv
	owner *testUser
	op    *ssotest.OIDCProvider
}

func newOIDCOrg(t *testing.T) *oidcOrg {
	t.Helper()
	e := newTestEnv(t)
	e.clock.now = time.Now().UTC().Truncate(time.Second) // the provider signs on the real clock
	owner := e.newUser("owner@acme.test", "Acme")
	o := ssotest.NewOIDCProvider(t, "http://localhost:3001/api/v1/sso/"+owner.OrgSlug+"/oidc/callback")
	o.AddUser("alice", "alice@acme.test", true, "ops-admins", "staff")
	o.AddUser("bob", "bob@acme.test", true)
	o.AddUser("mallory", "mallory@evil.test", true, "ops-admins")
	o.AddUser("unverified", "carol@acme.test", false)
	rec := e.do(http.MethodPut, "/api/v1/organization/sso/oidc", owner.Token, map[string]any{
		"issuer": o.Issuer, "client_id": o.ClientID, "client_secret": o.Secret, "scopes": []string{"email", "profile"},
		"allowed_domains": []string{"Acme.test"}, "default_role": "viewer", "group_roles": map[string]string{"ops-admins": "admin", "staff": "member"},
		"enabled": true})
	if rec.Code != http.StatusOK {
		t.Fatalf("configure OIDC: %d %s", rec.Code, rec.Body.String())
	}
	return &oidcOrg{e: e, owner: owner, op: o}
}

// start asks our server for the sign-in and returns the provider URL it redirects to.
func (s *oidcOrg) start(t *testing.T) string {
	t.Helper()
	rec := s.e.do(http.MethodGet, "/api/v1/sso/"+s.owner.OrgSlug+"/oidc/login", "", nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), s.op.Issuer) {
		t.Fatalf("login: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	return rec.Header().Get("Location")
}

// signIn runs a whole sign-in as username and returns the callback's answer.
func (s *oidcOrg) signIn(t *testing.T, username string, rewrite func(url.Values)) *httptest.ResponseRecorder {
	t.Helper()
	cb := opSignIn(t, s.op, ssoBrowser(t, s.e.cfg.BaseURL), s.start(t), username, rewrite)
	return s.e.do(http.MethodGet, cb, "", nil)
}

// exchange trades the callback's one-time code for the session.
func (s *oidcOrg) exchange(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	code := codeFrom(t, rec.Header().Get("Location"), "sso_code")
	ex := s.e.do(http.MethodPost, "/api/v1/auth/sso/exchange", "", map[string]any{"code": code})
	if ex.Code != http.StatusOK {
		t.Fatalf("exchange: %d %s", ex.Code, ex.Body.String())
	}
	return decode[map[string]any](t, ex)
}

func TestSSOOIDCSignsNewUserIntoTheOrganizationWithTheMappedRole(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	cb := s.signIn(t, "alice", nil)
	if loc := cb.Header().Get("Location"); !strings.HasPrefix(loc, "http://localhost:3001/login#sso_code=") {
		t.Fatalf("callback sends the browser to %q", loc)
	}
	session := s.exchange(t, cb)
	if session["org_id"] != s.owner.OrgID {
		t.Fatalf("session lands in %v, want %s", session["org_id"], s.owner.OrgID)
	}
	user, err := e.db.UserByEmail("alice@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.db.Membership(s.owner.OrgID, user.ID)
	if err != nil || m.Role != roleAdmin {
		t.Fatalf("membership %+v, %v; want admin from group ops-admins", m, err)
	}
	orgs, _ := e.db.UserOrganizations(user.ID)
	if len(orgs) != 1 {
		t.Fatalf("just-in-time provisioning made %d organizations, want only the SSO one", len(orgs))
	}
	tok, _ := session["token"].(string)
	if rec := e.do(http.MethodGet, "/api/v1/organization", tok, nil); rec.Code != http.StatusOK {
		t.Fatalf("the SSO session does not work: %d %s", rec.Code, rec.Body.String())
	}
	// The code is good once.
	code := codeFrom(t, cb.Header().Get("Location"), "sso_code")
	if rec := e.do(http.MethodPost, "/api/v1/auth/sso/exchange", "", map[string]any{"code": code}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("second exchange: %d", rec.Code)
	}
	meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_login")
	if len(meta) != 1 || meta[0]["role"] != roleAdmin || meta[0]["created"] != true {
		t.Fatalf("auth.sso_login: %v", meta)
	}
	login := auditMeta(t, e, s.owner.OrgID, "auth.login")
	if len(login) != 1 || login[0]["method"] != "sso_oidc" {
		t.Fatalf("auth.login: %v", login)
	}
	// A second sign-in of the same person provisions nothing new.
	s.exchange(t, s.signIn(t, "alice", nil))
	if meta := auditMeta(t, e, s.owner.OrgID, "auth.sso_login"); meta[0]["created"] != false || meta[0]["joined"] != false {
		t.Fatalf("second sign-in: %v", meta[0])
	}
}

func TestSSOOIDCExistingAccountJoinsWithDefaultRole(t *testing.T) {
	s := newOIDCOrg(t)
	bob := s.e.newUser("bob@acme.test", "Bob") // has an account and an organization of his own
	s.exchange(t, s.signIn(t, "bob", nil))
	m, err := s.e.db.Membership(s.owner.OrgID, bob.ID)
	if err != nil || m.Role != roleViewer {
		t.Fatalf("membership %+v, %v; want the default role viewer", m, err)
	}
	if _, err := s.e.db.Membership(bob.OrgID, bob.ID); err != nil {
		t.Fatalf("bob's own organization was touched: %v", err)
	}
}

// refusedSSO checks a refused callback: 403 sso_refused naming the reason, audited as
// auth.sso_failed with that reason, and nobody provisioned.
func refusedSSO(t *testing.T, e *testEnv, orgID string, rec *httptest.ResponseRecorder, reason, email string) {
	t.Helper()
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403: %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "sso_refused")
	meta := auditMeta(t, e, orgID, "auth.sso_failed")
	if len(meta) == 0 || meta[0]["reason"] != reason {
		t.Fatalf("auth.sso_failed %v, want reason %s", meta, reason)
	}
	if email != "" {
		if _, err := e.db.UserByEmail(email); err == nil {
			t.Fatalf("%s was provisioned", email)
		}
	}
}

func TestSSOOIDCRefusals(t *testing.T) {
	s := newOIDCOrg(t)
	e := s.e
	t.Run("e-mail outside allowed_domains", func(t *testing.T) {
		refusedSSO(t, e, s.owner.OrgID, s.signIn(t, "mallory", nil), "email_domain_not_allowed", "mallory@evil.test")
	})
	t.Run("e-mail not verified", func(t *testing.T) {
		refusedSSO(t, e, s.owner.OrgID, s.signIn(t, "unverified", nil), "email_not_verified", "carol@acme.test")
	})
	t.Run("wrong nonce", func(t *testing.T) {
		rec := s.signIn(t, "alice", func(q url.Values) { q.Set("nonce", "not-the-nonce-we-sent") })
		refusedSSO(t, e, s.owner.OrgID, rec, "nonce_mismatch", "alice@acme.test")
	})
	t.Run("state mismatch", func(t *testing.T) {
		cb := opSignIn(t, s.op, ssoBrowser(t, e.cfg.BaseURL), s.start(t), "alice", nil)
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Set("state", "ssos_forged")
		refusedSSO(t, e, s.owner.OrgID, e.do(http.MethodGet, u.Path+"?"+q.Encode(), "", nil), "state_mismatch", "alice@acme.test")
		// The real state, replayed after use, is refused as well.
		first := e.do(http.MethodGet, cb, "", nil)
		if first.Code != http.StatusSeeOther {
			t.Fatalf("genuine callback: %d %s", first.Code, first.Body.String())
		}
		refusedSSO(t, e, s.owner.OrgID, e.do(http.MethodGet, cb, "", nil), "state_mismatch", "")
	})
	t.Run("expired ID token", func(t *testing.T) {
		s.op.SetIDTokenLifetime(time.Minute)
		defer s.op.SetIDTokenLifetime(0)
		cb := opSignIn(t, s.op, ssoBrowser(t, e.cfg.BaseURL), s.start(t), "bob", nil)
		e.clock.Advance(3 * time.Minute) // state still valid (10 minutes), token not
		refusedSSO(t, e, s.owner.OrgID, e.do(http.MethodGet, cb, "", nil), "id_token_expired", "bob@acme.test")
	})
	t.Run("organization without SSO", func(t *testing.T) {
		other := e.newUser("owner@other.test", "Other")
		rec := e.do(http.MethodGet, "/api/v1/sso/"+other.OrgSlug+"/oidc/login", "", nil)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "no OpenID Connect") {
			t.Fatalf("login for an organization without SSO: %d %s", rec.Code, rec.Body.String())
		}
		if meta := auditMeta(t, e, other.OrgID, "auth.sso_failed"); len(meta) != 1 || meta[0]["reason"] != "sso_not_configured" {
			t.Fatalf("auth.sso_failed: %v", meta)
		}
	})
}

func TestSSOOIDCConfigNeverShowsTheSecret(t *testing.T) {
	s := newOIDCOrg(t)
	rec := s.e.do(http.MethodGet, "/api/v1/organization/sso/oidc", s.owner.Token, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), s.op.Secret) || !strings.Contains(rec.Body.String(), `"client_secret_set":true`) {
		t.Fatalf("GET oidc: %d %s", rec.Code, rec.Body.String())
	}
	cfg, _ := s.e.db.SSOConfig(s.owner.OrgID)
	if strings.Contains(string(cfg.OIDC.SealedClientSecret), s.op.Secret) {
		t.Fatal("client secret stored in the clear")
	}
	if ev := auditEvents(t, s.e, s.owner.OrgID); !slices.Contains(ev, "sso.config_updated") {
		t.Fatalf("no sso.config_updated in %v", ev)
	}
	member, tok := s.e.newMember(s.owner.OrgID, "m@acme.test", "M", roleMember)
	_ = member
	if rec := s.e.do(http.MethodGet, "/api/v1/organization/sso/oidc", tok, nil); rec.Code != http.StatusForbidden {
		t.Fatalf("a member reads the SSO configuration: %d", rec.Code)
	}
	bad := s.e.do(http.MethodPut, "/api/v1/organization/sso/oidc", s.owner.Token, map[string]any{
		"issuer": "ftp://x", "client_id": "", "allowed_domains": []string{"not a domain"}, "default_role": "owner", "enabled": true})
	if bad.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d %s", bad.Code, bad.Body.String())
	}
	for _, f := range []string{"issuer", "client_id", "allowed_domains", "default_role"} {
		if !strings.Contains(bad.Body.String(), `"`+f+`"`) {
			t.Errorf("no field error for %s: %s", f, bad.Body.String())
		}
	}
}

// Sign-ins reuse the provider's discovery document and keys for an hour (DiscoveryTTL):
// saving the configuration discovers afresh, two sign-ins then fetch neither again, and
// a sign-in past the hour discovers once more.
func TestSSOOIDCDiscoveryIsCachedForAnHour(t *testing.T) {
	s := newOIDCOrg(t)
	s.op.SetIDTokenLifetime(3 * time.Hour) // still valid after the clock's jump below
	const discovery = "/.well-known/openid-configuration"
	if n := s.op.Served(discovery); n != 1 {
		t.Fatalf("saving the configuration fetched discovery %d times, want 1", n)
	}
	s.exchange(t, s.signIn(t, "alice", nil))
	keys := s.op.Served("/keys")
	s.exchange(t, s.signIn(t, "bob", nil))
	if n := s.op.Served(discovery); n != 1 {
		t.Fatalf("two sign-ins fetched discovery %d times in all, want 1 (at the save)", n)
	}
	if n := s.op.Served("/keys"); n != keys || keys > 1 {
		t.Fatalf("keys fetched %d times after the first sign-in and %d after the second, want once", keys, n)
	}
	s.e.clock.now = s.e.clock.now.Add(identity.DiscoveryTTL + time.Minute)
	s.exchange(t, s.signIn(t, "alice", nil))
	if n := s.op.Served(discovery); n != 2 {
		t.Fatalf("a sign-in past the hour fetched discovery %d times in all, want 2", n)
	}
}

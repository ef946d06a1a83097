package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
)

// TestRegisterInvitationOfAnotherEmailLooksBogus: registering with a real
// invitation issued to someone else answers exactly like an unknown token, so
// a guessed or leaked token does not reveal that it exists (the accept
// endpoint answers both with the same 404).
func TestRegisterInvitationOfAnotherEmailLooksBogus(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	real := authInvite(t, e, owner.OrgID, "bob@example.com", "member", e.clock.Now().Add(time.Hour))
	withInvite := func(email, tok string) map[string]any {
		b := registerBody(email, "Mallory", "s3cret-enough")
		b["invite_token"] = tok
		return b
	}
	bogus := e.do("POST", "/api/v1/auth/register", "", withInvite("mallory@example.com", "inv_nope"))
	foreign := e.do("POST", "/api/v1/auth/register", "", withInvite("mallory@example.com", real))
	if bogus.Code != 422 || foreign.Code != bogus.Code || foreign.Body.String() != bogus.Body.String() {
		t.Fatalf("bogus token: %d %s\nsomeone else's invitation: %d %s",
			bogus.Code, bogus.Body.String(), foreign.Code, foreign.Body.String())
	}
	assertErrorBody(t, foreign, "validation_failed")
	if _, err := e.db.UserByEmail("mallory@example.com"); err == nil {
		t.Fatal("an account was created with someone else's invitation")
	}
	// The invitation still works for the person it was issued to.
	if rec := e.do("POST", "/api/v1/auth/register", "", withInvite("bob@example.com", real)); rec.Code != 201 {
		t.Fatalf("invitee: %d %s", rec.Code, rec.Body.String())
	}
}

// TestRegisterInstanceAdminOrganizationIsUnlimited: SPEC §2.2 — the first account ever (the
// instance admin) gets its own organization on enterprise, without a service cap, so its
// sixth service is created; every later sign-up gets the free plan and its cap of 5.
func TestRegisterInstanceAdminOrganizationIsUnlimited(t *testing.T) {
	e := newTestEnv(t)
	reg := func(email string) (token, orgID string) {
		t.Helper()
		rec := e.do("POST", "/api/v1/auth/register", "", registerBody(email, "Someone", "s3cret-enough"))
		if rec.Code != 201 {
			t.Fatalf("register %s: %d %s", email, rec.Code, rec.Body.String())
		}
		body := decode[struct {
			Token string `json:"token"`
			OrgID string `json:"org_id"`
		}](t, rec)
		return body.Token, body.OrgID
	}
	adminToken, adminOrg := reg("admin@example.com")
	_, userOrg := reg("second@example.com")
	for _, c := range []struct {
		orgID, plan string
		max         int
	}{{adminOrg, "enterprise", -1}, {userOrg, "free", 5}} {
		org, err := e.db.Organization(c.orgID)
		if err != nil {
			t.Fatal(err)
		}
		if org.PlanType != c.plan || org.MaxServices != c.max {
			t.Errorf("organization %s: plan %q max_services %d, want %q %d", org.Name, org.PlanType, org.MaxServices, c.plan, c.max)
		}
	}
	for i := range 6 {
		rec := e.do("POST", "/api/v1/services", adminToken, map[string]any{"name": fmt.Sprintf("svc %d", i),
			"check_type": "HTTP", "endpoint": "https://example.com/"})
		if rec.Code != 201 {
			t.Fatalf("the instance admin's service %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
}

// TestRegisterUsesDefaultPlan: SPEC §2.2 — organizations created by registration get
// DEFAULT_PLAN (and its service cap); the instance admin's first one stays enterprise.
func TestRegisterUsesDefaultPlan(t *testing.T) {
	e := newTestEnv(t, func(c *config.Config) { c.RegistrationMode, c.DefaultPlan = "open", "starter" })
	var orgs []string
	for _, email := range []string{"admin@example.com", "second@example.com"} {
		rec := e.do("POST", "/api/v1/auth/register", "", registerBody(email, "Someone", "s3cret-enough"))
		if rec.Code != 201 {
			t.Fatalf("register %s: %d %s", email, rec.Code, rec.Body.String())
		}
		orgs = append(orgs, decode[registerResponse](t, rec).OrgID)
	}
	for i, want := range []struct {
		plan string
		max  int
	}{{"enterprise", -1}, {"starter", 25}} {
		org, err := e.db.Organization(orgs[i])
		if err != nil {
			t.Fatal(err)
		}
		if org.PlanType != want.plan || org.MaxServices != want.max {
			t.Errorf("organization %d: plan %q max_services %d, want %q %d", i, org.PlanType, org.MaxServices, want.plan, want.max)
		}
	}
}

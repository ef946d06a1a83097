package uitest

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// TestInvitationLanding: with registration needing an invitation, the login page offers no
// sign-up and the sign-up page says an invitation is needed. An invitation link names the
// organization, the inviter and the role, shows the invited address locked and never the
// token, and signing up there joins only the inviting organization (SPEC §3.1).
func TestInvitationLanding(t *testing.T) {
	srv := startServer(t, serverOptions{Configure: func(c *config.Config) { c.RegistrationMode = "first-user" }})
	_, orgID, _ := registerViaAPI(t, srv, "Grace Hopper", "grace@example.com", "correct horse battery")
	grace, err := srv.DB.UserByEmail("grace@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token, err := crypto.RandomToken("inv_", 32)
	if err != nil {
		t.Fatal(err)
	}
	inv := &store.Invitation{Email: "bob@example.com", Role: "responder", InvitedBy: grace.ID, Digest: crypto.Digest(token),
		ExpiresAt: time.Now().Add(24 * time.Hour)}
	if err := srv.DB.CreateInvitation(orgID, inv, nil); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv, 60*time.Second)
	b.open("/login")
	b.waitFor("the login form", `document.querySelector('[name="email"]') !== null`, 10*time.Second)
	// Once GET /auth/setup has answered (and a frame has drawn its answer), a sign-up link would show.
	b.waitFor("the setup answer", `performance.getEntriesByType('resource').some((e) => e.name.includes('/auth/setup') && e.responseEnd > 0)`, 10*time.Second)
	b.waitFor("a frame after it", `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, 5*time.Second)
	if evalJS[bool](b, `[...document.querySelectorAll('a')].some((a) => a.textContent.trim() === 'Sign up')`) {
		t.Error("the login page offers a sign-up although registration needs an invitation")
	}
	b.open("/signup")
	b.waitText("Signing up here needs an invitation")
	if evalJS[bool](b, `document.querySelector('[name="password"]') !== null`) {
		t.Error("the sign-up form is shown although registration needs an invitation")
	}

	b.open("/invite?token=" + token)
	b.waitText("Grace Hopper invites you to join Grace Hopper's Organization as Responder")
	b.waitFor("the invited address, locked", `(() => { const e = document.querySelector('[name="email"]'); return e && e.value === 'bob@example.com' && e.readOnly; })()`, 5*time.Second)
	if evalJS[bool](b, `document.body.innerText.includes(`+jsString(token)+`) || [...document.querySelectorAll('input')].some((i) => i.value.includes('inv_'))`) {
		t.Error("the invitation token is shown on the page")
	}
	b.screenshot("invitation-landing")
	b.fill("full_name", "Bob")
	b.fill("password", "correct horse battery")
	b.click("Sign up")
	b.waitFor("Grace's organization selected", `document.querySelector('#org-switcher') && document.querySelector('#org-switcher').selectedOptions[0].textContent.includes("Grace Hopper's Organization")`, 10*time.Second)
	bob, err := srv.DB.UserByEmail("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := srv.DB.UserOrganizations(bob.ID)
	if err != nil || len(orgs) != 1 || orgs[0].Organization.ID != orgID || orgs[0].Role != "responder" {
		t.Fatalf("bob's organizations = %+v, %v; want only Grace's, as responder", orgs, err)
	}
}

package uitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestFirstRun: SPEC §2.2, §2.5 — an empty instance greets its first visitor with "Welcome —
// create the administrator account" (the product's name and what the account becomes), even
// from the login page; that account's organization has no cap, so "Add a service" shows no
// count. Where a cap applies the button shows the count against it, and once it is met the
// dashboard and the service form say how many of how many — with, for the instance admin,
// a link to Administration where it is lifted, and for anyone else who can lift it.
func TestFirstRun(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.open("/")
	b.waitText("Welcome — create the administrator account")
	b.waitFor("the sign-up page", `location.pathname === '/signup' && document.querySelector('[data-welcome]').innerText.includes('AlertifyPro') &&
		document.querySelector('[data-welcome]').innerText.includes('instance administrator')`, 10*time.Second)
	b.screenshot("welcome")
	b.fill("full_name", "Ada Lovelace")
	b.fill("email", "ada@example.com")
	b.fill("password", "correct horse battery")
	b.click("Sign up")
	b.waitText("Add your first service")
	adminOrg := orgOf(t, srv, "ada@example.com")
	if org, err := srv.DB.Organization(adminOrg); err != nil || org.PlanType != "enterprise" || org.MaxServices != -1 {
		t.Fatalf("the instance admin's organization: %+v %v, want enterprise without a cap", org, err)
	}
	b.waitFor("Add a service without a count", `[...document.querySelectorAll('main a')].some((a) => a.textContent.trim() === 'Add a service')`, 10*time.Second)

	// The instance admin gives their organization a cap of 2: the count shows, then the limit.
	setCap(t, srv, adminOrg, "free", 2)
	addServices(t, srv, adminOrg, 1)
	b.open("/")
	b.waitFor("the count against the cap", `[...document.querySelectorAll('main a')].some((a) => a.textContent.trim() === 'Add a service (1 of 2)')`, 10*time.Second)
	addServices(t, srv, adminOrg, 1)
	b.open("/")
	b.waitFor("the met cap with a link to lift it", `(() => { const n = document.querySelector('[data-cap-met]');
		return n && n.innerText.includes('2 of 2 services on the free plan') && n.querySelector('a[href="/admin"]') !== null; })()`, 10*time.Second)
	b.screenshot("cap-met-instance-admin")
	b.click("Lift the limit in Administration")
	b.waitFor("the Administration page", `location.pathname === '/admin' && document.querySelector('main h1')?.textContent === 'Instance administration'`, 10*time.Second)

	// Someone else: free plan, 5 services; the service form says 5 of 5 and who can lift it.
	b.click("Log out")
	b.waitFor("the login page", `location.pathname === '/login'`, 10*time.Second)
	b.open("/signup")
	b.waitText("Create your account")
	if evalJS[bool](b, `document.body.innerText.includes('Welcome')`) {
		t.Error("the welcome screen shows on an instance that has accounts")
	}
	b.fill("full_name", "Bob Builder")
	b.fill("email", "bob@example.com")
	b.fill("password", "correct horse battery")
	b.click("Sign up")
	b.waitFor("Add a service (0 of 5)", `[...document.querySelectorAll('main a')].some((a) => a.textContent.trim() === 'Add a service (0 of 5)')`, 10*time.Second)
	addServices(t, srv, orgOf(t, srv, "bob@example.com"), 5)
	b.open("/services/new")
	b.waitFor("the cap on the form", `document.querySelector('[data-cap]') && document.querySelector('[data-cap]').innerText.includes('5 of 5 services on the free plan')`, 10*time.Second)
	b.fill("name", "Sixth")
	b.fill("endpoint", "http://127.0.0.1:9/")
	b.click("Create service")
	b.waitFor("the 402 says 5 of 5 and who lifts it", `(() => { const t = document.querySelector('main').innerText;
		return t.includes('Service limit reached: 5 of 5') && t.includes('ask the instance administrator') && !document.querySelector('main a[href="/admin"]'); })()`, 10*time.Second)
	b.screenshot("cap-met-member")
}

// setCap puts orgID on plan with a custom service cap, as the Administration page does.
func setCap(t *testing.T, srv *server, orgID, plan string, max int) {
	t.Helper()
	if _, err := srv.DB.UpdateOrganization(orgID, func(o *store.Organization) error {
		o.PlanType, o.MaxServices = plan, max
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
}

// addServices creates n services in orgID straight in the store.
func addServices(t *testing.T, srv *server, orgID string, n int) {
	t.Helper()
	for range n {
		s := &store.Service{Name: fmt.Sprintf("svc-%s", store.NewID()), CheckType: "TCP", Endpoint: "127.0.0.1:9",
			CheckIntervalSeconds: 60, TimeoutSeconds: 5}
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
}

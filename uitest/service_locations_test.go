package uitest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/store"
)

// orgOf is the organization of the account email signed up with.
func orgOf(t *testing.T, srv *server, email string) string {
	t.Helper()
	u, err := srv.DB.UserByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := srv.DB.UserOrganizations(u.ID)
	if err != nil || len(orgs) == 0 {
		t.Fatalf("organizations of %s: %v", email, err)
	}
	return orgs[0].Organization.ID
}

// TestServiceLocations: the service form lists the locations the organization may use
// (the built-in one ticked by default), shows the default quorum ceil(n/2) as n changes,
// and puts the API's 422s under the quorum and the locations; the service stores what
// was ticked and the edit form reopens with it. The detail shows one chip per location
// — its last status, or offline for a location without an agent — and an alert's
// failing_regions appear on the service, in the alerts list and on the alert.
func TestServiceLocations(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	orgID := orgOf(t, srv, "ada@example.com")
	for _, name := range []string{"lab-a", "lab-b"} {
		if err := srv.DB.CreateLocation(orgID, &store.Location{Name: name, DisplayName: name}, nil); err != nil {
			t.Fatal(err)
		}
	}

	b.click("Add a service")
	b.waitFor("the location choices", `document.querySelectorAll('input[name="locations"]').length === 3 &&
		document.querySelector('input[name="locations"][value="local"]').checked &&
		document.querySelector('[name="location_quorum"]').placeholder === '1'`, 10*time.Second)
	if got := evalJS[[]string](b, unlabelledControls); len(got) > 0 {
		t.Errorf("service form: controls without a label:\n%s", strings.Join(got, "\n"))
	}
	b.fill("name", "Everywhere API")
	b.fill("endpoint", "http://127.0.0.1:9/health")
	b.clickSel(`input[name="locations"][value="lab-a"]`)
	// The keyboard works the choices as well: Space ticks the focused box.
	evalJS[bool](b, `(document.querySelector('input[name="locations"][value="lab-b"]').focus(), true)`)
	b.run("space", chromedp.KeyEvent(" "))
	b.waitFor("the default quorum of 3", `document.querySelector('[name="location_quorum"]').placeholder === '2' &&
		document.querySelector('[name="location_quorum"]').max === '3' && document.body.innerText.includes('default, 2 of 3')`, 5*time.Second)
	b.fill("location_quorum", "4")
	b.click("Create service")
	b.waitFor("the quorum's error under it", `document.querySelector('.field.has-error [name="location_quorum"]') !== null &&
		document.querySelector('.field.has-error').innerText.includes('from 1 to the number of locations')`, 10*time.Second)
	b.screenshot("quorum-error")
	b.fill("location_quorum", "3")
	b.click("Create service")
	b.waitText("Response time")
	id := evalJS[string](b, `location.pathname.split('/')[2]`)
	svc, err := srv.DB.Service(orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(svc.Locations, []string{"local", "lab-a", "lab-b"}) || svc.LocationQuorum != 3 {
		t.Fatalf("stored locations %q quorum %d, want local, lab-a, lab-b at 3", svc.Locations, svc.LocationQuorum)
	}
	// No agent in either lab: their chips say offline; the server's own is pending.
	b.waitFor("the chips", `(() => { const c = (n) => document.querySelector('.chip[data-location="' + n + '"]');
		return c('local') && c('local').dataset.status === 'PENDING' && c('lab-a').dataset.status === 'offline' &&
			c('lab-b').dataset.status === 'offline' && document.body.innerText.includes('quorum 3 of 3'); })()`, 10*time.Second)

	// The edit form reopens with the ticks and the quorum; no location at all is a 422.
	b.open("/services/" + id + "/edit")
	b.waitFor("the stored choice", `document.querySelectorAll('input[name="locations"]:checked').length === 3 &&
		document.querySelector('[name="location_quorum"]').value === '3'`, 10*time.Second)
	for _, n := range []string{"local", "lab-a", "lab-b"} {
		b.clickSel(`input[name="locations"][value="` + n + `"]`)
	}
	b.fill("location_quorum", "")
	b.click("Save changes")
	b.waitFor("the locations' error", `document.querySelector('#locations-err') !== null &&
		document.querySelector('#locations-err').innerText.includes('at least one location') &&
		document.querySelector('.location-picks').getAttribute('aria-describedby') === 'locations-err'`, 10*time.Second)
	b.clickSel(`input[name="locations"][value="lab-a"]`)
	b.clickSel(`input[name="locations"][value="local"]`)
	b.click("Save changes")
	b.waitText("Response time")
	if svc, _ = srv.DB.Service(orgID, id); !slices.Equal(svc.Locations, []string{"lab-a", "local"}) || svc.LocationQuorum != 0 {
		t.Fatalf("after the edit: locations %q quorum %d, want lab-a, local at the default", svc.Locations, svc.LocationQuorum)
	}

	// Each location's last status, as the recorder leaves it, and an alert naming the
	// failing locations.
	if _, err := srv.DB.UpdateService(orgID, id, func(s *store.Service) error {
		s.LocationStatus = map[string]string{"local": store.StatusGreen, "lab-a": store.StatusRed}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	al := &store.Alert{OrgID: orgID, AlertRuleID: store.DefaultRuleID, ServiceID: id, ServiceName: "Everywhere API",
		Severity: "critical", Title: "Everywhere API is down", Message: "down", FiredAt: time.Now(), FailingRegions: []string{"lab-a", "local"}}
	if err := srv.DB.WithAlertTx(func(tx *store.AlertTx) error { return tx.CreateAlert(al) }); err != nil {
		t.Fatal(err)
	}
	b.waitFor("chips and the alert's locations", `(() => { const c = (n) => document.querySelector('.chip[data-location="' + n + '"]');
		return c('local').dataset.status === 'GREEN' && c('lab-a').dataset.status === 'offline' && !c('lab-b') &&
			document.body.innerText.includes('lab-a, local'); })()`, 10*time.Second)
	b.screenshot("service-chips")
	if got := evalJS[[]string](b, unlabelled); len(got) > 0 {
		t.Errorf("service page: buttons or links without text or aria-label:\n%s", strings.Join(got, "\n"))
	}
	b.click("Alerts")
	b.waitText("failing in lab-a, local")
	b.click("Everywhere API is down")
	b.waitFor("failing locations on the alert", `document.querySelector('[data-failing-regions]') && document.querySelector('[data-failing-regions]').textContent === 'lab-a, local'`, 10*time.Second)
}

package uitest

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceFormThresholds edits the response-time thresholds and the connection-time
// assertion: the API's 422s land under the warning input and under the bound, a valid
// form is stored, the edit form reopens with it, and only HTTP and TCP show the assertion.
func TestServiceFormThresholds(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")

	b.open("/services/new")
	b.fill("name", "Slow API")
	b.fill("endpoint", "http://127.0.0.1:9/health")
	b.fill("response_time_warning", "1500")
	b.fill("response_time_critical", "1200")
	b.fill("options.assert.bound", "0")
	b.click("Create service")
	b.waitFor("422 under the warning and the bound", `(() => {
		const bad = (n) => document.querySelector('.field.has-error [name="' + n + '"]') !== null;
		return bad('response_time_warning') && bad('options.assert.bound') &&
			document.body.innerText.includes('Warning above must be less than Critical above (1200 ms)') &&
			document.body.innerText.includes('Bound must be a number of milliseconds from 0.001 to 600000'); })()`, 10*time.Second)
	b.screenshot("thresholds-errors")

	b.fill("response_time_warning", "1000")
	b.choose("options.assert.operator", "lte")
	b.fill("options.assert.bound", "250")
	b.click("Create service")
	b.waitText("Response time")
	id := evalJS[string](b, `location.pathname.split('/')[2]`)
	b.open("/services/" + id + "/edit")
	b.waitFor("the stored thresholds and assertion", `(() => { const v = (n) => document.querySelector('[name="' + n + '"]')?.value;
		return v('response_time_warning') === '1000' && v('response_time_critical') === '1200' &&
			v('options.assert.operator') === 'lte' && v('options.assert.bound') === '250'; })()`, 10*time.Second)

	// Clearing the critical threshold and the bound removes them.
	b.fill("response_time_critical", "")
	b.fill("options.assert.bound", "")
	b.click("Save changes")
	b.waitText("Response time")
	b.open("/services/" + id + "/edit")
	b.waitFor("critical and assertion removed", `(() => { const v = (n) => document.querySelector('[name="' + n + '"]')?.value;
		return v('response_time_warning') === '1000' && v('response_time_critical') === '' && v('options.assert.bound') === ''; })()`, 10*time.Second)

	b.choose("check_type", "UDP")
	b.waitFor("no assertion for UDP", `document.querySelector('[name^="options.assert"]') === null`, 5*time.Second)
	b.choose("check_type", "TCP")
	b.waitFor("the assertion for TCP", `document.querySelector('[name="options.assert.bound"]') !== null`, 5*time.Second)
}

// TestSlowOverWarningNotice: a check over response_time_warning is "slow" on the service
// page with its figures read from the checker's "slow: 1 500 ms > 1 000 ms" (thousands
// spaced), not "failed"; one over the critical threshold failed, and says so.
func TestSlowOverWarningNotice(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, slug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	now := time.Now().UTC()
	rt := 1500
	slow := &store.Service{Name: "Slow API", CheckType: "HTTP", Endpoint: "https://slow.example.com/", CheckIntervalSeconds: 60,
		TimeoutSeconds: 10, Status: "YELLOW", DegradedThresholdMS: 500, ResponseTimeWarningMS: 1000, ResponseTimeCriticalMS: 2000,
		LastCheckedAt: &now, LastResponseTimeMS: &rt, LastError: "slow: 1 500 ms > 1 000 ms"}
	down := *slow
	down.Name, down.Status, down.LastError = "Slower API", "RED", "slow: 2 500 ms > 2 000 ms"
	for _, s := range []*store.Service{slow, &down} {
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, slug)
	b.open("/services/" + slow.ID)
	b.waitFor("the slow wording", `document.querySelector('[data-last-check]')?.textContent === 'Last check was slow (1.50 s, threshold 1 s)'`, 10*time.Second)
	b.open("/services/" + down.ID)
	b.waitFor("the failed wording", `document.querySelector('[data-last-check]')?.textContent === 'Last check failed: slow: 2 500 ms > 2 000 ms'`, 10*time.Second)
}

package uitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
)

// TestAuditStreamingPage drives the audit-log page's retention line and streaming section
// in Chromium: the plan's retention is shown, a signed-webhook destination is added
// through the form (its secret write-only), "Send test" reaches a loopback receiver that
// verifies the signature and the banner says so, and the streamer delivers the log's
// entries to it, the status showing them delivered. The instance admin then sets the
// organization's retention on the admin page, and the audit-log page shows it.
func TestAuditStreamingPage(t *testing.T) {
	const secret = "whsec_browser_test_0123456789"
	var (
		mu     sync.Mutex
		events []string
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !crypto.VerifyHMAC([]byte(secret), body, r.Header.Get("X-AlertifyPro-Signature")) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var env struct {
			Data struct {
				Entries []struct {
					Event string `json:"event"`
				} `json:"entries"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, e := range env.Data.Entries {
			events = append(events, e.Event)
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 90*time.Second)
	b.signUp("Ada Lovelace", "ada@example.com", "correct horse battery")
	b.open("/audit-log")
	// The first account's organization is on enterprise: a year.
	b.waitFor("the retention line", `document.querySelector('[data-audit-retention]')?.dataset.auditRetention === '365'`, 10*time.Second)
	b.waitText("No destinations")
	b.click("Add destination")
	b.fill("new-name", "SIEM hook")
	b.choose("new-type", "webhook")
	b.fill("new-url", recv.URL+"/audit")
	b.fill("new-secret", secret)
	b.click("Add destination")
	b.waitFor("the destination in the list", `[...document.querySelectorAll('[data-audit-streams] td')].some((td) => td.textContent.startsWith('SIEM hook'))`, 10*time.Second)
	if evalJS[bool](b, `document.querySelector('main').innerText.includes('`+secret+`')`) {
		t.Fatal("the page shows the secret")
	}
	b.click("Send test")
	b.waitText("SIEM hook accepted the test event (HTTP 204).")
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := append([]string(nil), events...)
		mu.Unlock()
		// The test event comes when the button is pressed; the log's entries come in order,
		// the stream's own creation first, then the audited test.
		logged := slices.DeleteFunc(slices.Clone(got), func(e string) bool { return e == "audit_stream.test" })
		if len(got)-len(logged) == 1 && len(logged) >= 2 && logged[0] == "audit_stream.created" && logged[1] == "audit_stream.tested" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %v; want one test event, and the log from the stream's own creation on", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.open("/audit-log")
	b.waitFor("the delivered count", `document.querySelector('[data-stream-status]')?.textContent.includes('delivered')
		&& !document.querySelector('[data-stream-status]').textContent.includes('Nothing delivered yet')`, 15*time.Second)
	b.screenshot("audit streaming")

	// A stored credential can be removed on edit; the webhook's secret is required, so
	// removing it is refused, and the stored one stays.
	b.click("Edit")
	b.clickSel(`input[name="edit-drop-secret"]`)
	b.click("Save")
	b.waitText("Signing secret is required")
	st, err := srv.DB.AuditStreams(orgOf(t, srv, "ada@example.com"))
	if err != nil || len(st) != 1 || len(st[0].Secrets["secret"]) == 0 {
		t.Fatalf("after the refused removal: %+v, %v", st, err)
	}

	// The instance admin sets the organization's retention; the audit-log page shows it.
	b.open("/admin")
	name := b.waitFor("the retention input", `document.querySelector('input[name^="retention-"]')?.name`, 10*time.Second).(string)
	b.fill(name, "400")
	b.clickSel(`form:has(input[name="` + name + `"]) button[type="submit"]`)
	b.waitFor("the new period on the admin page", `document.querySelector('[data-retention]')?.dataset.retention === '400'`, 10*time.Second)
	b.open("/audit-log")
	b.waitFor("the new period on the audit-log page", `document.querySelector('[data-audit-retention]')?.dataset.auditRetention === '400'`, 10*time.Second)
	b.waitText("(set by the instance administrator)")
}

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
// entries to it, the status showing them delivered.
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
		if len(got) >= 2 && got[0] == "audit_stream.test" && slices.Contains(got[1:], "audit_stream.created") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %v; want the test event, then the stream's own creation and what followed", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.open("/audit-log")
	b.waitFor("the delivered count", `document.querySelector('[data-stream-status]')?.textContent.includes('delivered')
		&& !document.querySelector('[data-stream-status]').textContent.includes('Nothing delivered yet')`, 15*time.Second)
	b.screenshot("audit streaming")
}

package uitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDeliveryRetry: a channel whose receiver answers 404 dead-letters a delivery
// (permanent); its row in the delivery log offers Retry, which queues it again.
func TestDeliveryRetry(t *testing.T) {
	srv := startServer(t, serverOptions{})
	b := newBrowser(t, srv, 60*time.Second)
	b.signUp("Edsger Dijkstra", "edsger@example.com", "correct horse battery")
	receiver := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(receiver.Close)

	token := evalJS[string](b, `localStorage.getItem('alertifypro.token')`)
	org := evalJS[string](b, `localStorage.getItem('alertifypro.org')`)
	call := func(method, path string, body any) map[string]any {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, srv.URL+"/api/v1"+path+"?org="+org, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, res.StatusCode, out)
		}
		return out
	}
	ch := call("POST", "/notification-channels", map[string]any{"name": "Broken hook", "type": "webhook", "config": map[string]any{"url": receiver.URL + "/gone"}})
	o := call("GET", "/organization", nil)
	chID, orgID := ch["id"].(string), o["id"].(string)
	if err := srv.DB.Enqueue(orgID, &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: chID, Event: "alert.fired",
		Notification: json.RawMessage(`{"event":"alert.fired","title":"Test","message":"dead-letter me"}`)}); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(15 * time.Second)
	for {
		b.open("/channels/" + chID)
		b.waitText("Delivery log")
		if evalJS[bool](b, `document.querySelector('button[aria-label^="Retry delivery"]') !== null`) {
			break
		}
		if time.Now().After(deadline) {
			b.screenshot("no-dead-letter")
			t.Fatal("no dead-lettered delivery with a Retry button")
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.screenshot("dead-lettered")
	b.clickSel(`button[aria-label^="Retry delivery"]`)
	b.waitText("Queued")
	b.screenshot("retried")
}

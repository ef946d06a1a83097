package notify

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
)

func TestWebhookDefaultPayloadSignedWithHeaders(t *testing.T) {
	r := newHookReceiver(t, false)
	s := senderAt(t, "webhook", r)
	n := firedNotification()
	mustSend(t, s, n)
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/hook/SECRET" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	if got.Header.Get("X-AlertifyPro-Event") != "alert.fired" || got.Header.Get("X-AlertifyPro-Delivery") != n.ID {
		t.Errorf("event headers: %v", got.Header)
	}
	if got.Header.Get("Authorization") != "Bearer x" {
		t.Errorf("configured header missing: %v", got.Header)
	}
	sig := got.Header.Get("X-AlertifyPro-Signature")
	if !crypto.VerifyHMAC([]byte("s3cret"), got.Body, sig) {
		t.Fatalf("signature %q does not verify over the raw body", sig)
	}
	if crypto.VerifyHMAC([]byte("other"), got.Body, sig) {
		t.Fatal("signature verifies under another secret")
	}

	body := decodeJSON(t, got)
	checks := map[string]any{
		"id": n.ID, "event": "alert.fired", "timestamp": "2025-03-14T10:25:00Z",
	}
	for k, want := range checks {
		if body[k] != want {
			t.Errorf("%s = %v, want %v", k, body[k], want)
		}
	}
	if jsonAt(t, body, "organization", "id") != "org-1" || jsonAt(t, body, "data", "monitor", "name") != "API" ||
		jsonAt(t, body, "data", "monitor", "url") != n.Endpoint || jsonAt(t, body, "data", "alert", "id") != "alert-1" ||
		jsonAt(t, body, "data", "alert", "severity") != "critical" || jsonAt(t, body, "data", "alert", "ack_url") != n.AckURL {
		t.Errorf("envelope = %s", got.Body)
	}

	// A retry sends, and signs, the very same bytes.
	mustSend(t, s, n)
	if again := r.last(t); !bytes.Equal(again.Body, got.Body) || again.Header.Get("X-AlertifyPro-Signature") != sig {
		t.Fatal("a retry changed the body or the signature")
	}
}

func TestWebhookSendsGivenPayloadVerbatim(t *testing.T) {
	r := newHookReceiver(t, false)
	s := senderAt(t, "webhook", r)
	n := firedNotification()
	n.Event = "monitor.down"
	n.Payload = json.RawMessage(`{"id":"d-1","event":"monitor.down","data":{"monitor":{"id":"svc-1"}}}`)
	mustSend(t, s, n)
	got := r.last(t)
	if !bytes.Equal(got.Body, n.Payload) {
		t.Fatalf("body = %s, want the payload verbatim", got.Body)
	}
	if got.Header.Get("X-AlertifyPro-Event") != "monitor.down" ||
		!crypto.VerifyHMAC([]byte("s3cret"), got.Body, got.Header.Get("X-AlertifyPro-Signature")) {
		t.Fatalf("headers = %v", got.Header)
	}
}

func TestWebhookWithoutSecretIsUnsigned(t *testing.T) {
	r := newHookReceiver(t, false)
	s := mustSender(t, "webhook", map[string]any{"url": r.srv.URL + "/plain"}, r.deps())
	mustSend(t, s, resolvedNotification())
	got := r.last(t)
	if _, signed := got.Header["X-Alertifypro-Signature"]; signed {
		t.Fatal("unsigned webhook sent a signature header")
	}
	body := decodeJSON(t, got)
	if jsonAt(t, body, "data", "alert", "resolved_at") != "2025-03-14T10:30:00Z" ||
		jsonAt(t, body, "data", "alert", "downtime_seconds") != float64(720) || body["timestamp"] != "2025-03-14T10:30:00Z" {
		t.Fatalf("resolved envelope = %s", got.Body)
	}
}

// TestWebhookRendersItsOwnEnvelopeAfterTheOutbox: a notification queued without a payload
// (an alert for a webhook channel) comes back from the outbox's JSON with Payload "null"
// when it was encoded before the omitempty tag; the channel must still send the envelope,
// never the four bytes "null".
func TestWebhookRendersItsOwnEnvelopeAfterTheOutbox(t *testing.T) {
	r := newHookReceiver(t, false)
	s := senderAt(t, "webhook", r)
	for _, raw := range []string{`{"ID":"d-1","Event":"alert.fired","AlertID":"alert-1","Payload":null}`, `{"ID":"d-2","Event":"alert.fired","AlertID":"alert-1"}`} {
		var n Notification
		if err := json.Unmarshal([]byte(raw), &n); err != nil {
			t.Fatal(err)
		}
		mustSend(t, s, &n)
		body := decodeJSON(t, r.last(t))
		if body["event"] != "alert.fired" || jsonAt(t, body, "data", "alert", "id") != "alert-1" {
			t.Fatalf("%s: sent %v", raw, body)
		}
	}
	if raw, _ := json.Marshal(Notification{ID: "x"}); bytes.Contains(raw, []byte("Payload")) {
		t.Errorf("a nil payload is encoded: %s", raw)
	}
}

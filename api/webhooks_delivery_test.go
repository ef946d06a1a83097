package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// testWebhookSecret is the secret the delivery tests give their subscriptions; the
// receivers verify signatures with it.
const testWebhookSecret = "whsec_test_0123456789abcdef"

// subscribe creates a subscription of owner's organization to url through the API.
func subscribe(t *testing.T, e *testEnv, token, url string, events ...string) webhookView {
	t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/webhooks", token, map[string]any{"url": url, "events": events, "secret": testWebhookSecret})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", rec.Code, rec.Body.String())
	}
	return decode[webhookView](t, rec)
}

// monitorDown is a monitor.down event as the alerting code emits it.
// newHookEnv is a test env with one account, owner, and a webhook receiver that answers
// status.
func newHookEnv(t *testing.T, status int) (*testEnv, *testUser, *hookReceiver) {
	t.Helper()
	e := newTestEnv(t)
	return e, e.newUser("owner@example.com", "Owner"), newHookReceiver(t, testWebhookSecret, status)
}

// newQueuedMonitorDown is newHookEnv with the owner's webhook subscribed to
// monitor.down and one such event waiting in the outbox for worker to deliver.
func newQueuedMonitorDown(t *testing.T, status int) (e *testEnv, owner *testUser, recv *hookReceiver, hook webhookView, worker *notify.OutboxSender) {
	t.Helper()
	e, owner, recv = newHookEnv(t, status)
	hook = subscribe(t, e, owner.Token, recv.URL, "monitor.down")
	mustEmit(t, e, owner.OrgID, monitorDown())
	return e, owner, recv, hook, outboxWorker(e)
}

func monitorDown() *store.Event {
	return &store.Event{Name: "monitor.down", Data: map[string]any{
		"monitor": map[string]any{"id": "svc-1", "name": "API", "type": "HTTP", "url": "https://api.example.com"},
		"alert":   map[string]any{"id": "alert-1", "severity": "critical", "reason": "connection refused"},
	}}
}

func mustEmit(t *testing.T, e *testEnv, orgID string, ev *store.Event) {
	t.Helper()
	if err := e.db.EmitEvent(orgID, ev); err != nil {
		t.Fatalf("emit %s: %v", ev.Name, err)
	}
}

func webhookLog(t *testing.T, e *testEnv, token, id string) []webhookDeliveryView {
	t.Helper()
	rec := e.do(http.MethodGet, "/api/v1/webhooks/"+id+"/deliveries", token, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("deliveries: %d %s", rec.Code, rec.Body.String())
	}
	return decode[[]webhookDeliveryView](t, rec)
}

func TestWebhookDeliverySignedEnvelope(t *testing.T) {
	e, owner, recv := newHookEnv(t, http.StatusOK)
	hook := subscribe(t, e, owner.Token, recv.URL+"/hook", "Monitor.Down", "member.invited")
	worker := outboxWorker(e)

	mustEmit(t, e, owner.OrgID, monitorDown())
	mustEmit(t, e, owner.OrgID, &store.Event{Name: "monitor.recovered"}) // not subscribed: nothing queued
	// The store encodes the entry under notify.Notification's field names (it cannot import
	// notify): decoded with notify's own type, it carries the envelope and its id.
	due, _ := e.db.DueOutbox(e.clock.Now(), 10)
	if len(due) != 1 {
		t.Fatalf("queued %d entries, want 1", len(due))
	}
	var n notify.Notification
	if err := json.Unmarshal(due[0].Notification, &n); err != nil || n.ID != due[0].ID || n.Event != "monitor.down" ||
		n.OrgID != owner.OrgID || !strings.Contains(string(n.Payload), `"id":"`+due[0].ID+`"`) {
		t.Fatalf("notification = %+v, %v", n, err)
	}
	if n := deliverDue(t, worker); n != 1 {
		t.Fatalf("attempted %d deliveries, want 1", n)
	}
	requests, badSigs, processed := recv.stats()
	if requests != 1 || badSigs != 0 || len(processed) != 1 {
		t.Fatalf("receiver: %d requests, %d bad signatures, processed %v", requests, badSigs, processed)
	}
	env, hdr := recv.envelopes[0], recv.headers[0]
	org := env["organization"].(map[string]any)
	data := env["data"].(map[string]any)
	if env["event"] != "monitor.down" || env["timestamp"] != e.clock.Now().Format(time.RFC3339) ||
		org["id"] != owner.OrgID || org["name"] != "Owner's Organization" ||
		data["monitor"].(map[string]any)["name"] != "API" || data["alert"].(map[string]any)["severity"] != "critical" {
		t.Fatalf("envelope = %v", env)
	}
	if env["id"] != hdr.Get("X-AlertifyPro-Delivery") || hdr.Get("X-AlertifyPro-Event") != "monitor.down" ||
		hdr.Get("Content-Type") != "application/json" || !strings.HasPrefix(hdr.Get("X-AlertifyPro-Signature"), "sha256=") {
		t.Fatalf("headers = %v (envelope id %v)", hdr, env["id"])
	}
	logs := webhookLog(t, e, owner.Token, hook.ID)
	if len(logs) != 1 || logs[0].DeliveryID != env["id"] || logs[0].Outcome != store.DeliveryDelivered ||
		*logs[0].StatusCode != 200 || logs[0].Response != "thanks" || logs[0].WebhookID != hook.ID || logs[0].Event != "monitor.down" {
		t.Fatalf("delivery log = %+v", logs)
	}
	view := decode[webhookView](t, e.do(http.MethodGet, "/api/v1/webhooks/"+hook.ID, owner.Token, nil))
	if view.LastDeliveryAt == nil || view.LastError != nil {
		t.Fatalf("after delivery: %+v", view)
	}
}

func TestWebhookDeliveryRetriesUntilRecoveryExactlyOnce(t *testing.T) {
	e, owner, recv, hook, worker := newQueuedMonitorDown(t, http.StatusInternalServerError)

	for range 4 {
		if n := deliverDue(t, worker); n != 1 {
			t.Fatalf("attempted %d, want 1", n)
		}
		e.clock.Advance(time.Hour) // past any backoff
	}
	recv.set(http.StatusOK, "")
	for range 3 { // the recovered receiver, then passes that must find nothing left
		deliverDue(t, worker)
		e.clock.Advance(time.Hour)
	}
	requests, badSigs, processed := recv.stats()
	if requests != 5 || badSigs != 0 || len(processed) != 1 {
		t.Fatalf("receiver: %d requests, %d bad signatures, processed %v", requests, badSigs, processed)
	}
	for id, n := range processed {
		if n != 1 {
			t.Fatalf("delivery %s processed %d times", id, n)
		}
	}
	logs := webhookLog(t, e, owner.Token, hook.ID)
	if len(logs) != 5 || logs[0].Outcome != store.DeliveryDelivered || logs[0].Attempt != 5 || logs[4].Outcome != store.DeliveryRetry ||
		*logs[4].StatusCode != 500 {
		t.Fatalf("delivery log = %+v", logs)
	}
	if depth, _ := e.db.OutboxDepth(); depth != 0 {
		t.Fatalf("outbox still holds %d entries", depth)
	}
}

func TestWebhookDeliveryHonoursRetryAfter(t *testing.T) {
	e, _, recv, _, worker := newQueuedMonitorDown(t, http.StatusTooManyRequests)
	recv.set(http.StatusTooManyRequests, "120")
	start := e.clock.Now()

	if n := deliverDue(t, worker); n != 1 {
		t.Fatalf("first pass attempted %d", n)
	}
	due, _ := e.db.DueOutbox(start.Add(24*time.Hour), 10)
	if len(due) != 1 || due[0].NextAttemptAt.Before(start.Add(120*time.Second)) || due[0].LastStatus != 429 {
		t.Fatalf("rescheduled = %+v, want not before %v", due, start.Add(120*time.Second))
	}
	recv.set(http.StatusOK, "")
	e.clock.Advance(119 * time.Second) // the backoff alone (≤ 5 s) would be due by now
	if n := deliverDue(t, worker); n != 0 {
		t.Fatalf("attempted %d before Retry-After passed", n)
	}
	e.clock.Advance(time.Second)
	if n := deliverDue(t, worker); n != 1 {
		t.Fatalf("attempted %d once Retry-After passed", n)
	}
	if requests, _, processed := recv.stats(); requests != 2 || len(processed) != 1 {
		t.Fatalf("receiver: %d requests, processed %v", requests, processed)
	}
}

func TestWebhookDelivery404StopsAndShowsLastError(t *testing.T) {
	e, owner, recv, hook, worker := newQueuedMonitorDown(t, http.StatusNotFound)

	for range 3 {
		deliverDue(t, worker)
		e.clock.Advance(time.Hour)
	}
	if requests, _, _ := recv.stats(); requests != 1 {
		t.Fatalf("a 404 was retried: %d requests", requests)
	}
	view := decode[webhookView](t, e.do(http.MethodGet, "/api/v1/webhooks/"+hook.ID, owner.Token, nil))
	if view.LastError == nil || !strings.Contains(*view.LastError, "404") || view.LastDeliveryAt != nil {
		t.Fatalf("after a 404: %+v", view)
	}
	logs := webhookLog(t, e, owner.Token, hook.ID)
	if len(logs) != 1 || logs[0].Outcome != store.DeliveryPermanent {
		t.Fatalf("delivery log = %+v", logs)
	}
	if dead, _ := e.db.DeadLetters(owner.OrgID); len(dead) != 1 || dead[0].Kind != store.OutboxKindWebhook {
		t.Fatalf("dead letters = %+v", dead)
	}

	// Once the receiver is fixed, the dead letter is replayed by its delivery id, and the
	// delivery then clears last_error.
	recv.set(http.StatusOK, "")
	if rec := e.do(http.MethodPost, "/api/v1/deliveries/"+logs[0].DeliveryID+"/retry", owner.Token, nil); rec.Code != http.StatusAccepted {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body.String())
	}
	e.clock.Advance(time.Second)
	if n := deliverDue(t, worker); n != 1 {
		t.Fatalf("replay attempted %d", n)
	}
	if _, _, processed := recv.stats(); processed[logs[0].DeliveryID] != 1 {
		t.Fatalf("replayed delivery processed %v", processed)
	}
	view = decode[webhookView](t, e.do(http.MethodGet, "/api/v1/webhooks/"+hook.ID, owner.Token, nil))
	if view.LastError != nil || view.LastDeliveryAt == nil {
		t.Fatalf("after replay: %+v", view)
	}
}

// A restart in the middle of a retry series — one attempt failed, the next one leased by
// a sender that then died without an outcome — neither loses the delivery nor sends it
// twice: the reopened file and a new sender deliver it once, with the same delivery id.
func TestWebhookDeliverySurvivesRestartMidRetry(t *testing.T) {
	e, owner, recv, hook, worker := newQueuedMonitorDown(t, http.StatusBadGateway)
	if n := deliverDue(t, worker); n != 1 {
		t.Fatalf("first attempt: %d", n)
	}
	e.clock.Advance(time.Hour)
	due, err := e.db.DueOutbox(e.clock.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %+v, %v", due, err)
	}
	id := due[0].ID
	// A sender takes the lease for attempt 2 and the process dies before sending.
	if _, err := e.db.ClaimOutbox(owner.OrgID, id, e.clock.Now(), e.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	recv.set(http.StatusOK, "")
	worker = outboxWorker(e) // a new sender over the reopened file

	if n := deliverDue(t, worker); n != 0 {
		t.Fatalf("a leased entry was sent before its lease ran out (%d)", n)
	}
	e.clock.Advance(time.Minute)
	for range 3 {
		deliverDue(t, worker)
		e.clock.Advance(time.Hour)
	}
	requests, badSigs, processed := recv.stats()
	if requests != 2 || badSigs != 0 || len(processed) != 1 || processed[id] != 1 {
		t.Fatalf("receiver: %d requests, %d bad signatures, processed %v (want %s once)", requests, badSigs, processed, id)
	}
	if recv.envelopes[0]["id"] != id {
		t.Fatalf("envelope id %v, want the entry id %s", recv.envelopes[0]["id"], id)
	}
	logs := webhookLog(t, e, owner.Token, hook.ID)
	if len(logs) != 3 || logs[0].Outcome != store.DeliveryDelivered || logs[0].Attempt != 3 {
		t.Fatalf("delivery log after restart = %+v", logs)
	}
	if depth, _ := e.db.OutboxDepth(); depth != 0 {
		t.Fatalf("outbox still holds %d entries", depth)
	}
}

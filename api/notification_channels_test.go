package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// webhookReceiver is a local webhook endpoint that records what it got and answers status.
type webhookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	bodies [][]byte
	sigs   []string
	events []string
}

func newWebhookReceiver(t *testing.T, status int) *webhookReceiver {
	t.Helper()
	r := &webhookReceiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.sigs = append(r.sigs, req.Header.Get("X-AlertifyPro-Signature"))
		r.events = append(r.events, req.Header.Get("X-AlertifyPro-Event"))
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, http.StatusText(status))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *webhookReceiver) setStatus(s int) {
	r.mu.Lock()
	r.status = s
	r.mu.Unlock()
}

func (r *webhookReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// The secrets of the channels these tests create: none may ever appear in a response, the
// audit log or the database file.
const (
	testHookSecret  = "hmac-secret-7f3a9c"
	testHookHeader  = "Bearer header-secret-55e1"
	testSlackSecret = "T000/B000/slack-path-secret-91b2"
)

// webhookChannelBody is a create body for a webhook channel to url.
func webhookChannelBody(name, url string) map[string]any {
	return map[string]any{"name": name, "type": "WebHook", "severities": []string{"Critical", "warning"},
		"config": map[string]any{"url": url, "secret": testHookSecret,
			"headers": map[string]any{"Authorization": testHookHeader}}}
}

func createChannel(t *testing.T, e *testEnv, token string, body any) channelView {
	t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/notification-channels", token, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create channel: %d %s", rec.Code, rec.Body.String())
	}
	return decode[channelView](t, rec)
}

func TestNotificationChannelRoutes(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	stranger := e.newUser("stranger@example.com", "Stranger")
	viewer := e.join(owner.OrgID, e.newUser("viewer@example.com", "Viewer"), roleViewer)
	recv := newWebhookReceiver(t, http.StatusOK)
	secrets := []string{testHookSecret, testHookHeader, testSlackSecret, recv.URL}

	ch := createChannel(t, e, owner.Token, webhookChannelBody("Ops hook", recv.URL))
	base := "/api/v1/notification-channels/" + ch.ID
	dead := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: ch.ID, Event: "alert.fired",
		Notification: json.RawMessage(`{}`)}
	if err := e.db.Enqueue(owner.OrgID, dead); err != nil {
		t.Fatal(err)
	}
	if err := e.db.DeadLetter(owner.OrgID, dead.ID, store.DeliveryLog{Outcome: store.DeliveryPermanent}, "gone"); err != nil {
		t.Fatal(err)
	}
	masked := map[string]any{"url": channelSecretMask, "secret": channelSecretMask, "headers": channelSecretMask}

	e.run([]scenario{
		{name: "created view", method: http.MethodGet, path: base, token: owner.Token, status: 200,
			contains: []string{`"type":"webhook"`, `"severities":["critical","warning"]`, `"url":"********"`,
				`"secret":"********"`, `"headers":"********"`, `"enabled":true`, `"last_delivery_at":null`,
				`"organization_id":"` + owner.OrgID + `"`},
			notContains: secrets},
		{name: "default severities are all", method: http.MethodPost, path: "/api/v1/notification-channels",
			token: owner.Token, status: 201,
			body:     map[string]any{"name": "Chat", "type": "slack", "config": map[string]any{"url": "https://hooks.slack.com/services/" + testSlackSecret}},
			contains: []string{`"severities":["critical","warning","info"]`, `"url":"********"`}, notContains: secrets},
		{name: "duplicate name in any case", method: http.MethodPost, path: "/api/v1/notification-channels",
			token: owner.Token, body: webhookChannelBody(" OPS HOOK ", recv.URL), status: 409},
		{name: "same name in another organization", method: http.MethodPost, path: "/api/v1/notification-channels",
			token: stranger.Token, body: webhookChannelBody("Ops hook", recv.URL), status: 201, notContains: secrets},
		{name: "config problems are config fields", method: http.MethodPost, path: "/api/v1/notification-channels",
			token: owner.Token, status: 422,
			body:     map[string]any{"name": "Bad", "type": "slack", "severities": []string{"urgent"}, "config": map[string]any{"url": "http://plain.example"}},
			contains: []string{`"config.url"`, `"severities"`}},
		{name: "unknown type", method: http.MethodPost, path: "/api/v1/notification-channels", token: owner.Token,
			body: map[string]any{"name": "Bad", "type": "carrier-pigeon", "config": map[string]any{}}, status: 422,
			contains: []string{`"type"`}},
		{name: "missing name and config", method: http.MethodPost, path: "/api/v1/notification-channels", token: owner.Token,
			body: map[string]any{"type": "slack"}, status: 422, contains: []string{`"name"`, `"config"`}},
		{name: "the mask is not a secret on create", method: http.MethodPost, path: "/api/v1/notification-channels",
			token: owner.Token, status: 422, contains: []string{`"config.bot_token"`},
			body: map[string]any{"name": "TG", "type": "telegram", "config": map[string]any{"bot_token": channelSecretMask, "chat_id": "42"}}},
		{name: "viewer cannot create", method: http.MethodPost, path: "/api/v1/notification-channels", token: viewer,
			body: webhookChannelBody("Viewer hook", recv.URL), status: 403},

		{name: "list", method: http.MethodGet, path: "/api/v1/notification-channels?limit=1", token: owner.Token, status: 200,
			contains: []string{ch.ID}, notContains: secrets,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("X-Next-Cursor") == "" {
					t.Fatal("no X-Next-Cursor with a second channel to come")
				}
			}},
		{name: "viewer lists", method: http.MethodGet, path: "/api/v1/notification-channels", token: viewer, status: 200,
			contains: []string{ch.ID}, notContains: secrets},
		{name: "other organization's list lacks it", method: http.MethodGet, path: "/api/v1/notification-channels",
			token: stranger.Token, status: 200, notContains: append([]string{ch.ID}, secrets...)},
		{name: "other organization get", method: http.MethodGet, path: base, token: stranger.Token, status: 404},

		{name: "PUT back what was read keeps secrets", method: http.MethodPut, path: base, token: owner.Token, status: 200,
			body:     map[string]any{"name": "Ops webhook", "type": "webhook", "config": masked, "severities": []string{"info"}},
			contains: []string{`"name":"Ops webhook"`, `"severities":["info"]`, `"secret":"********"`}, notContains: secrets,
			check: func(t *testing.T, _ *httptest.ResponseRecorder) {
				stored, _ := e.db.Channel(owner.OrgID, ch.ID)
				cfg, err := notify.ChannelConfig(e.deps.Sealer, stored)
				if err != nil || cfg["url"] != recv.URL || cfg["secret"] != testHookSecret ||
					cfg["headers"].(map[string]any)["Authorization"] != testHookHeader {
					t.Fatalf("secrets after masked PUT = %v, %v", cfg, err)
				}
			}},
		{name: "PUT omitting a secret keeps it; a new value replaces it", method: http.MethodPut, path: base, token: owner.Token,
			status: 200, body: map[string]any{"config": map[string]any{"url": channelSecretMask, "secret": "rotated-secret"}},
			notContains: append([]string{"rotated-secret"}, secrets...),
			check: func(t *testing.T, _ *httptest.ResponseRecorder) {
				stored, _ := e.db.Channel(owner.OrgID, ch.ID)
				cfg, _ := notify.ChannelConfig(e.deps.Sealer, stored)
				if cfg["secret"] != "rotated-secret" || cfg["url"] != recv.URL || cfg["headers"] == nil {
					t.Fatalf("config after partial PUT = %v", cfg)
				}
			}},
		{name: "type change needs the secrets in full", method: http.MethodPut, path: base, token: owner.Token, status: 422,
			body: map[string]any{"type": "slack", "config": map[string]any{"url": channelSecretMask}}, contains: []string{`"config.url"`}},
		{name: "PUT onto a taken name", method: http.MethodPut, path: base, token: owner.Token, status: 409,
			body: map[string]any{"name": "chat"}},
		{name: "other organization PUT", method: http.MethodPut, path: base, token: stranger.Token, status: 404,
			body: map[string]any{"name": "Hijack"}},
		{name: "viewer PUT", method: http.MethodPut, path: base, token: viewer, status: 403, body: map[string]any{"name": "X"}},

		{name: "other organization test", method: http.MethodPost, path: base + "/test", token: stranger.Token, status: 404},
		{name: "viewer test", method: http.MethodPost, path: base + "/test", token: viewer, status: 403},
		{name: "other organization deliveries", method: http.MethodGet, path: base + "/deliveries", token: stranger.Token, status: 404},
		{name: "viewer reads deliveries", method: http.MethodGet, path: base + "/deliveries", token: viewer, status: 200,
			contains: []string{dead.ID, `"outcome":"permanent"`}},
		{name: "other organization retry", method: http.MethodPost, path: "/api/v1/deliveries/" + dead.ID + "/retry", token: stranger.Token, status: 404},
		{name: "viewer retry", method: http.MethodPost, path: "/api/v1/deliveries/" + dead.ID + "/retry", token: viewer, status: 403},
		{name: "unknown retry", method: http.MethodPost, path: "/api/v1/deliveries/0193a000-0000-7000-8000-000000000000/retry", token: owner.Token, status: 404},

		{name: "other organization delete", method: http.MethodDelete, path: base, token: stranger.Token, status: 404},
		{name: "viewer delete", method: http.MethodDelete, path: base, token: viewer, status: 403},
		{name: "delete", method: http.MethodDelete, path: base, token: owner.Token, status: 204},
		{name: "gone", method: http.MethodGet, path: base, token: owner.Token, status: 404},
		{name: "name is free again", method: http.MethodPost, path: "/api/v1/notification-channels", token: owner.Token,
			body: webhookChannelBody("Ops webhook", recv.URL), status: 201},
	})

	events := strings.Join(auditEvents(t, e, owner.OrgID), ",")
	for _, want := range []string{"channel.created", "channel.updated", "channel.deleted"} {
		if !strings.Contains(events, want) {
			t.Errorf("audit log lacks %s: %s", want, events)
		}
	}
	entries, _, _ := e.db.AuditLogs(owner.OrgID, store.AuditFilter{Limit: 1000})
	auditJSON, _ := json.Marshal(entries)
	// bbolt writes committed pages to the file with pwrite, so the file holds every commit.
	raw, err := os.ReadFile(e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{"rotated-secret"}, secrets...) {
		if strings.Contains(string(auditJSON), s) {
			t.Errorf("audit log holds secret %q", s)
		}
		if strings.Contains(string(raw), s) {
			t.Errorf("database file holds secret %q in clear", s)
		}
	}
}

func TestNotificationChannelTestSend(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	ok := newWebhookReceiver(t, http.StatusOK)
	missing := newWebhookReceiver(t, http.StatusNotFound)

	good := createChannel(t, e, owner.Token, webhookChannelBody("Good", ok.URL))
	rec := e.do(http.MethodPost, "/api/v1/notification-channels/"+good.ID+"/test", owner.Token, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("test send: %d %s", rec.Code, rec.Body.String())
	}
	res := decode[testSendView](t, rec)
	if !res.Delivered || res.StatusCode == nil || *res.StatusCode != 200 || res.Error != nil {
		t.Fatalf("test send answer = %s", rec.Body.String())
	}
	if ok.count() != 1 || ok.events[0] != "test" {
		t.Fatalf("receiver got %d requests, events %v", ok.count(), ok.events)
	}
	if !crypto.VerifyHMAC([]byte(testHookSecret), ok.bodies[0], ok.sigs[0]) {
		t.Fatalf("signature %q does not verify over %s", ok.sigs[0], ok.bodies[0])
	}
	view := decode[channelView](t, e.do(http.MethodGet, "/api/v1/notification-channels/"+good.ID, owner.Token, nil))
	if view.LastDeliveryAt == nil || !view.LastDeliveryAt.Equal(e.clock.Now()) || view.LastError != nil {
		t.Fatalf("after a delivered test: last_delivery_at %v, last_error %v", view.LastDeliveryAt, view.LastError)
	}

	bad := createChannel(t, e, owner.Token, webhookChannelBody("Bad", missing.URL))
	rec = e.do(http.MethodPost, "/api/v1/notification-channels/"+bad.ID+"/test", owner.Token, nil)
	res = decode[testSendView](t, rec)
	if rec.Code != http.StatusOK || res.Delivered || res.StatusCode == nil || *res.StatusCode != 404 ||
		res.Error == nil || res.Response != "Not Found" {
		t.Fatalf("test send to a 404: %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), missing.URL) || strings.Contains(rec.Body.String(), testHookSecret) {
		t.Fatalf("test answer leaks a secret: %s", rec.Body.String())
	}
	view = decode[channelView](t, e.do(http.MethodGet, "/api/v1/notification-channels/"+bad.ID, owner.Token, nil))
	if view.LastDeliveryAt != nil || view.LastError == nil || *view.LastError == "" {
		t.Fatalf("after a failed test: last_delivery_at %v, last_error %v", view.LastDeliveryAt, view.LastError)
	}
	if !strings.Contains(strings.Join(auditEvents(t, e, owner.OrgID), ","), "channel.tested") {
		t.Fatal("no channel.tested audit event")
	}
}

func TestNotificationChannelOutboxDeliveriesAndRetry(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	stranger := e.newUser("stranger@example.com", "Stranger")
	recv := newWebhookReceiver(t, http.StatusNotFound)
	ch := createChannel(t, e, owner.Token, webhookChannelBody("Hook", recv.URL))

	worker := outboxWorker(e)
	raw, _ := json.Marshal(notify.Notification{Event: "alert.fired", Severity: "critical", Title: "API down", OrgID: owner.OrgID})
	entry := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: ch.ID, Event: "alert.fired", Notification: raw}
	if err := e.db.Enqueue(owner.OrgID, entry); err != nil {
		t.Fatal(err)
	}

	// A 404 is permanent: one attempt, dead-lettered, and the channel's last_error set.
	if n, err := worker.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	view := decode[channelView](t, e.do(http.MethodGet, "/api/v1/notification-channels/"+ch.ID, owner.Token, nil))
	if view.LastError == nil {
		t.Fatal("permanent failure did not set last_error")
	}
	rec := e.do(http.MethodPost, "/api/v1/deliveries/"+entry.ID+"/retry", stranger.Token, nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("other organization's retry: %d", rec.Code)
	}

	recv.setStatus(http.StatusOK)
	rec = e.do(http.MethodPost, "/api/v1/deliveries/"+entry.ID+"/retry", owner.Token, nil)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body.String())
	}
	if rec = e.do(http.MethodPost, "/api/v1/deliveries/"+entry.ID+"/retry", owner.Token, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("retry of an entry no longer dead: %d", rec.Code)
	}
	e.clock.Advance(1)
	if n, err := worker.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("DeliverDue after retry = %d, %v", n, err)
	}
	if recv.count() != 2 || recv.events[1] != "alert.fired" || !crypto.VerifyHMAC([]byte(testHookSecret), recv.bodies[1], recv.sigs[1]) {
		t.Fatalf("receiver got %d requests %v", recv.count(), recv.events)
	}

	path := "/api/v1/notification-channels/" + ch.ID + "/deliveries"
	rec = e.do(http.MethodGet, path, owner.Token, nil)
	logs := decode[[]deliveryView](t, rec)
	if rec.Code != 200 || len(logs) != 2 || logs[0].Outcome != store.DeliveryDelivered || logs[1].Outcome != store.DeliveryPermanent ||
		logs[0].DeliveryID != entry.ID || *logs[1].StatusCode != 404 || logs[0].ChannelID != ch.ID {
		t.Fatalf("deliveries = %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do(http.MethodGet, path+"?limit=1", owner.Token, nil)
	next := rec.Header().Get("X-Next-Cursor")
	if first := decode[[]deliveryView](t, rec); len(first) != 1 || first[0].ID != logs[0].ID || next == "" {
		t.Fatalf("first page = %s, cursor %q", rec.Body.String(), next)
	}
	rec = e.do(http.MethodGet, path+"?limit=1&cursor="+next, owner.Token, nil)
	if second := decode[[]deliveryView](t, rec); len(second) != 1 || second[0].ID != logs[1].ID {
		t.Fatalf("second page = %s", rec.Body.String())
	}
	if rec = e.do(http.MethodGet, path+"?cursor=nonsense", owner.Token, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad cursor: %d", rec.Code)
	}
	view = decode[channelView](t, e.do(http.MethodGet, "/api/v1/notification-channels/"+ch.ID, owner.Token, nil))
	if view.LastDeliveryAt == nil || view.LastError != nil {
		t.Fatalf("after delivery: last_delivery_at %v, last_error %v", view.LastDeliveryAt, view.LastError)
	}

	// A disabled channel, and a deleted one, fail permanently rather than send.
	if rec = e.do(http.MethodPut, "/api/v1/notification-channels/"+ch.ID, owner.Token, map[string]any{"enabled": false}); rec.Code != 200 {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body.String())
	}
	again := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: ch.ID, Event: "alert.resolved", Notification: raw}
	if err := e.db.Enqueue(owner.OrgID, again); err != nil {
		t.Fatal(err)
	}
	if _, err := worker.DeliverDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if dead, _ := e.db.DeadLetters(owner.OrgID); len(dead) != 1 || dead[0].ID != again.ID || !strings.Contains(dead[0].LastError, "disabled") {
		t.Fatalf("dead letters = %+v", dead)
	}
	if recv.count() != 2 {
		t.Fatalf("a disabled channel was sent to")
	}
}

// Every stored config, once split, sealed, JSON-encoded and opened again (lists become
// []any, ports float64, header maps map[string]any), must still build a sender.
func TestNotificationChannelStoredConfigsBuildSenders(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	destinations := &notify.Destinations{Store: e.db, Opener: e.deps.Sealer, Deps: e.deps.Notify}
	configs := map[string]map[string]any{
		"email": {"to": []string{"ops@example.com", "dev@example.com"}, "smtp_host": "smtp.example.com",
			"smtp_port": 2525, "smtp_username": "u", "smtp_password": "smtp-pass-secret", "smtp_from": "a@example.com"},
		"telegram":   {"bot_token": "123456:ABCdefGHI_jkl-secret", "chat_id": "-100123"},
		"opsgenie":   {"api_key": "og-key-secret", "region": "EU"},
		"ntfy":       {"topic": "alerts", "token": "tk_ntfy_secret"},
		"twilio_sms": {"account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "twilio-secret", "from": "+14155550100", "to": "+14155550101"},
		"webhook":    {"url": "https://example.com/hook?token=url-secret", "headers": map[string]string{"X-Key": "hdr-secret"}},
	}
	for typ, cfg := range configs {
		t.Run(typ, func(t *testing.T) {
			rec := e.do(http.MethodPost, "/api/v1/notification-channels", owner.Token, map[string]any{"name": typ, "type": typ, "config": cfg})
			if rec.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Fatalf("response holds a secret: %s", rec.Body.String())
			}
			ch := decode[channelView](t, rec)
			if _, err := destinations.Resolve(&store.OutboxEntry{Kind: store.OutboxKindChannel, OrgID: owner.OrgID, TargetID: ch.ID}); err != nil {
				t.Fatalf("Resolve: %v", err)
			}
		})
	}
}

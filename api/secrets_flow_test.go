package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// headerTarget is a loopback HTTP target that records each request's Authorization
// header and path with query.
type headerTarget struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "Authorization | path?query"
}

func newHeaderTarget(t *testing.T) *headerTarget {
	t.Helper()
	h := &headerTarget{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.Header.Get("Authorization")+" | "+r.URL.RequestURI())
		h.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *headerTarget) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// TestSecretReachesTheTargetAndNothingElse is the vault's promise end to end, with the real
// router, engine, outbox and store: a check whose header and URL use {{secrets.API_TOKEN}}
// sends the value to its loopback target while the value shows in no API answer, export,
// audit entry, log line or byte of the database file; a rotation changes what the next
// check sends; a forced delete turns the check RED with "secret API_TOKEN was deleted";
// a webhook channel sends a secret in its URL and header, and fails with the same
// sentence in its delivery log once the secret is gone.
func TestSecretReachesTheTargetAndNothingElse(t *testing.T) {
	logs := &lockedBuffer{}
	e, te := newEngineEnvWith(t, nil, func(d *Deps) {
		d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	owner := e.newUser("owner@example.com", "Owner")
	const v1, v2, hookValue = "s3cr3t-value-one", "s3cr3t-value-two", "h00k-secret-value"
	values := []string{v1, v2, hookValue}
	var answers []string // every API answer body, searched for the values at the end
	call := func(method, path string, body any, want int) *httptest.ResponseRecorder {
		t.Helper()
		rec := e.do(method, path, owner.Token, body)
		if rec.Code != want {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		answers = append(answers, rec.Body.String())
		return rec
	}
	target := newHeaderTarget(t)
	call("POST", "/api/v1/secrets", map[string]any{"name": "API_TOKEN", "value": v1}, http.StatusCreated)
	svc := decode[map[string]any](t, call("POST", "/api/v1/services", map[string]any{"name": "API", "check_type": "http",
		"endpoint": target.URL + "/health?key={{secrets.API_TOKEN}}",
		"options":  map[string]any{"headers": map[string]any{"Authorization": "Bearer {{secrets.API_TOKEN}}"}}}, http.StatusCreated))
	id := svc["id"].(string)

	check := func() map[string]any {
		t.Helper()
		return decode[map[string]any](t, call("POST", "/api/v1/services/"+id+"/check", nil, http.StatusOK))
	}
	if res := check(); res["status"] != "GREEN" {
		t.Fatalf("first check: %v", res)
	}
	if got := target.requests(); len(got) != 1 || got[0] != "Bearer "+v1+" | /health?key="+v1 {
		t.Fatalf("target saw %q, want the secret's value in header and query", got)
	}

	call("PUT", "/api/v1/secrets/API_TOKEN", map[string]any{"value": v2}, http.StatusOK)
	check()
	if got := target.requests(); len(got) != 2 || got[1] != "Bearer "+v2+" | /health?key="+v2 {
		t.Fatalf("after rotation the target saw %q", got)
	}

	// The webhook channel: its URL path and a header use another secret.
	hook := newHeaderTarget(t)
	call("POST", "/api/v1/secrets", map[string]any{"name": "HOOK_TOKEN", "value": hookValue}, http.StatusCreated)
	ch := decode[channelView](t, call("POST", "/api/v1/notification-channels", map[string]any{"name": "Hook", "type": "webhook",
		"config": map[string]any{"url": hook.URL + "/in/{{secrets.HOOK_TOKEN}}",
			"headers": map[string]any{"Authorization": "Token {{secrets.HOOK_TOKEN}}"}}}, http.StatusCreated))
	deliver := func() {
		t.Helper()
		raw, _ := json.Marshal(notify.Notification{Event: "alert.fired", Severity: "critical", Title: "API down", OrgID: owner.OrgID})
		if err := e.db.Enqueue(owner.OrgID, &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: ch.ID, Event: "alert.fired", Notification: raw}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(1)
		if n, err := outboxWorker(e).DeliverDue(t.Context()); n != 1 || err != nil {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
	}
	deliver()
	if got := hook.requests(); len(got) != 1 || got[0] != "Token "+hookValue+" | /in/"+hookValue {
		t.Fatalf("webhook receiver saw %q", got)
	}
	// The channel's test button sends through the same resolution.
	if sent := decode[map[string]any](t, call("POST", "/api/v1/notification-channels/"+ch.ID+"/test", nil, http.StatusOK)); sent["delivered"] != true {
		t.Fatalf("test send = %v", sent)
	}
	if got := hook.requests(); len(got) != 2 || got[1] != got[0] {
		t.Fatalf("webhook receiver saw %q after the test send", got)
	}

	// Everything a client can read about the secrets, services and channels.
	list := decode[[]secretView](t, call("GET", "/api/v1/secrets", nil, http.StatusOK))
	if len(list) != 2 || list[0].Name != "API_TOKEN" || len(list[0].UsedBy) != 2 || list[1].Name != "HOOK_TOKEN" || len(list[1].UsedBy) != 2 {
		t.Fatalf("secrets list = %+v", list)
	}
	if u := list[0].UsedBy[0]; u.Kind != "service" || u.ID != id || u.Name != "API" || u.Field != "endpoint" {
		t.Fatalf("used_by[0] = %+v", u)
	}
	for _, path := range []string{"/api/v1/secrets/API_TOKEN", "/api/v1/services", "/api/v1/services/" + id,
		"/api/v1/notification-channels/" + ch.ID, "/api/v1/export?format=json", "/api/v1/export?format=yaml",
		"/api/v1/audit-logs?limit=1000", "/api/v1/notification-channels/" + ch.ID + "/deliveries"} {
		call("GET", path, nil, http.StatusOK)
	}
	if export := answers[len(answers)-4]; !strings.Contains(export, `"secrets"`) || !strings.Contains(export, "HOOK_TOKEN") {
		t.Fatalf("export lists no secret names: %s", export)
	}

	// In use: a plain delete is refused, naming the users; forced, it goes.
	rec := call("DELETE", "/api/v1/secrets/API_TOKEN", nil, http.StatusConflict)
	if !strings.Contains(rec.Body.String(), `service \"API\" (endpoint)`) || !strings.Contains(rec.Body.String(), "force=true") {
		t.Fatalf("in-use delete answer: %s", rec.Body.String())
	}
	call("DELETE", "/api/v1/secrets/API_TOKEN?force=true", nil, http.StatusNoContent)
	if res := check(); res["status"] != "RED" || res["error"] != "secret API_TOKEN was deleted" {
		t.Fatalf("check after a forced delete = %v", res)
	}
	if n := len(target.requests()); n != 2 {
		t.Fatalf("the target was called %d times, want no call once the secret is gone", n)
	}
	svcAfter := decode[map[string]any](t, call("GET", "/api/v1/services/"+id, nil, http.StatusOK))
	if svcAfter["status"] != "RED" || svcAfter["last_error"] != "secret API_TOKEN was deleted" {
		t.Fatalf("service after a forced delete = %v", svcAfter)
	}
	call("DELETE", "/api/v1/secrets/HOOK_TOKEN?force=true", nil, http.StatusNoContent)
	deliver()
	if n := len(hook.requests()); n != 2 {
		t.Fatalf("the webhook receiver was called %d times, want none once the secret is gone", n)
	}
	log := call("GET", "/api/v1/notification-channels/"+ch.ID+"/deliveries", nil, http.StatusOK).Body.String()
	if !strings.Contains(log, "secret HOOK_TOKEN was deleted") {
		t.Fatalf("delivery log lacks the reason: %s", log)
	}

	te.stop() // the recorder flushed: every byte the test caused is in the file
	file, err := os.ReadFile(e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		for i, a := range answers {
			if strings.Contains(a, v) {
				t.Errorf("API answer %d holds a secret value: %s", i, a)
			}
		}
		if strings.Contains(logs.String(), v) {
			t.Errorf("a log line holds a secret value")
		}
		if bytes.Contains(file, []byte(v)) {
			t.Errorf("the database file holds %q in plain text", v)
		}
	}
	if !strings.Contains(logs.String(), "/api/v1/secrets") {
		t.Fatal("the log captured nothing: the check above proves nothing")
	}
}

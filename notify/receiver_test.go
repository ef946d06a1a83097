package notify

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// channelsNow is the fixed clock of the sender tests.
var channelsNow = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)

// firedNotification is a critical alert that fired five minutes before channelsNow.
func firedNotification() *Notification {
	return &Notification{
		ID: "5b1f6a8e-2c4d-4e8f-9a0b-1c2d3e4f5a6b", Event: "alert.fired", Severity: "critical",
		Title: "API is down", Summary: "API is down: connection refused", Rule: "API health",
		OrgID: "org-1", OrgName: "Acme", ServiceID: "svc-1", ServiceName: "API",
		Endpoint: "https://api.example.com/health", CheckType: "http", Status: "RED",
		Error: "dial tcp 203.0.113.7:443: connect: connection refused", Since: channelsNow.Add(-5 * time.Minute),
		AlertID: "alert-1", AlertURL: "https://alertify.example.com/alerts/alert-1",
		AckURL:   "https://alertify.example.com/api/v1/alerts/alert-1/ack?token=tok123",
		DedupKey: "alertifypro-alert-1",
	}
}

// resolvedNotification is the same alert resolved at channelsNow after 12 minutes.
func resolvedNotification() *Notification {
	n := firedNotification()
	resolved := channelsNow
	n.Event, n.Status, n.Error, n.Title, n.Summary = "alert.resolved", "GREEN", "", "API is up again", ""
	n.Since, n.ResolvedAt, n.DownFor = channelsNow.Add(-12*time.Minute), &resolved, 12*time.Minute
	return n
}

// hookRequest is one request as a hookReceiver saw it.
type hookRequest struct {
	Method, Path, Query string // Path is the escaped path
	Header              http.Header
	Body                []byte
}

// hookReceiver is a local provider endpoint (httptest on 127.0.0.1) that
// records every request and answers as told.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []hookRequest
	status int
	answer string
	header http.Header
}

// newHookReceiver starts a receiver answering 200 "ok"; withTLS serves https
// (for the types whose URL must be https) with a client that trusts it.
func newHookReceiver(t *testing.T, withTLS bool) *hookReceiver {
	t.Helper()
	r := &hookReceiver{status: http.StatusOK, answer: "ok"}
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, hookRequest{Method: req.Method, Path: req.URL.EscapedPath(),
			Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: body})
		status, answer, header := r.status, r.answer, r.header
		r.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	})
	if withTLS {
		r.srv = httptest.NewTLSServer(h)
	} else {
		r.srv = httptest.NewServer(h)
	}
	t.Cleanup(r.srv.Close)
	return r
}

// respond sets the answer to the following requests.
func (r *hookReceiver) respond(status int, answer string, header http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.answer, r.header = status, answer, header
}

// last returns the last request, failing the test when there was none.
func (r *hookReceiver) last(t *testing.T) hookRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("the hookReceiver got no request")
	}
	return r.reqs[len(r.reqs)-1]
}

// deps are the sender dependencies reaching this receiver.
func (r *hookReceiver) deps() Deps {
	return Deps{HTTP: r.srv.Client(), UserAgent: "AlertifyPro/test"}
}

// mustSend sends n and fails the test unless it succeeds.
func mustSend(t *testing.T, s Sender, n *Notification) Attempt {
	t.Helper()
	a, err := s.Send(t.Context(), n)
	if err != nil {
		t.Fatalf("Send: %v (attempt %+v)", err, a)
	}
	return a
}

// decodeJSON decodes a captured JSON body into a generic map.
func decodeJSON(t *testing.T, c hookRequest) map[string]any {
	t.Helper()
	if ct := c.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, c.Body)
	}
	return m
}

// jsonAt walks a decoded JSON value: jsonAt(t, m, "embeds", 0, "title").
func jsonAt(t *testing.T, v any, steps ...any) any {
	t.Helper()
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: %T is not an object", k, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at [%d]: not an array that long: %v", k, v)
			}
			v = a[k]
		}
	}
	return v
}

// asDeliveryError asserts err is a *DeliveryError and returns it.
func asDeliveryError(t *testing.T, err error) *DeliveryError {
	t.Helper()
	var de *DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T), want a *DeliveryError", err, err)
	}
	return de
}

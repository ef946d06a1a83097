package agent

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// syncBuffer is a log destination tests read while the client writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An agent whose protocol the server refuses logs why and waits long before it asks
// again: it does not hammer the server.
func TestClientBacksOffWhenRefused(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if _, err := readMessage(ctx, conn); err != nil {
			return
		}
		_ = writeMessage(ctx, conn, &message{Type: typeRefused, Refused: &Refusal{
			Message: "this server speaks agent protocol 7 to 7", Incompatible: true}})
		conn.Close(websocket.StatusPolicyViolation, "incompatible")
	}))
	defer srv.Close()
	var logs syncBuffer
	c := &Client{ServerURL: srv.URL, Token: "agt_x", Name: "probe", Version: "1.0", Buffer: 100,
		Executor: &Executor{Env: loopbackEnv()}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n := attempts.Load(); n != 1 {
		t.Fatalf("%d connection attempts in 3 s after a refusal, want 1", n)
	}
	if !strings.Contains(logs.String(), "this server speaks agent protocol 7 to 7") ||
		!strings.Contains(logs.String(), "upgrade the agent or the server") {
		t.Fatalf("the refusal is not logged:\n%s", logs.String())
	}
}

// The client runs its assignments and delivers every result once; when its context ends
// it stops checking and delivers what it still holds before it returns.
func TestClientDeliversEveryResultOnce(t *testing.T) {
	e := newHubEnv(t)
	srv, log := newTarget(t)
	org := e.org("ada")
	for _, p := range []string{"/a", "/b", "/c"} {
		e.service(org, p, srv.URL+p, 1, nil)
	}
	_, token := e.location(org, "home")
	c := &Client{ServerURL: e.srv.URL, Token: token, Name: "probe", Version: "test", Buffer: 1000,
		Executor: &Executor{Env: loopbackEnv(), Concurrency: 4, Logger: testLogger(t)}, Logger: testLogger(t)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	waitFor(t, 10*time.Second, "checks of every service", func() bool {
		return len(log.of("/a")) >= 2 && len(log.of("/b")) >= 2 && len(log.of("/c")) >= 2
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("Run did not return within its flush timeout")
	}
	got := e.sink.all()
	log.mu.Lock()
	hits := len(log.hits)
	log.mu.Unlock()
	if len(got) != hits {
		t.Fatalf("%d results recorded for %d checks made", len(got), hits)
	}
	seen := map[string]bool{}
	for _, r := range got {
		key := r.ServiceID + r.Result.CheckedAt.String()
		if seen[key] {
			t.Fatalf("result %s recorded twice", key)
		}
		seen[key] = true
		if r.Result.Status != "GREEN" {
			t.Errorf("result %+v", r.Result)
		}
	}
	if c.undelivered() != 0 {
		t.Fatalf("%d results left undelivered", c.undelivered())
	}
}

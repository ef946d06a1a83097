package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The server stops for a while: the agent keeps checking into its buffer, reconnects with
// backoff (a handful of attempts, not a storm), and delivers what it buffered with the
// results' own times, each once. With a buffer too small for the outage it drops the
// oldest results and says how many; every check is then either recorded once or counted
// as dropped. On SIGTERM it stops checking and delivers what it holds before it exits.
func TestAgentBuffersWhileTheServerIsDown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an agent process through a server outage")
	}
	for _, c := range []struct {
		name     string
		buffer   int
		overflow bool
	}{{"buffer large enough", 100000, false}, {"buffer overflows", 100, true}} {
		t.Run(c.name, func(t *testing.T) {
			srv := newAgentServer(t)
			tg := newTarget(t)
			org, owner := srv.org("ada")
			for i := range 20 {
				srv.service(org, servicePath(i), tg.srv.URL+servicePath(i), 1, nil)
			}
			_, _, token := srv.location(owner, "home")
			a := startAgent(t, srv.url(), token, "probe", "127.0.0.2", "AGENT_BUFFER="+strconv.Itoa(c.buffer))
			a.waitLog(10*time.Second, "assignments received", nil)
			time.Sleep(2 * time.Second)

			down := time.Now()
			srv.stop()
			time.Sleep(8 * time.Second) // 20 checks/s: 160 results while the server is away
			up := time.Now()
			srv.restart()
			a.waitCount(30*time.Second, "connected", 2) // the first connection, then the one after the outage
			attempts := len(a.logs.entries("not connected to the server"))
			if attempts < 2 || attempts > 10 {
				t.Fatalf("%d failed connection attempts during an 8 s outage: want a few, spaced by backoff", attempts)
			}

			time.Sleep(2 * time.Second)
			if err := a.terminate(10 * time.Second); err != nil {
				t.Fatalf("agent exit after SIGTERM: %v", err)
			}
			if len(a.logs.entries("agent stopped; every result was delivered")) != 1 {
				t.Fatalf("the agent did not deliver everything on SIGTERM:\n%s", tail(a.logs.String(), 2000))
			}

			hits := tg.all()
			results := srv.sink.all()
			seen := map[string]bool{}
			inOutage := 0
			for _, r := range results {
				key := r.ServiceID + r.Result.CheckedAt.Format(time.RFC3339Nano)
				if seen[key] {
					t.Fatalf("result %s recorded twice", key)
				}
				seen[key] = true
				if r.Result.CheckedAt.After(down) && r.Result.CheckedAt.Before(up) {
					inOutage++
				}
				if r.Result.CheckedAt.After(r.ReceivedAt) || r.Clamped {
					t.Fatalf("result %+v is not in its own past", r)
				}
			}
			dropped := 0
			for _, e := range srv.logs.entries("agent dropped results: its buffer was full while it could not reach the server") {
				dropped += int(e["dropped"].(float64))
			}
			t.Logf("%d checks, %d results recorded (%d checked during the outage), %d dropped, %d reconnection attempts",
				len(hits), len(results), inOutage, dropped, attempts)
			if len(hits) != len(results)+dropped {
				t.Fatalf("%d checks made, %d recorded and %d dropped: every check must be one or the other", len(hits), len(results), dropped)
			}
			if c.overflow {
				if dropped == 0 || len(a.logs.entries("result buffer full: dropped the oldest results (AGENT_BUFFER)")) == 0 {
					t.Fatal("the overflowing buffer dropped nothing, or did not say so")
				}
				// The oldest went: the outage's first seconds are missing, its end is there.
				var earliest time.Time
				for _, r := range results {
					at := r.Result.CheckedAt
					if at.After(down) && (earliest.IsZero() || at.Before(earliest)) {
						earliest = at
					}
				}
				if earliest.Before(down.Add(2 * time.Second)) {
					t.Fatalf("the earliest result after the outage began is from %v, %v after: the oldest were not the ones dropped",
						earliest, earliest.Sub(down))
				}
			} else {
				if dropped != 0 || inOutage < 100 {
					t.Fatalf("%d dropped, %d results from the outage: the buffer should have kept them all", dropped, inOutage)
				}
			}
		})
	}
}

// The real agent, refused by a server that speaks another protocol version, logs why and
// does not ask again soon.
func TestAgentBinaryBacksOffWhenRefused(t *testing.T) {
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
		if _, _, err := conn.Read(ctx); err != nil {
			return
		}
		_ = conn.Write(ctx, websocket.MessageText,
			[]byte(`{"type":"refused","refused":{"message":"this server speaks agent protocol 9 to 9; the agent speaks 1","incompatible":true}}`))
		conn.Close(websocket.StatusPolicyViolation, "incompatible")
	}))
	defer srv.Close()
	a := startAgent(t, srv.URL, "agt_"+strings.Repeat("x", 43), "probe", "127.0.0.2")
	a.waitLog(10*time.Second, "the server refused this agent; upgrade the agent or the server", nil)
	time.Sleep(3 * time.Second)
	if err := a.terminate(10 * time.Second); err != nil {
		var ee interface{ ExitCode() int }
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		t.Fatalf("exit status %d after SIGTERM", ee.ExitCode())
	}
	if n := attempts.Load(); n != 1 {
		t.Fatalf("%d attempts in about 3 s after a refusal, want 1", n)
	}
	if !strings.Contains(a.logs.String(), "speaks agent protocol 9 to 9") {
		t.Fatal("the refusal's message is not in the agent's log")
	}
}

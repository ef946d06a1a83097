package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/store"
)

// channelMessage is one frame of the agent channel as the agent writes it (agent.message).
type channelMessage struct {
	Type    string         `json:"type"`
	Hello   *agent.Hello   `json:"hello,omitempty"`
	Welcome *agent.Welcome `json:"welcome,omitempty"`
	Refused *agent.Refusal `json:"refused,omitempty"`
	Assign  *agent.Assign  `json:"assign,omitempty"`
	Results *agent.Batch   `json:"results,omitempty"`
	Ack     *agent.Ack     `json:"ack,omitempty"`
}

// ingestClient speaks the agent protocol over the real WebSocket without checking
// anything: it says hello, keeps its assignments, and sends batches of results for them.
type ingestClient struct {
	t        *testing.T
	conn     *websocket.Conn
	mu       sync.Mutex
	assigned map[string]string // service ID → organization ID
	seq      uint64
}

func dialIngestClient(ctx context.Context, t *testing.T, url, token, name string) *ingestClient {
	t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+agent.ConnectPath, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(64 << 20)
	c := &ingestClient{t: t, conn: conn, assigned: map[string]string{}}
	c.write(ctx, &channelMessage{Type: "hello", Hello: &agent.Hello{Protocol: agent.ProtocolVersion, Version: "load",
		Name: name, Instance: strings.ReplaceAll(store.NewID(), "-", "")[:32]}})
	if m := c.read(ctx); m.Type != "welcome" {
		t.Fatalf("%s: %s instead of a welcome: %+v", name, m.Type, m.Refused)
	}
	for { // the full set, in chunks, up to its final one
		m := c.read(ctx)
		if m.Type == "assign" && m.Assign.Final {
			break
		}
	}
	return c
}

func (c *ingestClient) write(ctx context.Context, m *channelMessage) {
	raw, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.conn.Write(ctx, websocket.MessageText, raw); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next frame, applying assignment changes on the way.
func (c *ingestClient) read(ctx context.Context) *channelMessage {
	_, raw, err := c.conn.Read(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	var m channelMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		c.t.Fatal(err)
	}
	if m.Assign != nil {
		c.mu.Lock()
		if m.Assign.Full && len(c.assigned) > 0 && m.Assign.Upsert != nil {
			clear(c.assigned)
		}
		for _, a := range m.Assign.Upsert {
			c.assigned[a.ServiceID] = a.OrgID
		}
		for _, r := range m.Assign.Remove {
			delete(c.assigned, r.ServiceID)
		}
		c.mu.Unlock()
	}
	return &m
}

// ids is the services assigned now.
func (c *ingestClient) ids() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.assigned))
	for id := range c.assigned {
		out = append(out, id)
	}
	return out
}

// send sends batches of 1 000 results checked now (one in flight, as the agent does)
// until stop, and returns the results the server acknowledged as recorded and refused.
func (c *ingestClient) send(ctx context.Context, stop <-chan struct{}) (accepted, refused int) {
	ids := c.ids()
	next := 0
	for {
		select {
		case <-stop:
			return accepted, refused
		default:
		}
		now := time.Now()
		results := make([]agent.Result, agent.MaxBatchResults)
		for i := range results {
			status := "GREEN"
			if (next+i)%50 == 0 {
				status = "RED"
			}
			results[i] = agent.Result{ServiceID: ids[(next+i)%len(ids)], CheckedAt: now, Status: status,
				ResponseTimeUS: int64(40_000 + (next+i)%300_000), StatusCode: 200}
		}
		next += len(results)
		c.seq++
		c.write(ctx, &channelMessage{Type: "results", Results: &agent.Batch{Seq: c.seq, Results: results}})
		for {
			m := c.read(ctx)
			if m.Type != "ack" {
				continue
			}
			if m.Ack.Seq != c.seq || m.Ack.Status != agent.AckRecorded {
				c.t.Fatalf("ack %+v for batch %d", m.Ack, c.seq)
			}
			accepted += m.Ack.Accepted
			refused += m.Ack.Refused
			break
		}
	}
}

// TestLoadAgentIngest measures the server's ingest of agent results over the channel with
// 1 and 4 agents connected (see the top of agent_load_test.go) and asserts ≥ 10 000/s.
func TestLoadAgentIngest(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1 to run")
	}
	t.Logf("load average at start: %s", loadAverage())
	defer func() { t.Logf("load average at end: %s", loadAverage()) }()
	srv := newAgentServer(t)
	org, owner := srv.org("load")
	_, _, token := srv.location(owner, "home")
	srv.stop()
	seedAgentLoad(t, srv, org, "127.0.0.1:9", agentLoadServices)
	srv.restart()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	const measure = 15 * time.Second
	for _, agents := range []int{1, 4} {
		clients := make([]*ingestClient, agents)
		for i := range clients {
			clients[i] = dialIngestClient(ctx, t, srv.url(), token, fmt.Sprintf("ingest-%d-%d", agents, i))
		}
		// Let the shares settle (a joining agent takes its share from the others).
		time.Sleep(3 * time.Second)
		stop := make(chan struct{})
		var accepted, refused atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, r := c.send(ctx, stop)
				accepted.Add(int64(a))
				refused.Add(int64(r))
			}()
		}
		time.Sleep(measure)
		close(stop)
		wg.Wait()
		elapsed := time.Since(start)
		rate := float64(accepted.Load()) / elapsed.Seconds()
		t.Logf("%d agent(s): %d results recorded in %v — %.0f results/s (%d refused)", agents, accepted.Load(),
			elapsed.Round(time.Millisecond), rate, refused.Load())
		for _, c := range clients {
			c.conn.Close(websocket.StatusNormalClosure, "done")
		}
		if refused.Load() != 0 {
			t.Fatalf("%d results refused", refused.Load())
		}
		if rate < 10_000 {
			t.Fatalf("%d agent(s): %.0f results/s, want ≥ 10 000", agents, rate)
		}
		time.Sleep(time.Second)
	}
}

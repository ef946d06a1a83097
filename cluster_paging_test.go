package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flappingTarget is a loopback HTTP server that answers 200 while up and 500 while down.
type flappingTarget struct {
	up  atomic.Bool
	url string
}

func newFlappingTarget(t *testing.T) *flappingTarget {
	f := &flappingTarget{}
	f.up.Store(true)
	f.url = serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.up.Load() {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	return f
}

// pageReceiver is a loopback webhook receiver: it keeps every delivery it is sent, by its
// idempotency key (X-AlertifyPro-Delivery), and answers 200.
type pageReceiver struct {
	mu         sync.Mutex
	deliveries []delivery
	url        string
}

// delivery is one webhook request as received.
type delivery struct {
	key, event, alertID string
}

func newPageReceiver(t *testing.T) *pageReceiver {
	p := &pageReceiver{}
	p.url = serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body struct {
			Event string `json:"event"`
			Data  struct {
				Alert struct {
					ID string `json:"id"`
				} `json:"alert"`
			} `json:"data"`
		}
		_ = json.Unmarshal(raw, &body)
		p.mu.Lock()
		p.deliveries = append(p.deliveries, delivery{key: r.Header.Get("X-AlertifyPro-Delivery"),
			event: body.Event, alertID: body.Data.Alert.ID})
		p.mu.Unlock()
	}))
	return p
}

func (p *pageReceiver) snapshot() []delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]delivery(nil), p.deliveries...)
}

// serveLoopback serves h on 127.0.0.1 until the test ends and returns its URL.
func serveLoopback(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// checkNow asks any running node (in turn, from the i-th) to check the service now, until
// one answers 200 or timeout passes; false when none did.
func (c *testCluster) checkNow(serviceID string, i int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for ; time.Now().Before(deadline); i++ {
		nodes := c.runningNodes()
		n := nodes[i%len(nodes)]
		status, _, _ := request(n, 2*time.Second, http.MethodPost, "/api/v1/services/"+serviceID+"/check", c.key, nil, nil)
		if status == http.StatusOK {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// Exactly-once paging across failover (SPEC §9): a service flaps (its loopback target turns
// down and up, checked on demand through every node) while the leader is killed with kill
// -9 and, later, the next leader is stopped with SIGSTOP past its lease and resumed (the
// killed one restarted meanwhile). The
// webhook receiver sees every delivery's idempotency key once, and every alert the cluster
// recorded for the service — every transition — is delivered exactly once as fired and
// exactly once as resolved: none lost, none doubled.
func TestClusterPagesOnceAcrossFailover(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	target, receiver := newFlappingTarget(t), newPageReceiver(t)
	_, _, raw := c.write(10*time.Second, http.MethodPost, "/api/v1/notification-channels",
		map[string]any{"name": "pager", "type": "webhook", "config": map[string]any{"url": receiver.url}}, http.StatusCreated)
	_, _, raw = c.write(10*time.Second, http.MethodPost, "/api/v1/services",
		map[string]any{"name": "flapper", "endpoint": target.url, "check_type": "HTTP",
			"check_interval_seconds": 3600, "timeout_seconds": 2}, http.StatusCreated)
	var svc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &svc); err != nil || svc.ID == "" {
		t.Fatalf("create the service: %v %s", err, raw)
	}

	// The flapping: down for three checks (the default rule fires at two), up for two (it
	// resolves at one), through the nodes in turn; the faults happen between flaps.
	flap := func(i int) {
		target.up.Store(false)
		for j := range 3 {
			if !c.checkNow(svc.ID, i+j, 15*time.Second) {
				t.Fatalf("no node checked the service within 15s")
			}
		}
		target.up.Store(true)
		for j := range 2 {
			if !c.checkNow(svc.ID, i+j, 15*time.Second) {
				t.Fatalf("no node checked the service within 15s")
			}
		}
	}
	// The faults come while the outbox is quiet — every notice so far received and its
	// completion committed: a leader killed between a send and that commit leaves the
	// entry leased, and the next leader sends it again at once (the lease is of an older
	// term), with the same key (the at-least-once window the idempotency key covers; see
	// the README).
	quiet := func(flaps int) {
		waitForCond(t, 30*time.Second, fmt.Sprintf("the notices of %d flaps", flaps), func() bool {
			return len(receiver.snapshot()) >= 2*flaps
		})
		time.Sleep(500 * time.Millisecond)
	}
	for i := range 3 {
		flap(i)
	}
	quiet(3)
	leader.kill()
	for i := range 3 {
		flap(i)
	}
	quiet(6)
	next := c.waitLeaderAmong(15*time.Second, c.runningNodes())
	next.pause()
	flapped := make(chan struct{})
	go func() {
		defer close(flapped)
		for i := range 2 {
			flap(i)
		}
	}()
	time.Sleep(6 * time.Second) // past its lease: the two others elect and page
	leader.start()
	next.resume()
	<-flapped
	for i := range 3 {
		flap(i)
	}

	// Every alert of the service is resolved and its notices are out.
	var alerts []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	defer func() {
		if t.Failed() {
			t.Logf("alerts: %+v\ndeliveries: %+v", alerts, receiver.snapshot())
			if dir := os.Getenv("ALERTIFYPRO_HISTORY_DIR"); dir != "" {
				for _, n := range c.nodes {
					_ = os.WriteFile(dir+"/"+n.id+".log", []byte(n.logs.String()), 0o600)
				}
			}
		}
	}()
	waitForCond(t, 30*time.Second, "every alert resolved and delivered", func() bool {
		status, _, raw := request(c.runningNodes()[0], 2*time.Second, http.MethodGet,
			"/api/v1/alerts?status=all&limit=100&service_id="+svc.ID, c.key, nil, nil)
		if status != http.StatusOK || json.Unmarshal(raw, &alerts) != nil {
			return false
		}
		seen := map[string]int{}
		for _, d := range receiver.snapshot() {
			seen[d.alertID+" "+d.event]++
		}
		for _, a := range alerts {
			if a.Status != "resolved" || seen[a.ID+" alert.fired"] == 0 || seen[a.ID+" alert.resolved"] == 0 {
				return false
			}
		}
		return len(alerts) > 0
	})
	time.Sleep(2 * time.Second) // a late duplicate would arrive now

	got := receiver.snapshot()
	keys := map[string]int{}
	perAlert := map[string]int{}
	for _, d := range got {
		keys[d.key]++
		perAlert[d.alertID+" "+d.event]++
	}
	for key, n := range keys {
		if key == "" || n != 1 {
			t.Errorf("delivery key %q received %d times", key, n)
		}
	}
	recorded := map[string]bool{}
	for _, a := range alerts {
		recorded[a.ID] = true
		for _, event := range []string{"alert.fired", "alert.resolved"} {
			if n := perAlert[a.ID+" "+event]; n != 1 {
				t.Errorf("alert %s: %s delivered %d times, want once", a.ID, event, n)
			}
		}
	}
	for k := range perAlert {
		var id string
		for _, d := range got {
			if d.alertID+" "+d.event == k {
				id = d.alertID
			}
		}
		if !recorded[id] {
			t.Errorf("a delivery (%s) for an alert the cluster does not have", k)
		}
	}
	t.Logf("%d alerts (transitions down and up), %d deliveries, leader %s killed, %s paused", len(alerts), len(got), leader.id, next.id)
	if len(alerts) < 8 {
		t.Errorf("only %d of the 11 flaps became alerts", len(alerts))
	}
}

// waitLeaderAmong waits until one of among says it leads and returns it.
func (c *testCluster) waitLeaderAmong(timeout time.Duration, among []*clusterNode) *clusterNode {
	c.t.Helper()
	var leader *clusterNode
	waitForCond(c.t, timeout, "a leader", func() bool {
		for _, n := range among {
			if v, ok := c.tryStatus(n); ok && v.State == "leader" {
				leader = n
				return true
			}
		}
		return false
	})
	return leader
}

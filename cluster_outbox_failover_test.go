package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"
)

// hangingReceiver is a loopback webhook receiver that never answers the first delivery
// (it keeps the request open until the test ends), so the sender that made it is caught
// mid-send; every later delivery is answered 200. It records each delivery's idempotency
// key (X-AlertifyPro-Delivery) and when it arrived.
type hangingReceiver struct {
	mu       sync.Mutex
	keys     []string
	at       []time.Time
	firstIn  chan struct{} // closed when the first delivery arrives
	released chan struct{}
	url      string
}

func newHangingReceiver(t *testing.T) *hangingReceiver {
	h := &hangingReceiver{firstIn: make(chan struct{}), released: make(chan struct{})}
	h.url = serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.keys, h.at = append(h.keys, r.Header.Get("X-AlertifyPro-Delivery")), append(h.at, time.Now())
		first := len(h.keys) == 1
		h.mu.Unlock()
		if first {
			close(h.firstIn)
			select {
			case <-h.released:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(h.released) })
	return h
}

// deliveries returns the keys received and when, in order.
func (h *hangingReceiver) deliveries() ([]string, []time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.keys...), append([]time.Time(nil), h.at...)
}

// A leader killed with kill -9 while it sends a notice (claimed, not completed) leaves the
// entry leased; the next leader takes it back at once because the lease is of an older
// term, and delivers it with the same idempotency key within seconds of the kill — not
// after the lease (AttemptTimeout + 30 s) ran out (SPEC §9).
func TestClusterNewLeaderResendsAKilledLeadersNoticeAtOnce(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	c.register()
	target, receiver := newFlappingTarget(t), newHangingReceiver(t)
	c.write(10*time.Second, http.MethodPost, "/api/v1/notification-channels",
		map[string]any{"name": "pager", "type": "webhook", "config": map[string]any{"url": receiver.url}}, http.StatusCreated)
	_, _, raw := c.write(10*time.Second, http.MethodPost, "/api/v1/services",
		map[string]any{"name": "down", "endpoint": target.url, "check_type": "HTTP",
			"check_interval_seconds": 3600, "timeout_seconds": 2}, http.StatusCreated)
	var svc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &svc); err != nil || svc.ID == "" {
		t.Fatalf("create the service: %v %s", err, raw)
	}
	target.up.Store(false)
	for i := range 2 { // the default rule fires at two failures
		if !c.checkNow(svc.ID, i, 15*time.Second) {
			t.Fatal("no node checked the service within 15s")
		}
	}
	select {
	case <-receiver.firstIn:
	case <-time.After(30 * time.Second):
		t.Fatal("the alert's notice was not sent within 30s")
	}
	leader := c.waitLeaderAmong(5*time.Second, c.runningNodes())
	killed := time.Now()
	leader.kill()

	// An election (≈ 1–3 s alone, longer on a loaded machine) and the next outbox pass (1 s);
	// the lease this must not wait out is 45 s, so 20 s still tells the two apart.
	const within = 20 * time.Second
	waitForCond(t, within+30*time.Second, "the notice sent again", func() bool {
		keys, _ := receiver.deliveries()
		return len(keys) >= 2
	})
	keys, at := receiver.deliveries()
	took := at[1].Sub(killed)
	t.Logf("the notice went again %s after the leader was killed (key %s)", took.Round(10*time.Millisecond), keys[0])
	if keys[0] == "" || keys[1] != keys[0] {
		t.Errorf("the resend's idempotency key %q, want the first send's %q", keys[1], keys[0])
	}
	if took > within {
		t.Errorf("the next leader sent the notice %s after the kill, want within %s", took.Round(time.Second), within)
	}
}

package notify

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// enqueueEvent queues a notification of event for channel target, one clock second after
// the previous one (as an alert's fire and resolve are apart in time).
func (env *outboxEnv) enqueueEvent(t *testing.T, target, event string) *store.OutboxEntry {
	t.Helper()
	raw, _ := json.Marshal(Notification{Event: event, Title: "API down", OrgID: env.orgID})
	e := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: target, Event: event, Notification: raw}
	if err := env.db.Enqueue(env.orgID, e); err != nil {
		t.Fatal(err)
	}
	env.clock.Advance(time.Second)
	return e
}

// acceptedOrder returns, in arrival order, the delivery ids of the requests answered
// with 2xx (answered tells, by 1-based request number).
func (r *receiver) acceptedOrder(answered func(n int) bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, id := range r.ids {
		if answered(i + 1) {
			out = append(out, id)
		}
	}
	return out
}

// failFirst answers 500 to the first n requests and 200 afterwards.
func failFirst(n int) (reply, func(int) bool) {
	ok := func(i int) bool { return i > n }
	return func(i int) (int, map[string]string, string) {
		if ok(i) {
			return 200, nil, "ok"
		}
		return 500, nil, "upstream exploded"
	}, ok
}

func TestOutboxResolvedWaitsForTheFiredBeingRetried(t *testing.T) {
	env := newOutboxEnv(t)
	answer, ok := failFirst(2)
	rcv := newReceiver(t, answer)
	s := env.sender(rcv.URL)
	fired := env.enqueueEvent(t, "pd", "alert.fired")
	resolved := env.enqueueEvent(t, "pd", "alert.resolved") // due now, behind fired

	// Backoff (jitter at the top) is 5s, then 10s; resolved must sit out both.
	for i, wait := range []time.Duration{5 * time.Second, 10 * time.Second} {
		if n := pass(t, s); n != 1 || rcv.Hits() != i+1 {
			t.Fatalf("pass %d: attempted %d, hits %d; want only fired", i+1, n, rcv.Hits())
		}
		env.clock.Advance(wait - time.Second)
		if n := pass(t, s); n != 0 {
			t.Fatalf("pass %d: %d attempted before fired's retry (resolved overtook it?)", i+1, n)
		}
		env.clock.Advance(time.Second)
	}
	if n := pass(t, s); n != 2 {
		t.Fatalf("recovery pass attempted %d, want fired then resolved", n)
	}
	if got, want := rcv.acceptedOrder(ok), []string{fired.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("receiver accepted %v, want fired then resolved %v", got, want)
	}
	if rcv.Accepted(fired.ID) != 1 || rcv.Accepted(resolved.ID) != 1 || rcv.Hits() != 4 {
		t.Errorf("accepted fired %d, resolved %d, hits %d; want 1, 1, 4",
			rcv.Accepted(fired.ID), rcv.Accepted(resolved.ID), rcv.Hits())
	}
	if n, _ := env.db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d", n)
	}
}

func TestOutboxDeadLetteredHeadUnblocksTheNext(t *testing.T) {
	env := newOutboxEnv(t)
	answer, ok := failFirst(2)
	rcv := newReceiver(t, answer)
	s := env.sender(rcv.URL)
	s.MaxAttempts = 2
	fired := env.enqueueEvent(t, "pd", "alert.fired")
	resolved := env.enqueueEvent(t, "pd", "alert.resolved")

	pass(t, s) // fired fails: retry in 5s
	env.clock.Advance(5 * time.Second)
	if n := pass(t, s); n != 2 { // fired fails again and is dead-lettered; resolved goes at once
		t.Fatalf("attempted %d, want fired (dead-lettered) and resolved in one pass", n)
	}
	if got, want := rcv.acceptedOrder(ok), []string{resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("receiver accepted %v, want %v", got, want)
	}
	if dead, _ := env.db.DeadLetters(env.orgID); len(dead) != 1 || dead[0].ID != fired.ID {
		t.Errorf("dead letters = %+v, want fired", dead)
	}
	if rcv.Hits() != 3 || rcv.Accepted(resolved.ID) != 1 {
		t.Errorf("hits %d, resolved accepted %d", rcv.Hits(), rcv.Accepted(resolved.ID))
	}
}

func TestOutboxDestinationsProgressIndependently(t *testing.T) {
	env := newOutboxEnv(t)
	down := newReceiver(t, always(500, "down"))
	up := newReceiver(t, always(200, "ok"))
	s := env.sender("")
	s.Concurrency = 1 // one at a time: a blocked destination must not hold the worker either
	s.Resolve = func(e *store.OutboxEntry) (Sender, error) {
		if e.TargetID == "down" {
			return postSender{down.URL}, nil
		}
		return postSender{up.URL}, nil
	}
	var ups []string
	for range 3 {
		env.enqueueEvent(t, "down", "alert.fired")
		ups = append(ups, env.enqueueEvent(t, "up", "alert.fired").ID)
	}
	if n := pass(t, s); n != 4 {
		t.Fatalf("attempted %d, want the head of down and all three of up", n)
	}
	if down.Hits() != 1 {
		t.Errorf("down got %d requests, want only its head", down.Hits())
	}
	if got := up.acceptedOrder(func(int) bool { return true }); !slices.Equal(got, ups) {
		t.Errorf("up accepted %v, want %v in creation order", got, ups)
	}
	if n, _ := env.db.OutboxDepth(); n != 3 {
		t.Errorf("OutboxDepth = %d, want down's three", n)
	}
}

func TestOutboxOrderSurvivesRestart(t *testing.T) {
	env := newOutboxEnv(t)
	answer, ok := failFirst(1)
	rcv := newReceiver(t, answer)
	fired := env.enqueueEvent(t, "pd", "alert.fired")
	resolved := env.enqueueEvent(t, "pd", "alert.resolved")
	pass(t, env.sender(rcv.URL)) // fired fails: retry in 5s
	if err := env.db.Close(); err != nil {
		t.Fatal(err)
	}

	env.reopen(t) // a new store on the same file and a new sender
	s := env.sender(rcv.URL)
	if n := pass(t, s); n != 0 || rcv.Hits() != 1 {
		t.Fatalf("after the restart: attempted %d, hits %d; resolved must still wait", n, rcv.Hits())
	}
	env.clock.Advance(5 * time.Second)
	if n := pass(t, s); n != 2 {
		t.Fatalf("attempted %d after fired's backoff, want 2", n)
	}
	if got, want := rcv.acceptedOrder(ok), []string{fired.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("receiver accepted %v, want fired then resolved %v", got, want)
	}
}

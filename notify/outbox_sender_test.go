package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestOutboxRetriesUntilTheReceiverRecovers(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, func(n int) (int, map[string]string, string) {
		if n <= 3 {
			return 500, nil, "upstream exploded"
		}
		return 200, nil, "ok"
	})
	s := env.sender(rcv.URL)
	var delivered []time.Time
	s.OnDelivered = func(orgID, kind, target string, at time.Time) { delivered = append(delivered, at) }
	e := env.enqueue(t, "ch1")

	// Backoff with jitter at the top: 5s, 10s, 20s after each failure.
	for i, wait := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second} {
		start := env.clock.Now()
		if n := pass(t, s); n != 1 || rcv.Hits() != i+1 {
			t.Fatalf("attempt %d: attempted %d, receiver hits %d", i+1, n, rcv.Hits())
		}
		q := env.queued(t, e.ID)
		if q == nil || q.Attempts != i+1 || q.LastStatus != 500 || !q.NextAttemptAt.Equal(start.Add(wait)) {
			t.Fatalf("after failure %d: %+v, want due at +%v", i+1, q, wait)
		}
		env.clock.Advance(wait - time.Second)
		if n := pass(t, s); n != 0 {
			t.Fatalf("retried %v early", time.Second)
		}
		env.clock.Advance(time.Second)
	}
	if n := pass(t, s); n != 1 || rcv.Accepted(e.ID) != 1 {
		t.Fatalf("recovery pass attempted %d, accepted %d", n, rcv.Accepted(e.ID))
	}
	for range 3 {
		env.clock.Advance(time.Hour)
		pass(t, s)
	}
	if rcv.Hits() != 4 || rcv.Accepted(e.ID) != 1 || len(delivered) != 1 {
		t.Errorf("hits %d, accepted %d, OnDelivered %d; want 4, exactly 1, 1", rcv.Hits(), rcv.Accepted(e.ID), len(delivered))
	}
	if n, _ := env.db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d after delivery", n)
	}
	logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{TargetID: "ch1"})
	want := []string{"delivered", "retry", "retry", "retry"}
	if len(logs) != len(want) {
		t.Fatalf("%d delivery logs, want %d", len(logs), len(want))
	}
	for i, l := range logs {
		if l.Outcome != want[i] || l.Attempt != 4-i || l.EntryID != e.ID || l.Event != "alert.fired" {
			t.Errorf("log %d = %+v", i, l)
		}
	}
	if l := logs[1]; l.StatusCode != 500 || l.Response != "upstream exploded" || !strings.Contains(l.Error, "500") {
		t.Errorf("failed attempt log = %+v", l)
	}
	for _, id := range rcv.ids {
		if id != e.ID {
			t.Errorf("delivery id %q, want the stable entry id %s", id, e.ID)
		}
	}
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, func(n int) (int, map[string]string, string) {
		if n == 1 {
			return 429, map[string]string{"Retry-After": "30"}, "slow down"
		}
		return 204, nil, ""
	})
	s := env.sender(rcv.URL)
	e := env.enqueue(t, "ch1")
	start := env.clock.Now()
	pass(t, s)
	if q := env.queued(t, e.ID); q == nil || q.NextAttemptAt.Before(start.Add(30*time.Second)) || q.LastStatus != 429 {
		t.Fatalf("after 429: %+v, want due no earlier than +30s", q)
	}
	env.clock.Advance(29 * time.Second)
	if pass(t, s); rcv.Hits() != 1 {
		t.Fatalf("attempted again %v before Retry-After", time.Second)
	}
	env.clock.Advance(time.Second)
	if pass(t, s); rcv.Hits() != 2 || rcv.Accepted(e.ID) != 1 {
		t.Fatalf("hits %d, accepted %d after Retry-After", rcv.Hits(), rcv.Accepted(e.ID))
	}
}

func TestOutboxPermanentErrorDeadLettersAfterOneAttempt(t *testing.T) {
	env := newOutboxEnv(t)
	body := strings.Repeat("0123456789", 80)
	rcv := newReceiver(t, always(404, body))
	s := env.sender(rcv.URL)
	var permanent []string
	s.OnPermanent = func(orgID, kind, target, err string) {
		permanent = append(permanent, orgID+"|"+kind+"|"+target+"|"+err)
	}
	e := env.enqueue(t, "ch1")
	pass(t, s)
	for range 5 {
		env.clock.Advance(24 * time.Hour)
		pass(t, s)
	}
	if rcv.Hits() != 1 {
		t.Fatalf("receiver hit %d times, want exactly one attempt", rcv.Hits())
	}
	dead, _ := env.db.DeadLetters(env.orgID)
	if len(dead) != 1 || dead[0].ID != e.ID || dead[0].LastStatus != 404 || !strings.Contains(dead[0].LastError, "404") || dead[0].Attempts != 1 {
		t.Fatalf("dead letters = %+v", dead)
	}
	logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{})
	if len(logs) != 1 || logs[0].Outcome != store.DeliveryPermanent || logs[0].Response != body[:500] || logs[0].StatusCode != 404 {
		t.Fatalf("logs = %+v", logs)
	}
	if want := env.orgID + "|channel|ch1|" + dead[0].LastError; len(permanent) != 1 || permanent[0] != want {
		t.Errorf("OnPermanent calls = %q, want [%q]", permanent, want)
	}
	if n, _ := env.db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d", n)
	}
}

func TestOutboxResolveErrors(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, always(200, "ok"))
	s := env.sender(rcv.URL)
	gone := env.enqueue(t, "deleted-channel")
	flaky := env.enqueue(t, "flaky-channel")
	s.Resolve = func(e *store.OutboxEntry) (Sender, error) {
		if e.TargetID == "deleted-channel" {
			return nil, errors.New("channel deleted")
		}
		return nil, &DeliveryError{Err: errors.New("cannot open sealed config yet")}
	}
	pass(t, s)
	if dead, _ := env.db.DeadLetters(env.orgID); len(dead) != 1 || dead[0].ID != gone.ID || dead[0].LastError != "channel deleted" {
		t.Errorf("a deleted channel's entry is not dead-lettered as permanent: %+v", dead)
	}
	if q := env.queued(t, flaky.ID); q == nil || q.Attempts != 1 {
		t.Errorf("a transient resolve error is not rescheduled: %+v", q)
	}
	if rcv.Hits() != 0 {
		t.Errorf("receiver hit %d times", rcv.Hits())
	}
}

func TestOutboxAttemptTimeout(t *testing.T) {
	env := newOutboxEnv(t)
	release := make(chan struct{})
	defer close(release)
	rcv := newReceiver(t, func(int) (int, map[string]string, string) {
		<-release // never answers in time
		return 200, nil, ""
	})
	s := env.sender(rcv.URL)
	s.AttemptTimeout = 100 * time.Millisecond
	e := env.enqueue(t, "ch1")
	start := time.Now()
	pass(t, s)
	// The receiver never answers: an attempt that ignored its timeout would never end,
	// so a bound a loaded machine cannot reach by chance tells the two apart.
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("attempt took %v despite a 100ms timeout", took)
	}
	if q := env.queued(t, e.ID); q == nil || q.Attempts != 1 || !strings.Contains(q.LastError, context.DeadlineExceeded.Error()) {
		t.Errorf("timed-out attempt: %+v", q)
	}
}

func TestOutboxBackoff(t *testing.T) {
	s := &OutboxSender{BaseBackoff: 5 * time.Second, MaxBackoff: time.Hour}
	for _, tc := range []struct {
		failed int
		jitter float64
		want   time.Duration
	}{
		{0, 1, 5 * time.Second}, {0, 0, 2500 * time.Millisecond}, {3, 1, 40 * time.Second},
		{10, 1, time.Hour}, {10, 0, 30 * time.Minute}, {200, 1, time.Hour},
	} {
		s.jitter = func() float64 { return tc.jitter }
		if got := s.backoff(tc.failed); got != tc.want {
			t.Errorf("backoff(%d) with jitter %v = %v, want %v", tc.failed, tc.jitter, got, tc.want)
		}
	}
	s.jitter = nil
	for range 100 {
		if d := s.backoff(1); d < 5*time.Second || d > 10*time.Second {
			t.Fatalf("backoff(1) = %v, outside [5s, 10s]", d)
		}
	}
}

func TestOutboxGivesUpOnEntriesOlderThanMaxAge(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, always(500, "down"))
	s := env.sender(rcv.URL)
	s.MaxAge = time.Hour
	first, second := env.enqueue(t, "ch1"), env.enqueue(t, "ch1")
	pass(t, s) // first fails and is retried; second waits behind it, unattempted
	if rcv.Hits() != 1 {
		t.Fatalf("hits after the first pass = %d, want 1", rcv.Hits())
	}
	// The outage outlasts MaxAge: the head's next failure gives it up, and the entry
	// behind it, just as old, is given up at its first failure instead of starting a
	// fresh round of retries.
	env.clock.Advance(time.Hour)
	pass(t, s)
	pass(t, s)
	dead, _ := env.db.DeadLetters(env.orgID)
	if len(dead) != 2 || dead[0].ID != first.ID && dead[1].ID != first.ID {
		t.Fatalf("dead letters = %+v, want both entries", dead)
	}
	if rcv.Hits() != 3 {
		t.Errorf("hits = %d, want 3 (two for the head, one for the entry behind it)", rcv.Hits())
	}
	if env.queued(t, second.ID) != nil {
		t.Error("second entry still queued")
	}
}

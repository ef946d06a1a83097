package notify

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestOutboxMaxAttemptsThenReplay(t *testing.T) {
	env := newOutboxEnv(t)
	var healthy atomic.Bool
	rcv := newReceiver(t, func(int) (int, map[string]string, string) {
		if healthy.Load() {
			return 200, nil, "ok"
		}
		return 503, nil, "maintenance"
	})
	s := env.sender(rcv.URL)
	s.MaxAttempts = 3
	permanent := 0
	s.OnPermanent = func(string, string, string, string) { permanent++ }
	e := env.enqueue(t, "ch1")
	for range 6 {
		pass(t, s)
		env.clock.Advance(time.Minute)
	}
	if rcv.Hits() != 3 || permanent != 1 {
		t.Fatalf("hits %d, OnPermanent %d; want 3 attempts then dead", rcv.Hits(), permanent)
	}
	dead, _ := env.db.DeadLetters(env.orgID)
	if len(dead) != 1 || dead[0].Attempts != 3 || dead[0].LastStatus != 503 {
		t.Fatalf("dead letters = %+v", dead)
	}
	logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{EntryID: e.ID})
	if len(logs) != 3 || logs[0].Outcome != store.DeliveryDead || logs[1].Outcome != store.DeliveryRetry {
		t.Fatalf("logs = %+v", logs)
	}

	healthy.Store(true)
	if err := env.db.ReplayDeadLetter(env.orgID, e.ID, env.clock.Now(), nil); err != nil {
		t.Fatal(err)
	}
	pass(t, s)
	if rcv.Hits() != 4 || rcv.Accepted(e.ID) != 1 {
		t.Fatalf("replay: hits %d, accepted %d", rcv.Hits(), rcv.Accepted(e.ID))
	}
	if dead, _ := env.db.DeadLetters(env.orgID); len(dead) != 0 {
		t.Errorf("dead letters after a delivered replay: %+v", dead)
	}
	if logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{Limit: 1}); logs[0].Outcome != store.DeliveryDelivered || logs[0].Attempt != 1 {
		t.Errorf("replay log = %+v (attempts restart at 1)", logs[0])
	}
}

func TestOutboxSurvivesRestartMidRetry(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, func(n int) (int, map[string]string, string) {
		if n == 1 {
			return 502, nil, "bad gateway"
		}
		return 200, nil, "ok"
	})
	e := env.enqueue(t, "ch1")
	pass(t, env.sender(rcv.URL))
	if err := env.db.Close(); err != nil {
		t.Fatal(err)
	}

	env.reopen(t) // the appliance restarts: a new store and a new sender
	s := env.sender(rcv.URL)
	if pass(t, s); rcv.Hits() != 1 {
		t.Fatal("retried before its backoff after the restart")
	}
	env.clock.Advance(time.Minute)
	for range 3 {
		pass(t, s)
		env.clock.Advance(time.Hour)
	}
	if rcv.Hits() != 2 || rcv.Accepted(e.ID) != 1 {
		t.Fatalf("hits %d, accepted %d; want the pending entry delivered exactly once", rcv.Hits(), rcv.Accepted(e.ID))
	}
	if n, _ := env.db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d", n)
	}
}

func TestOutboxCrashDuringSendRetriesAfterTheLease(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, always(200, "ok"))
	e := env.enqueue(t, "ch1")
	s := env.sender(rcv.URL)
	// A sender claims the entry and dies before the attempt finishes.
	lease := env.clock.Now().Add(s.AttemptTimeout + leaseMargin)
	if _, err := env.db.ClaimOutbox(env.orgID, e.ID, env.clock.Now(), lease); err != nil {
		t.Fatal(err)
	}
	if err := env.db.Close(); err != nil {
		t.Fatal(err)
	}
	env.reopen(t)
	s = env.sender(rcv.URL)
	env.clock.Advance(s.AttemptTimeout) // restarted quickly: the lease still holds
	if n := pass(t, s); n != 0 || rcv.Hits() != 0 {
		t.Fatalf("a leased entry was sent during its lease (attempted %d)", n)
	}
	env.clock.Advance(leaseMargin)
	pass(t, s)
	pass(t, s)
	if rcv.Hits() != 1 || rcv.Accepted(e.ID) != 1 {
		t.Fatalf("hits %d, accepted %d after the lease; want exactly one", rcv.Hits(), rcv.Accepted(e.ID))
	}
	logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{EntryID: e.ID})
	if len(logs) != 2 || logs[0].Outcome != store.DeliveryDelivered || logs[0].Attempt != 2 || logs[1].Outcome != store.DeliveryRetry {
		t.Errorf("logs = %+v; want the lost attempt and then the delivery", logs)
	}
}

func TestOutboxConcurrentSendersDeliverEachEntryOnce(t *testing.T) {
	env := newOutboxEnv(t)
	var inFlight, peak atomic.Int64
	rcv := newReceiver(t, func(int) (int, map[string]string, string) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		inFlight.Add(-1)
		return 200, nil, "ok"
	})
	var ids []string
	for i := range 60 {
		ids = append(ids, env.enqueue(t, fmt.Sprintf("ch%d", i%20)).ID)
	}
	var wg sync.WaitGroup
	total := atomic.Int64{}
	for range 2 { // two senders racing over the same outbox
		s := env.sender(rcv.URL)
		s.Concurrency = 4
		wg.Go(func() {
			for range 3 {
				n, err := s.DeliverDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if got := rcv.Accepted(id); got != 1 {
			t.Errorf("entry %s delivered %d times", id, got)
		}
	}
	if rcv.Hits() != 60 || total.Load() != 60 {
		t.Errorf("hits %d, attempted %d; want 60", rcv.Hits(), total.Load())
	}
	if p := peak.Load(); p > 8 {
		t.Errorf("%d attempts in flight, more than 2 senders × Concurrency 4", p)
	}
	if n, _ := env.db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d", n)
	}
}

func TestOutboxRunDeliversOnWakeAndStops(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, always(200, "ok"))
	s := env.sender(rcv.URL)
	s.Poll = time.Hour // only Wake can make it deliver within the test
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	time.Sleep(20 * time.Millisecond) // let the first (empty) pass run
	e := env.enqueue(t, "ch1")
	s.Wake()
	s.Wake() // a second wake-up while one is pending does not block
	deadline := time.Now().Add(5 * time.Second)
	for rcv.Accepted(e.ID) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if rcv.Accepted(e.ID) != 1 {
		t.Fatal("Wake did not deliver")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

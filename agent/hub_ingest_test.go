package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// result is a GREEN result of service id checked at t.
func result(id string, t time.Time) Result {
	return Result{ServiceID: id, CheckedAt: t, Status: "GREEN", ResponseTimeUS: 1500}
}

// A batch sent again — on the same connection, after a reconnection, after a server
// restart — is acknowledged as a duplicate and recorded once.
func TestHubRecordsARepeatedBatchOnce(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	svc := e.service(org, "api", "http://127.0.0.1:1/", 10, nil)
	_, token := e.location(org, "home")
	instance := randomInstance()
	a, _ := e.dial(token, Hello{Instance: instance, Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
	now := time.Now().UTC()
	b1 := &Batch{Seq: 1, Results: []Result{result(svc.ID, now)}}
	if ack := a.ack(b1); ack.Status != AckRecorded || ack.Accepted != 1 {
		t.Fatalf("first = %+v", ack)
	}
	if ack := a.ack(b1); ack.Status != AckDuplicate {
		t.Fatalf("repeat on the same connection = %+v", ack)
	}
	a.conn.CloseNow()

	a2, _ := e.dial(token, Hello{Instance: instance, Secure: true})
	if ack := a2.ack(b1); ack.Status != AckDuplicate {
		t.Fatalf("repeat after reconnecting = %+v", ack)
	}
	e.stop()
	e.startHub() // the server restarts: the ledger is in the store
	a3, _ := e.dial(token, Hello{Instance: instance, Secure: true})
	if ack := a3.ack(b1); ack.Status != AckDuplicate {
		t.Fatalf("repeat after a restart = %+v", ack)
	}
	b2 := &Batch{Seq: 2, Results: []Result{result(svc.ID, now.Add(10*time.Second))}}
	if ack := a3.ack(b2); ack.Status != AckRecorded {
		t.Fatalf("next batch = %+v", ack)
	}
	// Another process of the same agent numbers from 1 again: its own batches count.
	a4, _ := e.dial(token, Hello{Name: "probe", Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a4.ids()) == 1 })
	if ack := a4.ack(&Batch{Seq: 1, Results: []Result{result(svc.ID, now.Add(20*time.Second))}}); ack.Status != AckRecorded {
		t.Fatalf("a new instance's first batch = %+v", ack)
	}
	got := e.sink.all()
	if len(got) != 3 {
		t.Fatalf("sink holds %d results, want 3 (each batch once): %+v", len(got), got)
	}
	if got[0].OrgID != org || got[0].ServiceID != svc.ID || !got[0].Result.CheckedAt.Equal(now) ||
		got[0].Result.ResponseTime != 1500*time.Microsecond || got[0].Result.Location != "home" {
		t.Fatalf("recorded %+v", got[0])
	}
	// The results are the service's history, as the appliance's own checks are.
	checks, err := e.db.Checks(org, svc.ID, now.Add(-time.Minute), now.Add(time.Minute), 100)
	if err != nil || len(checks) != 3 {
		t.Fatalf("history holds %d checks (%v), want 3", len(checks), err)
	}
	stored, err := e.db.Service(org, svc.ID)
	if err != nil || stored.LastCheckedAt == nil || stored.Status != "GREEN" || stored.LocationStatus["home"] != "GREEN" {
		t.Fatalf("service after the results: %+v, %v", stored, err)
	}
}

// Results for services the agent was not assigned (another organization's, unknown, or
// another agent's) are refused and counted; the rest of the batch is recorded; a time more
// than 5 s ahead is clamped to the time the batch arrived.
func TestHubJudgesEveryResult(t *testing.T) {
	e := newHubEnv(t)
	ada, bob := e.org("ada"), e.org("bob")
	mine := e.service(ada, "mine", "http://127.0.0.1:1/", 10, nil)
	theirs := e.service(bob, "theirs", "http://127.0.0.1:1/", 10, nil)
	_, token := e.location(ada, "home")
	a, _ := e.dial(token, Hello{Name: "probe-a", Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
	now := time.Now().UTC()
	future := result(mine.ID, now.Add(time.Hour))
	bad := result(mine.ID, now)
	bad.Status = "PURPLE"
	ack := a.ack(&Batch{Seq: 1, Results: []Result{
		result(mine.ID, now), future, result(theirs.ID, now), result("no-such-service", now), bad}})
	if ack.Status != AckRecorded || ack.Accepted != 2 || ack.Refused != 3 {
		t.Fatalf("ack = %+v, want 2 accepted and 3 refused", ack)
	}
	got := e.sink.all()
	if len(got) != 2 || !got[1].Clamped || got[1].Result.CheckedAt.After(time.Now()) {
		t.Fatalf("recorded %+v, want the future one clamped", got)
	}
	accepted, refused, clamped, _ := e.hub.Stats()
	if accepted != 2 || refused != 3 || clamped != 1 {
		t.Fatalf("stats %d %d %d", accepted, refused, clamped)
	}

	// A second agent of the location may not report for the first one's services with
	// fresh timestamps; results it buffered before it connected are accepted (the server
	// cannot know its assignment then; the location's scope still bounds them).
	for i := range 9 {
		e.service(ada, "more"+string(rune('a'+i)), "http://127.0.0.1:1/", 10, nil)
	}
	e.hub.Notify()
	waitFor(t, 5*time.Second, "a holds all ten", func() bool { return len(a.ids()) == 10 })
	b, _ := e.dial(token, Hello{Name: "probe-b", Secure: true})
	waitFor(t, 5*time.Second, "a and b share", func() bool { return len(a.ids())+len(b.ids()) == 10 && len(b.ids()) > 0 })
	var ofA string
	for id := range a.ids() {
		ofA = id
	}
	ack = b.ack(&Batch{Seq: 1, Results: []Result{result(ofA, time.Now().UTC()), result(ofA, now.Add(-time.Minute))}})
	if ack.Accepted != 1 || ack.Refused != 1 {
		t.Fatalf("b's ack = %+v, want the fresh one refused and the buffered one accepted", ack)
	}
}

// A batch over MaxBatchResults is refused whole; a frame over the byte limit closes the
// connection (1009) — the server never reads an unbounded message.
func TestHubRefusesOversizedBatches(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	svc := e.service(org, "api", "http://127.0.0.1:1/", 10, nil)
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
	big := make([]Result, MaxBatchResults+1)
	for i := range big {
		big[i] = result(svc.ID, time.Now().UTC())
	}
	if ack := a.ack(&Batch{Seq: 1, Results: big}); ack.Status != AckRefused || !strings.Contains(ack.Message, "at most 1000") {
		t.Fatalf("ack = %+v", ack)
	}
	if n := len(e.sink.all()); n != 0 {
		t.Fatalf("%d results of a refused batch recorded", n)
	}
	huge := result(svc.ID, time.Now().UTC())
	huge.Error = strings.Repeat("x", maxAgentMessage)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = writeMessage(ctx, a.conn, &message{Type: typeResults, Results: &Batch{Seq: 2, Results: []Result{huge}}})
	var ce websocket.CloseError
	if err := a.closed(5 * time.Second); !errors.As(err, &ce) || ce.Code != websocket.StatusMessageTooBig {
		t.Fatalf("connection ended with %v, want 1009", err)
	}
}

// When the sink cannot record, the agent is told to retry, and the same batch is
// recorded once it can.
func TestHubAsksForARetryWhenTheSinkFails(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	svc := e.service(org, "api", "http://127.0.0.1:1/", 10, nil)
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
	e.sink.mu.Lock()
	e.sink.fail = true
	e.sink.mu.Unlock()
	b := &Batch{Seq: 1, Results: []Result{result(svc.ID, time.Now().UTC())}}
	if ack := a.ack(b); ack.Status != AckRetry {
		t.Fatalf("ack = %+v, want retry", ack)
	}
	e.sink.mu.Lock()
	e.sink.fail = false
	e.sink.mu.Unlock()
	if ack := a.ack(b); ack.Status != AckRecorded {
		t.Fatalf("retried ack = %+v", ack)
	}
	if n := len(e.sink.all()); n != 1 {
		t.Fatalf("%d recorded, want 1", n)
	}
}

package auditstream

import (
	"context"
	"net/http"
	"sync"
	"testing"
)

// A batch the receiver accepted moves the cursor even when the streamer is told to stop
// while the answer is on its way: the outcome is known, and leaving the cursor would send
// the batch again after the restart — a repeat without a crash. Each round the receiver
// answers 200 and then cancels the streamer's context; the client may notice the
// cancellation before the answer (then the outcome is unknown and the cursor rightly
// stays), so the test asks that the cursor moved in some rounds, and never past what the
// receiver accepted.
func TestAcceptedBatchCommitsWhenStopping(t *testing.T) {
	env := newStreamEnv(t)
	var (
		mu     sync.Mutex
		cancel context.CancelFunc
	)
	hec := newReceiver(t, hecParser("hec-token-1"))
	hec.answer = func(w http.ResponseWriter, ids []string, dup []bool) {
		hecAnswer(w, ids, dup)
		w.(http.Flusher).Flush()
		mu.Lock()
		cancel()
		mu.Unlock()
	}
	s := env.createStream(TypeSplunkHEC, hec.URL, nil, map[string]string{"token": "hec-token-1"})
	streamer := env.streamer(100)
	committed := 0
	for round := 0; round < 30; round++ {
		env.appendConcurrently(1, "round")
		ctx, stop := context.WithCancel(context.Background())
		mu.Lock()
		cancel = stop
		mu.Unlock()
		_, err := streamer.DeliverDue(ctx)
		stop()
		if err != nil {
			t.Fatal(err)
		}
		st, err := env.db.AuditStream(env.org.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _, _ := hec.snapshot()
		if st.State.Delivered > uint64(len(got)) {
			t.Fatalf("round %d: %d delivered, the receiver accepted %d", round, st.State.Delivered, len(got))
		}
		if len(env.owed(st)) == 0 {
			committed++
		}
	}
	if committed == 0 {
		t.Fatal("no accepted batch moved the cursor: stopping left every one to be sent again")
	}
}

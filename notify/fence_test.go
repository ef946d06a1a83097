package notify

import (
	"errors"
	"testing"
	"time"
)

// termFence is a cluster as the sender sees it: whether this node leads, in which term,
// and what a quorum would say right before a send (verify).
type termFence struct {
	term    uint64
	leading bool
	verify  func(term uint64) error
}

func (f *termFence) LeaderTerm() (uint64, bool) { return f.term, f.leading }

func (f *termFence) StillLeading(term uint64) error {
	if f.verify != nil {
		return f.verify(term)
	}
	return nil
}

// On a cluster only the leader sends: a follower neither claims nor sends; a leader
// deposed between its claim and the send (a newer term, or no quorum to confirm it) sends
// nothing and leaves the entry leased. A sender of the same term leaves that lease alone;
// the next term's leader takes the entry at once — not after the lease — and sends it
// with the same idempotency key.
func TestOutboxFenceLetsOnlyTheLeaderOfTheClaimSend(t *testing.T) {
	env := newOutboxEnv(t)
	rcv := newReceiver(t, always(200, "ok"))
	e := env.enqueue(t, "ch1")

	follower := env.sender(rcv.URL)
	follower.Fence = &termFence{}
	if n := pass(t, follower); n != 0 || rcv.Hits() != 0 {
		t.Fatalf("a follower attempted %d, receiver hits %d", n, rcv.Hits())
	}
	if q := env.queued(t, e.ID); q == nil || !q.LeaseUntil.IsZero() {
		t.Fatalf("a follower claimed the entry: %+v", q)
	}

	deposed := env.sender(rcv.URL)
	deposed.Fence = &termFence{term: 7, leading: true, verify: func(term uint64) error {
		if term != 7 {
			t.Errorf("verified term %d, want the claim's 7", term)
		}
		return errors.New("term 8 has begun")
	}}
	if n := pass(t, deposed); n != 0 || rcv.Hits() != 0 {
		t.Fatalf("a deposed leader attempted %d, receiver hits %d", n, rcv.Hits())
	}
	q := env.queued(t, e.ID)
	if q == nil || q.LeaseUntil.IsZero() {
		t.Fatalf("the deposed leader's claim is not held: %+v", q)
	}

	same := env.sender(rcv.URL)
	same.Fence = &termFence{term: 7, leading: true}
	if n := pass(t, same); n != 0 {
		t.Fatalf("a sender of the claim's own term took its leased entry (%d attempted)", n)
	}

	env.clock.Advance(time.Second) // far inside the lease
	next := env.sender(rcv.URL)
	next.Fence = &termFence{term: 8, leading: true}
	if n := pass(t, next); n != 1 || rcv.Accepted(e.ID) != 1 || rcv.Hits() != 1 {
		t.Fatalf("the next term's leader, inside the old lease: attempted %d, accepted %d, hits %d", n, rcv.Accepted(e.ID), rcv.Hits())
	}
}

package notify

import "fmt"

// Fence keeps a deposed cluster leader from sending (SPEC §9: a deposed leader stops
// sending before a new leader can start). The sender takes the term it leads before it
// claims an entry — the claim is a write, so it commits only through that term's leader —
// and, after the claim, checks that it still leads that same term, confirmed by a quorum
// (as of the last heartbeat round trip, far shorter than an election), immediately before
// the send. A leader that was paused or cut off past its lease, while
// another was elected and took the entry, finds a newer term and sends nothing. What is
// left is the moment between that check and the request leaving, which the lease covers
// (the next leader takes the entry only after it) and the idempotency key (the entry ID)
// de-duplicates at the receiver. cluster.Node is one.
type Fence interface {
	// LeaderTerm returns the Raft term while this node leads (and has applied every
	// entry of earlier terms); false otherwise.
	LeaderTerm() (uint64, bool)
	// StillLeading returns nil when a quorum confirms that this node leads in term.
	StillLeading(term uint64) error
}

// releaseOlderLeases, once in each term this node leads, makes the entries leased by the
// leaders of earlier terms due at once (store.ReleaseOutboxLeases): a leader killed or cut
// off after claiming an entry would otherwise hold it for its whole lease (AttemptTimeout
// + leaseMargin) before this one resent it. Fenced, that leader sends nothing more once
// this term began; the resend keeps the entry ID, the receivers' idempotency key, which
// also covers a send the old leader had already started.
func (s *OutboxSender) releaseOlderLeases() error {
	if s.Fence == nil {
		return nil // a single node: a lease runs out only after a crash, and then it is this node's own
	}
	term, leading := s.Fence.LeaderTerm()
	if !leading || s.releasedTerm.Load() == term {
		return nil
	}
	n, err := s.Store.ReleaseOutboxLeases(term, s.now())
	if err != nil {
		return fmt.Errorf("notify: release the outbox leases of earlier terms: %w", err)
	}
	s.releasedTerm.Store(term)
	if n > 0 {
		s.logger().Info("outbox: entries claimed by an earlier leader go again now", "entries", n, "term", term)
	}
	return nil
}

// leaderTerm is the fence's term; a sender without a fence (a single node) always leads.
func (s *OutboxSender) leaderTerm() (uint64, bool) {
	if s.Fence == nil {
		return 0, true
	}
	return s.Fence.LeaderTerm()
}

// stillLeading is the fence's check right before a send; nil without a fence.
func (s *OutboxSender) stillLeading(term uint64) error {
	if s.Fence == nil {
		return nil
	}
	return s.Fence.StillLeading(term)
}

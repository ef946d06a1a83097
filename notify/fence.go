package notify

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

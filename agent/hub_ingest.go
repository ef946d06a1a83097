package agent

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// Limits on what one result may say.
const (
	maxResultError    = 1000 // characters of an error text kept
	maxResponseTimeUS = int64(24 * time.Hour / time.Microsecond)
)

// ingest answers one batch: a repeat of a recorded batch is acknowledged without being
// recorded again; otherwise every result is checked — a service of the location the agent
// was assigned, a known status, sane numbers, checked_at clamped when it is more than 5 s
// in the future — and the accepted ones go to the sink. Only the session's reader calls
// it, in the order the batches arrive.
func (s *session) ingest(ctx context.Context, b *Batch) *Ack {
	h := s.hub
	loc := s.peer.Location
	if len(b.Results) > MaxBatchResults {
		h.stats.add(0, len(b.Results), 0, 0)
		h.Logger.Warn("agent batch refused: too large", "location", loc.Name, "agent", s.hello.Name, "results", len(b.Results))
		return &Ack{Seq: b.Seq, Status: AckRefused,
			Message: fmt.Sprintf("a batch may carry at most %d results; this one has %d", MaxBatchResults, len(b.Results))}
	}
	if b.Seq <= s.highSeq {
		h.stats.add(0, 0, 0, 1)
		return &Ack{Seq: b.Seq, Status: AckDuplicate, Message: "this batch was recorded before"}
	}
	// Results are judged against the agent's assignments: wait for the first set to go
	// out (the hub assigns right after the hello).
	select {
	case <-s.assigned:
	case <-ctx.Done():
		return &Ack{Seq: b.Seq, Status: AckRetry, Message: "the session ended"}
	case <-time.After(h.HandshakeTimeout):
		return &Ack{Seq: b.Seq, Status: AckRetry, Message: "the server has not assigned this agent yet"}
	}
	if b.Dropped > 0 {
		h.Logger.Warn("agent dropped results: its buffer was full while it could not reach the server",
			"location", loc.Name, "agent", s.hello.Name, "dropped", b.Dropped)
	}
	received := h.Now()
	h.mu.Lock()
	var eligible map[string]string
	if ls := h.locs[loc.ID]; ls != nil {
		eligible = ls.eligible
	}
	h.mu.Unlock()
	accepted := make([]Checked, 0, len(b.Results))
	refused, clamped := 0, 0
	var firstRefused string
	for i := range b.Results {
		r := &b.Results[i]
		orgID, ok := eligible[r.ServiceID]
		if ok && !s.mayReport(r, received) {
			ok = false
		}
		if !ok || !validResult(r) {
			if refused == 0 {
				firstRefused = r.ServiceID
			}
			refused++
			continue
		}
		c := Checked{OrgID: orgID, ServiceID: r.ServiceID, Result: r.probeResult(), ReceivedAt: received}
		c.Result.Location, c.Result.ReceivedAt = loc.Name, received
		if c.Result.CheckedAt.After(received.Add(futureSlack)) {
			c.Result.CheckedAt, c.Clamped = received, true
			clamped++
		}
		if n := utf8.RuneCountInString(c.Result.Error); n > maxResultError {
			c.Result.Error = string([]rune(c.Result.Error)[:maxResultError])
		}
		accepted = append(accepted, c)
	}
	if refused > 0 && !s.refusedLogged {
		s.refusedLogged = true // once per session: a confused agent must not flood the log
		h.Logger.Warn("agent reported results for services it was not assigned (or malformed ones); refused",
			"location", loc.Name, "agent", s.hello.Name, "refused", refused, "first_service_id", firstRefused)
	}
	mark := store.AgentBatch{LocationID: loc.ID, Instance: s.hello.Instance, Seq: b.Seq, At: received}
	if h.Sink == nil {
		if err := h.Store.SetAgentBatchSeq(loc.ID, s.hello.Instance, b.Seq, received); err != nil {
			h.Logger.Error("agent batch ledger not updated", "location", loc.Name, "agent", s.hello.Name, "error", err)
		}
	} else if dup, err := h.Sink.Record(ctx, loc, s.id, mark, accepted); err != nil {
		h.Logger.Error("agent results not recorded; the agent will send them again", "location", loc.Name,
			"agent", s.hello.Name, "error", err)
		return &Ack{Seq: b.Seq, Status: AckRetry, Message: "the server could not record the results now"}
	} else if dup {
		// Recorded by an earlier connection whose acknowledgement was lost.
		s.highSeq = b.Seq
		h.stats.add(0, 0, 0, 1)
		return &Ack{Seq: b.Seq, Status: AckDuplicate, Message: "this batch was recorded before"}
	}
	s.highSeq = b.Seq
	h.stats.add(len(accepted), refused, clamped, 0)
	ack := &Ack{Seq: b.Seq, Status: AckRecorded, Accepted: len(accepted), Refused: refused}
	if refused > 0 {
		ack.Message = "results for services not assigned to this agent, or malformed, were refused"
	}
	return ack
}

// mayReport reports whether this agent may report r: the service is assigned to it, was
// until recently (a check that began before the hand-over), or r was checked before this
// connection began — buffered while the agent was cut off, when the server cannot know
// what it was assigned then; the location's scope bounds those (eligible).
func (s *session) mayReport(r *Result, received time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.allowed[r.ServiceID] {
		return true
	}
	if until, ok := s.released[r.ServiceID]; ok && received.Before(until) {
		return true
	}
	return r.CheckedAt.Before(s.started)
}

// validResult checks what the probe result says.
func validResult(r *Result) bool {
	switch r.Status {
	case monitor.StatusGreen, monitor.StatusYellow, monitor.StatusRed:
	default:
		return false
	}
	return !r.CheckedAt.IsZero() && r.ResponseTimeUS >= 0 && r.ResponseTimeUS <= maxResponseTimeUS &&
		r.StatusCode >= 0 && r.StatusCode < 1000 && utf8.ValidString(r.Error) &&
		!strings.ContainsRune(r.Error, 0)
}

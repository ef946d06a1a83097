package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alertifypro/alertifypro/backoff"
	"github.com/alertifypro/alertifypro/store"
)

// outcome is what became of an outbox entry in one pass.
type outcome int

const (
	// notClaimed: the entry was not attempted. It is not due any more (another sender
	// holds it, or it was rescheduled), an older entry for its destination is pending,
	// or it is gone (completed meanwhile), or the claim failed.
	notClaimed   outcome = iota
	delivered            // sent and recorded
	deadLettered         // given up on: no longer holds its destination back
	retrying             // failed and rescheduled (or its outcome could not be recorded)
)

// attempted reports whether an attempt was made.
func (o outcome) attempted() bool { return o != notClaimed }

// unblocks reports whether the next entry for the same destination may go now.
func (o outcome) unblocks() bool { return o == delivered || o == deadLettered }

// deliver claims e (a lease, so a crash mid-send cannot lose it), makes one attempt and
// records its outcome.
func (s *OutboxSender) deliver(ctx context.Context, e *store.OutboxEntry) (outcome, error) {
	timeout := orDefault(s.AttemptTimeout, 15*time.Second)
	term, leading := s.leaderTerm()
	if !leading {
		return notClaimed, nil // a follower, or a former leader: the leader sends
	}
	now := s.now()
	claimed, err := s.Store.ClaimOutboxInTerm(e.OrgID, e.ID, now, now.Add(timeout+leaseMargin), term)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return notClaimed, nil
	} else if err != nil {
		return notClaimed, fmt.Errorf("notify: claim outbox entry %s: %w", e.ID, err)
	}
	if err := s.stillLeading(term); err != nil {
		// Deposed since the claim: the newer leader takes the entry back (the lease
		// names an older term) and sends it, with the same idempotency key; this node
		// must not.
		s.logger().Warn("outbox: not sending, this node no longer leads the term it claimed the entry in",
			"entry_id", e.ID, "term", term, "error", err)
		return notClaimed, nil
	}
	att, sendErr := s.attempt(ctx, claimed, timeout)
	return s.record(claimed, att, sendErr)
}

// attempt decodes the notification, resolves its sender and sends it once within timeout.
// A panicking sender is a failed (transient) attempt, not a crashed appliance.
func (s *OutboxSender) attempt(ctx context.Context, e *store.OutboxEntry, timeout time.Duration) (att Attempt, err error) {
	var n Notification
	if err := json.Unmarshal(e.Notification, &n); err != nil {
		return Attempt{Permanent: true}, fmt.Errorf("notify: undecodable notification: %w", err)
	}
	if n.ID == "" {
		n.ID = e.ID // the idempotency key receivers dedupe by: stable across retries
	}
	sender, err := s.Resolve(e)
	if err != nil {
		var de *DeliveryError
		if errors.As(err, &de) {
			return de.Attempt, err
		}
		return Attempt{Permanent: true}, err
	}
	defer func() {
		if p := recover(); p != nil {
			att, err = Attempt{}, fmt.Errorf("notify: %s sender panicked: %v", e.Kind, p)
		}
	}()
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	att, err = sender.Send(actx, &n)
	var de *DeliveryError
	if errors.As(err, &de) {
		att = de.Attempt // the error carries the attempt's details (the contract)
	}
	return att, err
}

// record stores the outcome of an attempt: delivered, retried later, or dead-lettered.
// When the store fails the outcome is retrying: the entry's state is unknown, so its
// destination waits for the lease to run out rather than risk overtaking it.
func (s *OutboxSender) record(e *store.OutboxEntry, att Attempt, sendErr error) (outcome, error) {
	at := s.now()
	log := store.DeliveryLog{Attempt: e.Attempts + 1, At: at, StatusCode: att.StatusCode, Response: att.Response}
	if sendErr == nil {
		if err := s.Store.CompleteOutbox(e.OrgID, e.ID, log); err != nil {
			// Sent but not recorded: the lease expires and the entry goes again with the
			// same idempotency key (the documented duplicate window).
			return retrying, fmt.Errorf("notify: record delivery of %s: %w", e.ID, err)
		}
		if s.OnDelivered != nil {
			s.OnDelivered(e.OrgID, e.Kind, e.TargetID, at)
		}
		return delivered, nil
	}
	msg := sendErr.Error()
	log.Error = msg
	var err error
	result := retrying
	switch {
	case att.Permanent || e.Attempts+1 >= orDefault(s.MaxAttempts, 10) || s.tooOld(e, at):
		log.Outcome = store.DeliveryDead
		if att.Permanent {
			log.Outcome = store.DeliveryPermanent
		}
		if err = s.Store.DeadLetter(e.OrgID, e.ID, log, msg); err == nil {
			result = deadLettered
			s.logger().Warn("notification dead-lettered", "org_id", e.OrgID, "kind", e.Kind,
				"target_id", e.TargetID, "entry_id", e.ID, "outcome", log.Outcome, "attempts", e.Attempts+1, "error", msg)
			if s.OnPermanent != nil {
				s.OnPermanent(e.OrgID, e.Kind, e.TargetID, msg)
			}
		}
	default:
		next := at.Add(s.backoff(e.Attempts))
		if att.RetryAfter > 0 {
			if honoured := at.Add(min(att.RetryAfter, maxRetryAfter)); honoured.After(next) {
				next = honoured
			}
		}
		err = s.Store.RescheduleOutbox(e.OrgID, e.ID, next, log, msg, att.StatusCode)
	}
	if err != nil {
		return retrying, fmt.Errorf("notify: record failed delivery of %s: %w", e.ID, err)
	}
	return result, nil
}

// tooOld reports whether e has waited longer than MaxAge since it was queued.
func (s *OutboxSender) tooOld(e *store.OutboxEntry, at time.Time) bool {
	return at.Sub(e.CreatedAt) >= orDefault(s.MaxAge, 24*time.Hour)
}

// backoff is the delay before the retry that follows failure number failed+1: capped
// exponential with full jitter, min(MaxBackoff, BaseBackoff·2^failed) · U[0.5, 1).
func (s *OutboxSender) backoff(failed int) time.Duration {
	return backoff.Delay(orDefault(s.BaseBackoff, 5*time.Second), orDefault(s.MaxBackoff, time.Hour), failed, s.random())
}

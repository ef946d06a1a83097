package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertifypro/alertifypro/store"
)

// OutboxSender is the worker that delivers the durable outbox (SPEC §3.11 "Delivery",
// §3.15): every due entry is claimed, sent with a per-attempt timeout, and then completed,
// rescheduled with capped exponential backoff and full jitter (never earlier than the
// destination's Retry-After), or dead-lettered (a permanent refusal, or MaxAttempts used).
//
// What "a restart loses nothing and sends nothing twice" means here: delivery is
// at-least-once with an idempotency key. An entry leaves the outbox only in the
// transaction that records its successful send, so nothing is lost. Before sending, the
// entry is leased (store.ClaimOutbox moves it to now + AttemptTimeout + a margin), so a
// sender that dies mid-send leaves an entry that is retried only after the lease, never
// by two senders at once — on a cluster, by the next term's leader at once, the deposed
// leader being fenced (fence.go). The one window for a duplicate is a crash (or a failed commit)
// between the destination accepting the message and CompleteOutbox committing; the retry
// then carries the same Notification.ID (= the entry ID: X-AlertifyPro-Delivery,
// PagerDuty dedup_key, Matrix txn id), by which receivers drop it.
//
// Order: each destination (organization + kind + target) receives its entries in the
// order they were created, across retries and restarts. An entry is not attempted while
// an older one for its destination is queued, leased or waiting for a retry (the store
// enforces it: DueOutbox, ClaimOutbox), so PagerDuty never gets a resolve before the
// trigger that is still being retried. A dead-lettered entry stops holding its
// destination back. Destinations never wait for each other.
type OutboxSender struct {
	Store *store.DB
	// Resolve builds the sender of an entry's destination (opening the channel's sealed
	// config). Its error is treated as permanent (channel deleted, disabled, bad config)
	// unless it is a *DeliveryError with Permanent false.
	Resolve        func(e *store.OutboxEntry) (Sender, error)
	Now            func() time.Time // clock for due times and logs; default time.Now
	Logger         *slog.Logger     // nil discards
	Poll           time.Duration    // how often Run looks for due entries; default 1s
	Concurrency    int              // attempts in flight at once; default 8
	AttemptTimeout time.Duration    // bound of one attempt; default 15s
	MaxAttempts    int              // attempts before dead-lettering; default 10
	BaseBackoff    time.Duration    // first retry delay; default 5s
	MaxBackoff     time.Duration    // retry delay cap; default 1h
	// MaxAge bounds how long a notification keeps being retried: an entry that fails when
	// it is older than this is dead-lettered at once; default 24h. Without it, entries
	// queued behind a destination that stays down (they wait for their head, in order)
	// would each start a fresh round of MaxAttempts when their turn came, and a long
	// queue would take days to give up; with it, once the outage is older than MaxAge the
	// backlog drains at one attempt per entry, all of it replayable from dead letters.
	MaxAge time.Duration
	// OnPermanent is told when an entry is dead-lettered (a permanent error, or
	// MaxAttempts reached), so the channel's last_error can be set.
	OnPermanent func(orgID, kind, targetID, err string)
	// OnDelivered is told after each successful delivery (the channel's last_delivery_at).
	OnDelivered func(orgID, kind, targetID string, at time.Time)
	// Doorbell wakes Run at once (Wake rings it); nil: a doorbell of its own.
	Doorbell *Doorbell
	// Fence, on a node of a cluster (SPEC §9), lets only the leader send, and only in the
	// term it claimed the entry in (fence.go); nil: a single node, which always may.
	Fence Fence

	// releasedTerm is the last term in which this sender released the leases of earlier
	// terms (releaseOlderLeases).
	releasedTerm atomic.Uint64

	bellOnce sync.Once
	bell     *Doorbell
	jitter   func() float64 // uniform in [0,1); nil is math/rand/v2 (tests fix it)
}

// dueBatch is how many due entries one pass takes; a full batch makes Run go again at once.
const dueBatch = 100

// leaseMargin is added to AttemptTimeout for the lease, covering the commit after the send.
const leaseMargin = 30 * time.Second

// Run delivers due entries every Poll, and at once after Wake, until ctx is done. A pass
// that fails is logged and retried at the next tick; Run returns nil on cancellation.
func (s *OutboxSender) Run(ctx context.Context) error {
	ticker := time.NewTicker(orDefault(s.Poll, time.Second))
	defer ticker.Stop()
	for {
		n, err := s.DeliverDue(ctx)
		if err != nil {
			s.logger().Error("outbox delivery pass failed", "error", err)
		}
		if n >= dueBatch && ctx.Err() == nil {
			continue // a backlog: take the next batch without waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		case <-s.doorbell().c:
		}
	}
}

// Wake makes Run deliver now rather than at the next tick (call it after an enqueue
// commits). It never blocks.
func (s *OutboxSender) Wake() { s.doorbell().Ring() }

// doorbell is Doorbell, or the sender's own when none was given.
func (s *OutboxSender) doorbell() *Doorbell {
	s.bellOnce.Do(func() {
		s.bell = s.Doorbell
		if s.bell == nil {
			s.bell = NewDoorbell()
		}
	})
	return s.bell
}

// Doorbell wakes an outbox sender at once instead of at its next poll: what queues a
// notification rings it after its commit. It is a value of its own because the first of
// those, the alert state machine that runs inside the store's transactions, is built
// before the store that the sender reads.
type Doorbell struct{ c chan struct{} }

// NewDoorbell returns a doorbell nobody has rung.
func NewDoorbell() *Doorbell { return &Doorbell{c: make(chan struct{}, 1)} }

// Ring wakes the sender; it never blocks, and rings before the sender looks coalesce.
func (d *Doorbell) Ring() {
	select {
	case d.c <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// DeliverDue makes one pass: it attempts up to 100 entries due now, at most Concurrency at
// once (destinations in parallel), and returns how many it attempted. The entries of one
// destination go one after the other in creation order, and the first that fails and is
// rescheduled (or is not claimed) ends that destination's turn in this pass, so "fired"
// is not overtaken by "resolved"; a dead-lettered one lets the next go. Failed deliveries
// are not errors (they are rescheduled or dead-lettered); the error joins the store
// failures of the pass.
func (s *OutboxSender) DeliverDue(ctx context.Context) (int, error) {
	if err := s.releaseOlderLeases(); err != nil {
		return 0, err
	}
	due, err := s.Store.DueOutbox(s.now(), dueBatch)
	if err != nil {
		return 0, err
	}
	type destination struct{ org, kind, target string }
	var order []destination
	groups := map[destination][]*store.OutboxEntry{}
	for i := range due {
		d := destination{due[i].OrgID, due[i].Kind, due[i].TargetID}
		if groups[d] == nil {
			order = append(order, d)
		}
		groups[d] = append(groups[d], &due[i])
	}
	var (
		g         errgroup.Group
		attempted atomic.Int64
		mu        sync.Mutex
		errs      []error
	)
	g.SetLimit(max(1, orDefault(s.Concurrency, 8)))
	for _, d := range order {
		g.Go(func() error {
			for _, e := range groups[d] {
				if ctx.Err() != nil {
					return nil
				}
				result, err := s.deliver(ctx, e)
				if result.attempted() {
					attempted.Add(1)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				if !result.unblocks() {
					return nil // the rest wait for this one (a later pass)
				}
			}
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through errs
	return int(attempted.Load()), errors.Join(errs...)
}

func (s *OutboxSender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *OutboxSender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *OutboxSender) random() float64 {
	if s.jitter != nil {
		return s.jitter()
	}
	return rand.Float64()
}

// orDefault returns v, or def when v is zero or negative.
func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

package auditstream

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertifypro/alertifypro/backoff"
	"github.com/alertifypro/alertifypro/store"
)

// Streamer is the worker that delivers every organization's audit log to its enabled
// streams (leader-only on a cluster). For each stream it sends the entries after the
// stream's cursor, in commit order, up to BatchSize (and MaxBatchBytes) per request, and
// moves the cursor past them — a compare-and-set through the store's write path — only
// once the receiver accepted the request. A refused or failed request moves nothing: the
// same entries (and any that joined them) go again after a backoff, however long the
// receiver is down, so nothing is skipped and nothing is sent out of order.
//
// The one repeat: a crash, or a lost leadership, between the receiver's acceptance and the
// cursor's commit sends that batch again. Every event carries its entry's ID (Elastic's
// _id, so Elasticsearch refuses the copy itself; the webhook's X-AlertifyPro-Delivery is
// the same for the same batch): delivery is at-least-once with an idempotency key.
type Streamer struct {
	Store     *store.DB
	Transport *Transport
	Now       func() time.Time // clock of states and backoff; default time.Now
	Logger    *slog.Logger     // nil discards
	Poll      time.Duration    // how often Run looks for due streams; default 1s
	// BatchSize and MaxBatchBytes bound one request: entries, and their stored size.
	BatchSize     int // default 100
	MaxBatchBytes int // default 512 KiB
	Concurrency   int // streams sending at once; default 4
	// BaseBackoff is the first retry's delay, doubling per failure up to MaxBackoff; a
	// receiver's Retry-After is honoured when longer.
	BaseBackoff time.Duration // default 1s
	MaxBackoff  time.Duration // default 5 min

	jitter func() float64 // uniform in [0,1); nil is math/rand/v2
}

// Run delivers every Poll, and again at once while a stream has a full batch waiting,
// until ctx is done. A pass that fails is logged; Run returns nil on cancellation.
func (s *Streamer) Run(ctx context.Context) error {
	ticker := time.NewTicker(orDuration(s.Poll, time.Second))
	defer ticker.Stop()
	for {
		full, err := s.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger().Error("audit streaming pass failed", "error", err)
		}
		if full > 0 && ctx.Err() == nil {
			continue // a backlog: the next batch without waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// DeliverDue makes one pass: every due stream sends one batch, Concurrency at a time. It
// returns how many accepted batches were full (more is waiting behind them). Receiver
// failures are not errors (they are recorded on the stream); the error joins the store
// failures of the pass.
func (s *Streamer) DeliverDue(ctx context.Context) (int, error) {
	due, err := s.Store.DueAuditStreams(s.now())
	if err != nil {
		return 0, err
	}
	var (
		g    errgroup.Group
		full atomic.Int64
		mu   sync.Mutex
		errs []error
	)
	g.SetLimit(orInt(s.Concurrency, 4))
	for i := range due {
		g.Go(func() error {
			wasFull, err := s.deliverBatch(ctx, &due[i])
			if wasFull {
				full.Add(1)
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return int(full.Load()), errors.Join(errs...)
}

// deliverBatch sends the entries after st's cursor and records the outcome; full says the
// batch was accepted and as large as allowed.
func (s *Streamer) deliverBatch(ctx context.Context, st *store.AuditStream) (full bool, err error) {
	limit := orInt(s.BatchSize, 100)
	from := st.State.Cursor
	batch, last, err := s.Store.AuditAfter(st.OrgID, from, limit, orInt(s.MaxBatchBytes, 512<<10))
	if err != nil {
		return false, err
	}
	if len(batch) == 0 {
		if last > from { // only rows whose entries are gone: step over them
			return false, ignoreConflict(s.Store.AdvanceAuditStream(st.OrgID, st.ID, from, last, 0, s.now(), 0))
		}
		return false, nil
	}
	org, err := s.Store.Organization(st.OrgID)
	if err != nil {
		return false, ignoreNotFound(err) // deleted meanwhile
	}
	ref := Org{ID: org.ID, Name: org.Name}
	events := make([]Event, len(batch))
	for i := range batch {
		events[i] = NewEvent(ref, &batch[i].Entry)
	}
	res := s.Transport.Deliver(ctx, st, ref, events)
	if ctx.Err() != nil && res.Err != nil {
		return false, nil // shutting down: the outcome is unknown, the cursor stays
	}
	// An accepted batch is committed even while shutting down (the store's write does not
	// depend on ctx): leaving the cursor would send it again after the restart.
	now := s.now()
	if res.Err == nil {
		err := s.Store.AdvanceAuditStream(st.OrgID, st.ID, from, last, len(batch), now, res.Status)
		return len(batch) == limit && err == nil, ignoreConflict(err)
	}
	delay := s.backoff(st.State.Failures + 1)
	delay = max(delay, res.RetryAfter)
	s.logger().Warn("audit stream delivery failed", "org_id", st.OrgID, "stream_id", st.ID, "type", st.Type,
		"entries", len(batch), "status", res.Status, "error", res.Err, "retry_in", delay)
	return false, ignoreConflict(s.Store.FailAuditStream(st.OrgID, st.ID, from, now, now.Add(delay), res.Err.Error(), res.Status))
}

// backoff is the delay before attempt n+1 after n failures: BaseBackoff·2^(n-1), capped
// at MaxBackoff, the upper half jittered so streams that failed together spread out.
func (s *Streamer) backoff(failures int) time.Duration {
	r := rand.Float64
	if s.jitter != nil {
		r = s.jitter
	}
	return backoff.Delay(orDuration(s.BaseBackoff, time.Second), orDuration(s.MaxBackoff, 5*time.Minute), failures-1, r())
}

// ignoreConflict drops the ErrConflict of a cursor another sender moved (or a stream
// deleted meanwhile): the next pass starts from the stored state.
func ignoreConflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return ignoreNotFound(err)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func (s *Streamer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Streamer) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func orDuration(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

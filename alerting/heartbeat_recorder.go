package alerting

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/alertifypro/alertifypro/store"
)

// ErrPingRecorderClosed is returned by Record once the recorder is shutting down.
var ErrPingRecorderClosed = errors.New("ping recorder closed")

// Default sizes of a PingRecorder.
const (
	defaultPingBatch = 2048
	defaultPingQueue = 8192
)

// PingRecorder commits heartbeat pings with greedy group commit (SPEC §4.3, §6): one
// goroutine (Run) takes the first queued ping, drains whatever else is queued (up to
// MaxBatch), commits the group with one store.RecordPings — one write transaction, one
// fsync — and only then acknowledges each waiting request. Under light load a ping commits
// alone at once; under heavy load groups grow and fsyncs stay few. There is no timer. The
// queue is bounded: when it is full, Record waits (back-pressure on the HTTP handlers).
type PingRecorder struct {
	store     *store.DB
	logger    *slog.Logger
	deadlines *DeadlineCache
	maxBatch  int
	queue     chan pendingPing
	stopping  chan struct{} // closed when Run starts shutting down; unblocks waiting senders

	mu     sync.RWMutex // senders hold it shared while sending; shutdown takes it to close
	closed bool
}

type pendingPing struct {
	item store.PingItem
	done chan error
}

// NewPingRecorder builds a recorder over db; logger may be nil.
func NewPingRecorder(db *store.DB, logger *slog.Logger) *PingRecorder {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &PingRecorder{store: db, logger: logger, deadlines: NewDeadlineCache(), maxBatch: defaultPingBatch,
		queue: make(chan pendingPing, defaultPingQueue), stopping: make(chan struct{})}
}

// Record queues one ping and returns once its group is committed (nil) or failed. A ping
// is acknowledged only after its commit. After shutdown began it returns
// ErrPingRecorderClosed at once. Run must be running.
func (r *PingRecorder) Record(item store.PingItem) error {
	p := pendingPing{item: item, done: make(chan error, 1)}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return ErrPingRecorderClosed
	}
	select {
	case r.queue <- p:
	case <-r.stopping:
		r.mu.RUnlock()
		return ErrPingRecorderClosed
	}
	r.mu.RUnlock()
	return <-p.done
}

// Run commits groups until ctx ends, then refuses new pings, commits every queued one and
// returns nil (after the HTTP server's in-flight pings, if it drains first).
func (r *PingRecorder) Run(ctx context.Context) error {
	batch := make([]pendingPing, 0, r.maxBatch)
	items := make([]store.PingItem, 0, r.maxBatch)
	for {
		select {
		case <-ctx.Done():
			r.shutdown(batch, items)
			return nil
		case first := <-r.queue:
			batch = r.drain(append(batch[:0], first))
			r.commit(batch, items)
		}
	}
}

// drain appends whatever is already queued, up to maxBatch, without waiting.
func (r *PingRecorder) drain(batch []pendingPing) []pendingPing {
	for len(batch) < r.maxBatch {
		select {
		case p := <-r.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// commit writes one group and answers each of its waiting requests.
func (r *PingRecorder) commit(batch []pendingPing, items []store.PingItem) {
	items = items[:0]
	for _, p := range batch {
		items = append(items, p.item)
	}
	err := r.store.RecordPings(items, r.deadlines.Deadline)
	// Each waiting request answers with err. A full disk is logged by the store, once per
	// episode; logging it here too would be a line per group for as long as it lasts.
	if err != nil && !errors.Is(err, store.ErrDiskFull) {
		r.logger.Error("heartbeat pings not recorded", "count", len(items), "error", err)
	}
	for _, p := range batch {
		p.done <- err
	}
}

// shutdown stops new pings (waking senders blocked on a full queue), then commits
// everything already queued.
func (r *PingRecorder) shutdown(batch []pendingPing, items []store.PingItem) {
	close(r.stopping)
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	// Every sender has either queued its ping or given up; nothing is sent any more.
	for {
		batch = r.drain(batch[:0])
		if len(batch) == 0 {
			return
		}
		r.commit(batch, items)
	}
}

package monitor

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Recorded is one result on its way to the store.
type Recorded struct {
	OrgID     string
	ServiceID string
	Result    Result
}

// ErrRecorderClosed is returned by Record after Close.
var ErrRecorderClosed = errors.New("recorder closed")

// DefaultLinger is how long the engine's recorder holds a group open for results of
// checks still running (Recorder.Linger): long enough for the checks of one dispatch tick
// against nearby targets to finish, short enough that a result's acknowledgement (linger,
// then the commit) stays well within SPEC §6's 100 ms at p99.
const DefaultLinger = 25 * time.Millisecond

// Recorder commits results in groups (SPEC §4.3): one goroutine takes the first queued
// result, drains whatever else is queued (up to MaxBatch), commits the whole group in one
// write transaction and only then acknowledges each result.
//
// A group stays open a little longer while checks that will record are still running
// (announce): up to Linger after its first result arrived, until the last of them
// arrived, or until it holds lingerFull results, whichever is first. The scheduler
// starts the checks due together (its dispatch tick), so their results, which come in
// within milliseconds of each other, share one commit and one fsync instead of paying
// one each. A result nobody else is expected to join commits at once, and a check-now
// result (RecordNow) closes its group at once, so neither waits for the linger.
type Recorder struct {
	commit   func(batch []Recorded) error
	maxBatch int
	queue    chan pending
	// Linger bounds how long a group waits for announced results, counted from its
	// first result's arrival; 0 commits greedily (drain what is queued, commit). Set
	// before Run.
	Linger time.Duration
	// latency observes each result's time from Record to its commit; nil: not measured.
	latency *histogram
	// coming counts results announced by checks that are running and not yet queued.
	coming atomic.Int64

	mu     sync.RWMutex
	closed bool
}

type pending struct {
	item   Recorded
	done   chan error
	at     time.Time // queued
	urgent bool      // closes its group at once (check now)
}

// NewRecorder builds a recorder that commits groups with commit (one write
// transaction per call). maxBatch ≤ 0 means 5 000. It lingers for nothing until
// Linger is set.
func NewRecorder(commit func(batch []Recorded) error, maxBatch int) *Recorder {
	if maxBatch <= 0 {
		maxBatch = 5000
	}
	return &Recorder{commit: commit, maxBatch: maxBatch, queue: make(chan pending, maxBatch)}
}

// Record queues one result and returns once its group is committed (nil) or
// failed. A result is acknowledged only after its commit.
func (r *Recorder) Record(item Recorded) error { return r.record(item, false) }

// RecordNow is Record for a result someone waits for (a check run now): its group
// commits as soon as what is queued is drained, without lingering.
func (r *Recorder) RecordNow(item Recorded) error { return r.record(item, true) }

// announce tells the recorder that n checks are starting whose results will come
// through recordAnnounced, so a group may wait for them (within Linger); a negative n
// takes back announced checks that did not start.
func (r *Recorder) announce(n int) { r.coming.Add(int64(n)) }

// recordAnnounced records the result of an announced check.
func (r *Recorder) recordAnnounced(item Recorded) error {
	// Counted down before it is queued: the recorder, woken by this very result, then
	// sees every announced result of the group queued, and commits without waiting.
	r.coming.Add(-1)
	return r.record(item, false)
}

func (r *Recorder) record(item Recorded, urgent bool) error {
	done := make(chan error, 1)
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return ErrRecorderClosed
	}
	r.queue <- pending{item: item, done: done, at: time.Now(), urgent: urgent}
	r.mu.RUnlock()
	return <-done
}

// Close stops accepting results; Run commits what is queued and returns.
// Call it after every producer (scheduler, API) has stopped.
func (r *Recorder) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
}

// Run commits groups until Close, then flushes the queue and returns.
func (r *Recorder) Run() error {
	batch := make([]pending, 0, r.maxBatch)
	items := make([]Recorded, 0, r.maxBatch)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for first := range r.queue {
		batch = r.gather(append(batch[:0], first), linger)
		items = items[:0]
		for _, p := range batch {
			items = append(items, p.item)
		}
		err := r.commit(items)
		for _, p := range batch {
			if r.latency != nil {
				r.latency.observe(time.Since(p.at))
			}
			p.done <- err
		}
		clear(batch) // drop the done channels and results until the next group
	}
	return nil
}

// lingerFull is the size at which a group stops waiting for announced results: the
// fixed cost of a commit (its fsync, the branch pages, the meta page) is then a small
// share per result, and waiting longer would only add to every result's acknowledgement.
// At high rates groups fill this fast, and results that arrive during a commit form the
// next group anyway (at 1 000 checks/s, lingering for a whole 250-check tick took the ack
// p99 past 100 ms).
const lingerFull = 64

// gather adds to batch what is queued and, while announced results are still to come,
// no result in it is urgent and it holds fewer than lingerFull, what arrives until the
// group's linger ends.
func (r *Recorder) gather(batch []pending, linger *time.Timer) []pending {
	urgent, waiting := batch[0].urgent, false
	defer func() {
		if waiting {
			linger.Stop()
		}
	}()
	for len(batch) < r.maxBatch {
		select {
		case p, ok := <-r.queue:
			if !ok {
				return batch
			}
			batch, urgent = append(batch, p), urgent || p.urgent
			continue
		default:
		}
		if urgent || r.Linger <= 0 || r.coming.Load() <= 0 || len(batch) >= lingerFull {
			return batch
		}
		if !waiting {
			left := r.Linger - time.Since(batch[0].at)
			if left <= 0 {
				return batch
			}
			linger.Reset(left)
			waiting = true
		}
		select {
		case p, ok := <-r.queue:
			if !ok {
				return batch
			}
			batch, urgent = append(batch, p), urgent || p.urgent
		case <-linger.C:
			waiting = false
			return batch
		}
	}
	return batch
}

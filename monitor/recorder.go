package monitor

import (
	"errors"
	"sync"
)

// Recorded is one result on its way to the store.
type Recorded struct {
	OrgID     string
	ServiceID string
	Result    Result
}

// ErrRecorderClosed is returned by Record after Close.
var ErrRecorderClosed = errors.New("recorder closed")

// Recorder commits results with greedy group commit (SPEC §4.3): one
// goroutine takes the first queued result, drains whatever else is already
// queued (up to MaxBatch), commits the whole group in one write transaction
// and only then acknowledges each result. Under light load a result commits
// alone at once; under heavy load groups grow and fsyncs stay few. There is
// no timer (unlike bbolt's db.Batch with its 10 ms delay).
type Recorder struct {
	commit   func(batch []Recorded) error
	maxBatch int
	queue    chan pending

	mu     sync.RWMutex
	closed bool
}

type pending struct {
	item Recorded
	done chan error
}

// NewRecorder builds a recorder that commits groups with commit (one write
// transaction per call). maxBatch ≤ 0 means 5 000.
func NewRecorder(commit func(batch []Recorded) error, maxBatch int) *Recorder {
	if maxBatch <= 0 {
		maxBatch = 5000
	}
	return &Recorder{commit: commit, maxBatch: maxBatch, queue: make(chan pending, maxBatch)}
}

// Record queues one result and returns once its group is committed (nil) or
// failed. A result is acknowledged only after its commit.
func (r *Recorder) Record(item Recorded) error {
	done := make(chan error, 1)
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return ErrRecorderClosed
	}
	r.queue <- pending{item: item, done: done}
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
	for first := range r.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < r.maxBatch {
			select {
			case p, ok := <-r.queue:
				if !ok {
					break drain
				}
				batch = append(batch, p)
			default:
				break drain
			}
		}
		items = items[:0]
		for _, p := range batch {
			items = append(items, p.item)
		}
		err := r.commit(items)
		for _, p := range batch {
			p.done <- err
		}
	}
	return nil
}

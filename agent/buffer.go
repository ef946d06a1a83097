package agent

import "sync"

// buffer holds the agent's results until the server has them (AGENT_BUFFER, SPEC §8): a
// FIFO of at most max results that, when full, drops the oldest and counts them, so an
// agent cut off from its server keeps its most recent history and says how much it lost.
// It is a ring that grows by doubling up to max, so an agent that is never cut off never
// holds the memory of a full buffer.
type buffer struct {
	mu      sync.Mutex
	ring    []Result
	head, n int
	max     int
	dropped uint64 // dropped since the last take
	total   uint64 // dropped in the agent's life
	ready   chan struct{}
}

func newBuffer(max int) *buffer {
	return &buffer{max: max, ready: make(chan struct{}, 1)}
}

// push appends r, dropping the oldest result when the buffer is full, and wakes a waiting
// sender.
func (b *buffer) push(r Result) {
	b.mu.Lock()
	if b.n == len(b.ring) && len(b.ring) < b.max {
		b.grow()
	}
	if b.n == len(b.ring) { // full at max: the oldest goes
		b.ring[b.head] = Result{}
		b.head = (b.head + 1) % len(b.ring)
		b.n--
		b.dropped++
		b.total++
	}
	b.ring[(b.head+b.n)%len(b.ring)] = r
	b.n++
	b.mu.Unlock()
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

// grow doubles the ring (at most to max), keeping the order.
func (b *buffer) grow() {
	size := min(max(2*len(b.ring), 64), b.max)
	ring := make([]Result, size)
	for i := range b.n {
		ring[i] = b.ring[(b.head+i)%len(b.ring)]
	}
	b.ring, b.head = ring, 0
}

// take removes and returns up to limit of the oldest results, with how many were dropped
// since the previous take.
func (b *buffer) take(limit int) (out []Result, dropped uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := min(limit, b.n)
	out = make([]Result, k)
	for i := range k {
		j := (b.head + i) % len(b.ring)
		out[i], b.ring[j] = b.ring[j], Result{}
	}
	if k > 0 {
		b.head = (b.head + k) % len(b.ring)
		b.n -= k
	}
	dropped, b.dropped = b.dropped, 0
	return out, dropped
}

// len is how many results wait.
func (b *buffer) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

// droppedTotal is how many results the buffer has dropped in the agent's life.
func (b *buffer) droppedTotal() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}

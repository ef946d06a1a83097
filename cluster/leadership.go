package cluster

import (
	"context"
	"sync"
)

// Leadership follows whether this node leads the cluster, for the work only the leader
// does (SPEC §9: scheduling, recording, alerting, sending, the janitor, deadlines). Await
// blocks until the node leads and returns a context that ends when it stops leading, so a
// worker runs exactly while its node leads.
type Leadership struct {
	mu      sync.Mutex
	leading bool
	term    context.Context    // while leading: ends when leadership is lost
	end     context.CancelFunc // ends term
	changed chan struct{}      // closed and replaced at every change
}

func newLeadership() *Leadership {
	return &Leadership{changed: make(chan struct{})}
}

// set records whether the node leads now.
func (l *Leadership) set(leading bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if leading == l.leading {
		return
	}
	l.leading = leading
	if leading {
		l.term, l.end = context.WithCancel(context.Background())
	} else {
		l.end()
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// Leading reports whether the node leads now.
func (l *Leadership) Leading() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leading
}

// Await waits until the node leads (or ctx ends: then it returns ctx's error) and returns
// a context derived from ctx that is cancelled as soon as the node stops leading; call
// stop when done with it.
func (l *Leadership) Await(ctx context.Context) (lctx context.Context, stop context.CancelFunc, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err // even while leading: the caller is done
		}
		l.mu.Lock()
		leading, term, changed := l.leading, l.term, l.changed
		l.mu.Unlock()
		if leading {
			lctx, cancel := context.WithCancel(ctx)
			unhook := context.AfterFunc(term, cancel)
			return lctx, func() { unhook(); cancel() }, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

// WhileLeading runs run for as long as ctx lasts, each time the node leads, with a
// context that ends when it stops; it returns nil when ctx ends, or the first error run
// returns while still leading (a failure, not a loss of leadership). A run that returns nil
// while leading is not run again before the node's next term.
func (l *Leadership) WhileLeading(ctx context.Context, run func(ctx context.Context) error) error {
	for {
		lctx, stop, err := l.Await(ctx)
		if err != nil {
			return nil
		}
		err = run(lctx)
		if lctx.Err() == nil {
			if err != nil {
				stop()
				return err
			}
			<-lctx.Done() // run is done for this term: not again before the next one
		}
		stop()
	}
}

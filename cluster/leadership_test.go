package cluster

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Work run WhileLeading starts when the node starts leading, is stopped (its context
// ends) as soon as it stops, starts again on the next term, and ends with the caller's
// context; a failure while leading is returned, not retried.
func TestWhileLeadingFollowsLeadership(t *testing.T) {
	l := newLeadership()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{}, 4)
	stopped := make(chan struct{}, 4)
	done := make(chan error, 1)
	go func() {
		done <- l.WhileLeading(ctx, func(ctx context.Context) error {
			started <- struct{}{}
			<-ctx.Done()
			stopped <- struct{}{}
			return ctx.Err()
		})
	}()
	expect := func(ch chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(2 * time.Second):
			t.Fatalf("the work was not %s", what)
		}
	}
	quiet := func(ch chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
			t.Fatalf("the work was %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
	quiet(started, "started on a follower")
	l.set(true)
	expect(started, "started on leading")
	l.set(false)
	expect(stopped, "stopped on losing leadership")
	quiet(started, "started again without leadership")
	l.set(true)
	expect(started, "started on the next term")
	cancel()
	expect(stopped, "stopped with the caller's context")
	if err := <-done; err != nil {
		t.Fatalf("WhileLeading: %v", err)
	}

	failure := errors.New("broken")
	l2 := newLeadership()
	l2.set(true)
	if err := l2.WhileLeading(context.Background(), func(context.Context) error { return failure }); !errors.Is(err, failure) {
		t.Fatalf("a failure while leading: %v", err)
	}
}

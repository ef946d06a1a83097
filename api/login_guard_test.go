package api

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestFixedWindowsStayBounded: a flood of distinct keys never grows the set
// past maxKeys, and keys that block something survive eviction.
func TestFixedWindowsStayBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newFixedWindows(3, time.Minute, 10)
	for range 3 {
		f.hit("locked", now)
	}
	for i := range 1000 {
		f.hit(fmt.Sprintf("k%d", i), now)
		if len(f.entries) > 10 {
			t.Fatalf("%d keys after %d hits, cap 10", len(f.entries), i+1)
		}
	}
	if _, blocked := f.blockedUntil("locked", now); !blocked {
		t.Fatal("eviction dropped a blocking key while non-blocking ones existed")
	}
	f.prune(now.Add(time.Minute))
	if len(f.entries) != 0 {
		t.Fatalf("%d keys survive the end of their window", len(f.entries))
	}
}

// TestLoginGuardSweepsExpired: the periodic sweep drops ended windows even
// for keys never seen again.
func TestLoginGuardSweepsExpired(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newLoginGuard(clock.Now)
	for i := range 100 {
		if _, err := g.beginLogin(fmt.Sprintf("10.0.0.%d", i), fmt.Sprintf("u%d@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(loginWindow)
	for range guardPruneInterval {
		if _, err := g.beginRegistration("10.9.9.9"); err != nil {
			clock.Advance(registerWindow) // stay under the registration limit
		}
	}
	if n := len(g.byIP.entries) + len(g.byAccount.entries); n != 0 {
		t.Fatalf("%d expired login windows kept", n)
	}
}

// TestLoginGuardConcurrentReservations: many simultaneous attempts on one
// account get exactly the limit through, never more (the check and the
// count are one step).
func TestLoginGuardConcurrentReservations(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newLoginGuard(clock.Now)
	var mu sync.Mutex
	passed := 0
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			if _, err := g.beginLogin(fmt.Sprintf("10.1.%d.%d", i/250, i%250), "victim@example.com"); err == nil {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != loginAttemptLimit {
		t.Fatalf("%d attempts passed, want %d", passed, loginAttemptLimit)
	}
}

package crypto

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testCost keeps the suite fast; the timing test picks its own cost.
const testCost = bcrypt.MinCost

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		p    string
		ok   bool
	}{
		{"empty", "", false},
		{"7 bytes", "1234567", false},
		{"8 bytes", "12345678", true},
		{"72 bytes", strings.Repeat("a", 72), true},
		{"73 bytes", strings.Repeat("a", 73), false},
		// Length is bytes, not characters: é is two bytes.
		{"4 two-byte runes", "éééé", true},
		{"36 two-byte runes", strings.Repeat("é", 36), true},
		{"37 two-byte runes", strings.Repeat("é", 37), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.p)
			if tt.ok && err != nil {
				t.Fatalf("ValidatePassword(%d bytes) = %v, want nil", len(tt.p), err)
			}
			if !tt.ok && !errors.Is(err, ErrPasswordLength) {
				t.Fatalf("ValidatePassword(%d bytes) = %v, want ErrPasswordLength", len(tt.p), err)
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := NewPasswordHasher(testCost)
	hash, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != testCost {
		t.Fatalf("bcrypt.Cost(hash) = %d, %v; want %d", cost, err, testCost)
	}
	if !h.Verify(ctx, hash, "correct horse") {
		t.Error("Verify rejected the right password")
	}
	for _, wrong := range []string{"correct horsE", "correct horse ", "", "wrong password"} {
		if h.Verify(ctx, hash, wrong) {
			t.Errorf("Verify accepted %q", wrong)
		}
	}
	again, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if again == hash {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestHashRejectsBadLength(t *testing.T) {
	h := NewPasswordHasher(testCost)
	for _, p := range []string{"", "short", strings.Repeat("x", 73)} {
		if _, err := h.Hash(context.Background(), p); !errors.Is(err, ErrPasswordLength) {
			t.Errorf("Hash(%d bytes) error = %v, want ErrPasswordLength", len(p), err)
		}
	}
}

// bcrypt reads only 72 bytes: without the length check a 73-byte password
// sharing the first 72 bytes would match.
func TestVerifyNeverTruncates(t *testing.T) {
	ctx := context.Background()
	h := NewPasswordHasher(testCost)
	p72 := strings.Repeat("p", 72)
	hash, err := h.Hash(ctx, p72)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Verify(ctx, hash, p72) {
		t.Fatal("Verify rejected the 72-byte password")
	}
	if h.Verify(ctx, hash, p72+"x") {
		t.Fatal("Verify accepted a 73-byte password whose first 72 bytes match")
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h := NewPasswordHasher(testCost)
	for _, hash := range []string{"", "not a hash", "$2a$04$short"} {
		if h.Verify(context.Background(), hash, "password1") {
			t.Errorf("Verify(%q) = true", hash)
		}
	}
}

func TestNewPasswordHasherRejectsBadCost(t *testing.T) {
	for _, cost := range []int{0, bcrypt.MinCost - 1, bcrypt.MaxCost + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewPasswordHasher(%d) did not panic", cost)
				}
			}()
			NewPasswordHasher(cost)
		}()
	}
}

func TestDummyHashHasHasherCost(t *testing.T) {
	for _, cost := range []int{4, 5} {
		h := NewPasswordHasher(cost)
		if got, err := bcrypt.Cost(h.dummyHash); err != nil || got != cost {
			t.Errorf("dummy hash cost = %d, %v; want %d", got, err, cost)
		}
	}
}

// TestRefusalTiming checks that refusing an unknown e-mail (VerifyDummy), a
// wrong password, an over-long password and a malformed hash all cost a real
// bcrypt comparison. Minimum-of-N timings resist noise from other processes,
// which only ever add time; a path that skipped bcrypt would be ~1000x faster.
func TestRefusalTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	ctx := context.Background()
	h := NewPasswordHasher(6)
	hash, err := h.Hash(ctx, "the real password")
	if err != nil {
		t.Fatal(err)
	}
	minOf := func(f func()) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 5 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	known := minOf(func() { h.Verify(ctx, hash, "a wrong password") })
	paths := map[string]func(){
		"VerifyDummy":        func() { h.VerifyDummy(ctx, "a wrong password") },
		"73-byte password":   func() { h.Verify(ctx, hash, strings.Repeat("x", 73)) },
		"too short password": func() { h.Verify(ctx, hash, "x") },
		"malformed hash":     func() { h.Verify(ctx, "", "a wrong password") },
	}
	for name, f := range paths {
		if got := minOf(f); got < known/4 {
			t.Errorf("%s took %v, a wrong password for a known user %v: timing reveals the path", name, got, known)
		}
	}
}

// fill takes every slot of h's semaphore and returns a function giving one back.
func fill(t *testing.T, h *PasswordHasher) (releaseOne func()) {
	t.Helper()
	for range cap(h.sem) {
		h.sem <- struct{}{}
	}
	return func() { <-h.sem }
}

func TestSemaphoreSizedToCPUs(t *testing.T) {
	if got := cap(NewPasswordHasher(testCost).sem); got != runtime.NumCPU() {
		t.Fatalf("semaphore size = %d, want runtime.NumCPU() = %d", got, runtime.NumCPU())
	}
}

func TestWaitingRespectsContext(t *testing.T) {
	h := NewPasswordHasher(testCost)
	hash, err := h.Hash(context.Background(), "password1")
	if err != nil {
		t.Fatal(err)
	}
	fill(t, h)

	// Each call gets its own short deadline so each one really waits.
	waitCtx := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	if _, err := h.Hash(waitCtx(), "password1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash with every slot busy = %v, want DeadlineExceeded", err)
	}
	if h.Verify(waitCtx(), hash, "password1") {
		t.Error("Verify returned true without doing the comparison")
	}
	done := make(chan struct{})
	go func() { h.VerifyDummy(waitCtx(), "password1"); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("VerifyDummy kept waiting after its context ended")
	}
}

func TestCancelledContextStartsNoWork(t *testing.T) {
	h := NewPasswordHasher(testCost)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "password1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with cancelled context = %v, want Canceled", err)
	}
	if n := len(h.sem); n != 0 {
		t.Fatalf("%d slots held after a cancelled Hash", n)
	}
}

func TestHashWaitsForFreeSlot(t *testing.T) {
	h := NewPasswordHasher(testCost)
	releaseOne := fill(t, h)
	type result struct {
		hash string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		hash, err := h.Hash(context.Background(), "password1")
		got <- result{hash, err}
	}()
	select {
	case r := <-got:
		t.Fatalf("Hash ran while every slot was busy: %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	releaseOne()
	select {
	case r := <-got:
		if r.err != nil || !h.Verify(context.Background(), r.hash, "password1") {
			t.Fatalf("Hash after a slot freed = %q, %v", r.hash, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Hash still waiting after a slot was freed")
	}
}

package crypto

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/crypto/bcrypt"
)

// Password length bounds in bytes. bcrypt only reads the first 72 bytes, so a
// longer password is rejected rather than silently truncated.
const (
	minPasswordLen = 8
	maxPasswordLen = 72
)

// ErrPasswordLength reports a password outside 8..72 bytes.
var ErrPasswordLength = errors.New("password must be between 8 and 72 bytes")

// dummyPassword is hashed once per PasswordHasher to build the hash that
// VerifyDummy compares against. Its value is irrelevant: only the work matters.
const dummyPassword = "alertifypro-dummy-password"

// ValidatePassword reports ErrPasswordLength unless p is 8 to 72 bytes long.
// Length is counted in bytes, not characters, because that is what bcrypt
// reads.
func ValidatePassword(p string) error {
	if len(p) < minPasswordLen || len(p) > maxPasswordLen {
		return ErrPasswordLength
	}
	return nil
}

// PasswordHasher hashes and verifies passwords with bcrypt at a fixed cost.
// At most runtime.NumCPU() bcrypt computations run at once; further callers
// wait for a slot (or for their context to end), so a flood of logins queues
// instead of taking every core from the checks and the API.
type PasswordHasher struct {
	cost      int
	sem       chan struct{}
	dummyHash []byte
}

// NewPasswordHasher returns a hasher using the given bcrypt cost. It computes
// the dummy hash for VerifyDummy once, at that same cost. The cost must lie in
// bcrypt.MinCost..bcrypt.MaxCost; the configuration validates it first, so an
// out-of-range value is a programming error and panics (bcrypt would otherwise
// silently replace a low cost with its default).
func NewPasswordHasher(cost int) *PasswordHasher {
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		panic(fmt.Sprintf("crypto: bcrypt cost %d outside %d..%d", cost, bcrypt.MinCost, bcrypt.MaxCost))
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte(dummyPassword), cost)
	if err != nil {
		// Only a failing random source can get here; nothing can work then.
		panic(fmt.Sprintf("crypto: computing dummy bcrypt hash: %v", err))
	}
	return &PasswordHasher{
		cost:      cost,
		sem:       make(chan struct{}, runtime.NumCPU()),
		dummyHash: dummy,
	}
}

// Hash validates the password length and returns its bcrypt hash. It returns
// the context's error if ctx ends while waiting for a hashing slot.
func (h *PasswordHasher) Hash(ctx context.Context, password string) (string, error) {
	if err := ValidatePassword(password); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", fmt.Errorf("waiting to hash password: %w", err)
	}
	defer h.release()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), h.cost)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(hash), nil
}

// Verify reports whether password matches the bcrypt hash. A password of the
// wrong length or a malformed hash never matches, but still costs a full
// comparison against the dummy hash so the answer time does not depend on
// them. It returns false if ctx ends while waiting for a slot.
func (h *PasswordHasher) Verify(ctx context.Context, hash, password string) bool {
	if err := h.acquire(ctx); err != nil {
		return false
	}
	defer h.release()
	target, valid := []byte(hash), ValidatePassword(password) == nil
	if _, err := bcrypt.Cost(target); err != nil || !valid {
		// bcrypt itself would truncate a long password, and would fail fast
		// on a malformed hash: burn the same work and refuse.
		target, valid = h.dummyHash, false
	}
	err := bcrypt.CompareHashAndPassword(target, []byte(password))
	return valid && err == nil
}

// VerifyDummy performs the same work as Verify against a hash of the
// hasher's cost, and discards the result. The login handler calls it when no
// account has the given e-mail, so that known and unknown e-mails take equally
// long to refuse.
func (h *PasswordHasher) VerifyDummy(ctx context.Context, password string) {
	if err := h.acquire(ctx); err != nil {
		return
	}
	defer h.release()
	_ = bcrypt.CompareHashAndPassword(h.dummyHash, []byte(password)) // never matches usefully; only the time spent counts
}

// acquire takes a bcrypt slot, or returns ctx's error if ctx ends first.
func (h *PasswordHasher) acquire(ctx context.Context) error {
	// Checked first because select picks at random among ready cases, and a
	// cancelled request must not start an expensive hash.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *PasswordHasher) release() { <-h.sem }

package store

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestAuthChallengeUsedOnce: of many concurrent takes of one step exactly one gets it, and
// expired steps are swept when a new one is stored.
func TestAuthChallengeUsedOnce(t *testing.T) {
	db := openTestDB(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if err := db.PutAuthChallenge(&AuthChallenge{Digest: digestOf("a"), Purpose: ChallengeMFA, UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.TakeAuthChallenge(digestOf("a")); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if !errors.Is(err, ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d takes got the step", won)
	}
	if err := db.PutAuthChallenge(&AuthChallenge{Digest: digestOf("old"), Purpose: ChallengeMFA, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	later := now.Add(2 * time.Minute)
	if err := db.PutAuthChallenge(&AuthChallenge{Digest: digestOf("new"), Purpose: ChallengePasskeyLogin, CreatedAt: later, ExpiresAt: later.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthChallengeByDigest(digestOf("old")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired step kept: %v", err)
	}
	if ch, err := db.AuthChallengeByDigest(digestOf("new")); err != nil || ch.Purpose != ChallengePasskeyLogin {
		t.Fatalf("new step = %+v, %v", ch, err)
	}
}

// TestPasskeysPerAccount: a credential belongs to one account; an account sees, changes
// and removes only its own passkeys.
func TestPasskeysPerAccount(t *testing.T) {
	db := openTestDB(t)
	ada, _, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, _, _ := mustRegister(t, db, "bob@example.com", "Bob")
	p := &Passkey{ID: "01900000-0000-7000-8000-0000000000a1", UserID: ada.ID, Name: "Laptop", CredentialID: []byte("cred-1"), Credential: []byte(`{}`)}
	if err := db.AddPasskey(p, "", nil); err != nil {
		t.Fatal(err)
	}
	dup := &Passkey{ID: "01900000-0000-7000-8000-0000000000b1", UserID: bob.ID, Name: "Same key", CredentialID: []byte("cred-1"), Credential: []byte(`{}`)}
	if err := db.AddPasskey(dup, "", nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("the same credential for another account: %v", err)
	}
	if err := db.AddPasskey(&Passkey{ID: "x", UserID: "no-such-user", CredentialID: []byte("c2")}, "", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("passkey of a missing account: %v", err)
	}
	if keys, err := db.Passkeys(bob.ID); err != nil || len(keys) != 0 {
		t.Fatalf("bob's passkeys = %v, %v", keys, err)
	}
	if _, err := db.UpdatePasskey(bob.ID, p.ID, func(*Passkey) error { return nil }, "", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob updates ada's passkey: %v", err)
	}
	if _, err := db.DeletePasskey(bob.ID, p.ID, "", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob deletes ada's passkey: %v", err)
	}
	if _, err := db.DeletePasskey(ada.ID, p.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	// Removed, its credential may be registered again.
	if err := db.AddPasskey(dup, "", nil); err != nil {
		t.Fatalf("credential after removal: %v", err)
	}
}

// TestUserMFAFailedAttemptCommits: fn returning nil commits what it recorded (a failure),
// an error from fn writes nothing.
func TestUserMFAFailedAttemptCommits(t *testing.T) {
	db := openTestDB(t)
	ada, _, _ := mustRegister(t, db, "ada@example.com", "Ada")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if _, err := db.UpdateUserMFA(ada.ID, func(m *MFA) error { m.Failures = append(m.Failures, now); return nil }, "", nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("refused")
	if _, err := db.UpdateUserMFA(ada.ID, func(m *MFA) error { m.Failures = nil; m.TOTPSecret = []byte("x"); return boom }, "", nil); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	m, err := db.UserMFA(ada.ID)
	if err != nil || len(m.Failures) != 1 || m.TOTPEnabled() {
		t.Fatalf("record = %+v, %v", m, err)
	}
	if m, err := db.UserMFA("someone-else"); err != nil || m.TOTPEnabled() || len(m.Failures) != 0 {
		t.Fatalf("account without a record = %+v, %v", m, err)
	}
}

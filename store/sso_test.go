package store

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestRememberOnceAcceptsEachValueOnceUntilItExpires: of concurrent first uses exactly
// one wins; after its expiry the value is accepted again (the replay window is the
// assertion's own).
func TestRememberOnceAcceptsEachValueOnceUntilItExpires(t *testing.T) {
	db := openTestDB(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.RememberOnce("saml_assertion", digestOf("id-1"), now.Add(5*time.Minute), now)
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if !errors.Is(err, ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d uses accepted", won)
	}
	if err := db.RememberOnce("saml_assertion", digestOf("id-1"), now.Add(20*time.Minute), now.Add(10*time.Minute)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
}

// TestProvisionSSOMemberJoinsOnlyThatOrganization: a new e-mail gets an account without a
// password and one membership; an existing account joins; a member is left as is.
func TestProvisionSSOMemberJoinsOnlyThatOrganization(t *testing.T) {
	db := openTestDB(t)
	owner := &User{Email: "owner@acme.test", PasswordHash: "x"}
	org := &Organization{Name: "Acme", Slug: "acme"}
	if err := db.Register(owner, org, &Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	u, created, joined, err := db.ProvisionSSOMember(org.ID, &User{Email: "new@acme.test", PasswordHash: "injected"}, "admin", nil)
	if err != nil || !created || !joined || u.PasswordHash != "" || u.IsInstanceAdmin {
		t.Fatalf("new account: %+v created=%v joined=%v err=%v", u, created, joined, err)
	}
	orgs, _ := db.UserOrganizations(u.ID)
	if len(orgs) != 1 || orgs[0].Role != "admin" {
		t.Fatalf("organizations %+v", orgs)
	}
	again, created, joined, err := db.ProvisionSSOMember(org.ID, &User{Email: "NEW@acme.test"}, "viewer", nil)
	if err != nil || created || joined || again.ID != u.ID {
		t.Fatalf("second sign-in: created=%v joined=%v err=%v", created, joined, err)
	}
	if m, _ := db.Membership(org.ID, u.ID); m.Role != "admin" {
		t.Fatalf("a member's role changed to %s", m.Role)
	}
	if _, _, _, err := db.ProvisionSSOMember("no-such-org", &User{Email: "x@acme.test"}, "viewer", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown organization: %v", err)
	}
	if _, err := db.UserByEmail("x@acme.test"); !errors.Is(err, ErrNotFound) {
		t.Fatal("an account was made for an unknown organization")
	}
}

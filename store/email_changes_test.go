package store

import (
	"errors"
	"testing"
	"time"
)

func TestEmailChangeConfirmMovesTheIndex(t *testing.T) {
	db := openTestDB(t)
	ada, _, _ := mustRegister(t, db, "ada@example.com", "Ada")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ch := &EmailChange{UserID: ada.ID, NewEmail: "countess@example.com", Digest: digestOf("t1"), ExpiresAt: now.Add(time.Hour)}
	if err := db.RequestEmailChange(ch); err != nil {
		t.Fatal(err)
	}
	// Pending: the old address is in force, the new one is not indexed.
	if _, err := db.UserByEmail("countess@example.com"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pending address resolves: %v", err)
	}
	if u, err := db.UserByEmail("ada@example.com"); err != nil || u.ID != ada.ID || u.EmailConfirmed() {
		t.Fatalf("old address = %+v, %v", u, err)
	}
	if p, err := db.PendingEmailChange(ada.ID); err != nil || p.NewEmail != "countess@example.com" {
		t.Fatalf("PendingEmailChange = %+v, %v", p, err)
	}
	if _, err := db.EmailChangeByDigest(digestOf("t2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown digest = %v", err)
	}

	u, old, err := db.ConfirmEmailChange(digestOf("t1"), now, nil)
	if err != nil || old != "ada@example.com" || u.Email != "countess@example.com" || !u.EmailConfirmed() {
		t.Fatalf("ConfirmEmailChange = %+v, %q, %v", u, old, err)
	}
	if got, err := db.UserByEmail("COUNTESS@example.com"); err != nil || got.ID != ada.ID || !got.EmailConfirmed() {
		t.Fatalf("new address = %+v, %v", got, err)
	}
	if _, err := db.UserByEmail("ada@example.com"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old address still resolves: %v", err)
	}
	// Single use.
	if _, _, err := db.ConfirmEmailChange(digestOf("t1"), now, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second confirmation = %v", err)
	}
	assertBucketLen(t, db, bucketIdxUserEmail, 1)
	assertBucketLen(t, db, bucketIdxEmailChange, 0)
	assertBucketLen(t, db, bucketEmailChanges, 0)
}

func TestEmailChangeRequestRules(t *testing.T) {
	db := openTestDB(t)
	ada, _, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, _, _ := mustRegister(t, db, "bob@example.com", "Bob")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	req := func(userID, email, token string) error {
		return db.RequestEmailChange(&EmailChange{UserID: userID, NewEmail: email, Digest: digestOf(token), ExpiresAt: now.Add(time.Hour)})
	}
	if err := req(ada.ID, "BOB@example.com", "a0"); !errors.Is(err, ErrConflict) {
		t.Fatalf("another account's address = %v, want ErrConflict", err)
	}
	if err := req("nobody", "x@example.com", "a0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown account = %v, want ErrNotFound", err)
	}
	// A new request replaces the earlier one and kills its link.
	if err := req(ada.ID, "first@example.com", "a1"); err != nil {
		t.Fatal(err)
	}
	if err := req(ada.ID, "second@example.com", "a2"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ConfirmEmailChange(digestOf("a1"), now, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("replaced link = %v", err)
	}
	// Two accounts may wait for the same address: the first to confirm gets it, the
	// second finds it taken, its link used up and its account unchanged.
	if err := req(bob.ID, "second@example.com", "b1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ConfirmEmailChange(digestOf("b1"), now, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ConfirmEmailChange(digestOf("a2"), now, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("address taken meanwhile = %v, want ErrConflict", err)
	}
	if u, _ := db.User(ada.ID); u.Email != "ada@example.com" {
		t.Fatalf("ada changed to %s", u.Email)
	}
	if _, err := db.EmailChangeByDigest(digestOf("a2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("conflicting link not used up: %v", err)
	}
	// Expired links confirm nothing; Cancel drops only the change it names.
	if err := req(ada.ID, "late@example.com", "a3"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ConfirmEmailChange(digestOf("a3"), now.Add(time.Hour), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired link = %v", err)
	}
	if err := db.CancelEmailChange(bob.ID, digestOf("a3")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PendingEmailChange(ada.ID); err != nil {
		t.Fatalf("another account's cancel dropped ada's change: %v", err)
	}
	if err := db.CancelEmailChange(ada.ID, digestOf("a3")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PendingEmailChange(ada.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancelled change remains: %v", err)
	}
}

func TestAcceptingAnInvitationConfirmsTheAddress(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	grace, _, _ := mustRegister(t, db, "Grace@Example.com", "Grace")
	other, _, _ := mustRegister(t, db, "other@example.com", "Other")
	if grace.EmailConfirmed() {
		t.Fatal("a plain registration counts as confirmed")
	}
	for _, c := range []struct{ email, token string }{{"grace@example.com", "g"}, {"someone@example.com", "o"}} {
		if err := db.CreateInvitation(org.ID, &Invitation{Email: c.email, Role: "member", Digest: digestOf(c.token)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AcceptInvitation(digestOf("g"), grace.ID, nil); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(grace.ID); !u.EmailConfirmed() {
		t.Fatalf("invited address not confirmed: %+v", u)
	}
	// The store does not check whose invitation it is (the API does), but it confirms
	// only the address the invitation names.
	if _, err := db.AcceptInvitation(digestOf("o"), other.ID, nil); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(other.ID); u.EmailConfirmed() {
		t.Fatal("an invitation for another address confirmed this one")
	}
}

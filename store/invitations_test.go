package store

import (
	"crypto/sha256"
	"errors"
	"testing"
)

func digestOf(s string) []byte { d := sha256.Sum256([]byte(s)); return d[:] }

func TestInvitationLifecycle(t *testing.T) {
	db := openTestDB(t)
	owner, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")

	inv := &Invitation{Email: "new@example.com", Role: "responder", InvitedBy: owner.ID, Digest: digestOf("tok-1")}
	if err := db.CreateInvitation(org.ID, inv, nil); err != nil {
		t.Fatal(err)
	}
	// Resending to the same address replaces the first invitation.
	again := &Invitation{Email: "NEW@example.com", Role: "member", InvitedBy: owner.ID, Digest: digestOf("tok-2")}
	if err := db.CreateInvitation(org.ID, again, nil); err != nil {
		t.Fatal(err)
	}
	list, err := db.Invitations(org.ID)
	if err != nil || len(list) != 1 || list[0].ID != again.ID {
		t.Fatalf("Invitations = %+v, %v; want only the resent one", list, err)
	}
	if _, err := db.InvitationByDigest(digestOf("tok-1")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old token still valid: %v", err)
	}
	if got, err := db.InvitationByDigest(digestOf("tok-2")); err != nil || got.OrgID != org.ID {
		t.Fatalf("InvitationByDigest = %+v, %v", got, err)
	}
	// Tenant isolation: the other organization cannot see or revoke it.
	if err := db.DeleteInvitation(other.ID, again.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteInvitation from another org = %v, want ErrNotFound", err)
	}

	u := &User{Email: "new@example.com", FullName: "New", PasswordHash: "x"}
	got, err := db.RegisterInvited(u, digestOf("tok-2"), nil, nil)
	if err != nil {
		t.Fatalf("RegisterInvited: %v", err)
	}
	m, err := db.Membership(got.OrgID, u.ID)
	if err != nil || m.Role != "member" {
		t.Fatalf("invited membership = %+v, %v", m, err)
	}
	if _, err := db.InvitationByDigest(digestOf("tok-2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("invitation not consumed: %v", err)
	}
	orgs, _ := db.UserOrganizations(u.ID)
	if len(orgs) != 1 || orgs[0].Organization.ID != org.ID {
		t.Fatalf("invited user's organizations = %+v; want only the inviting one (SPEC §3.1)", orgs)
	}
}

func TestRegisterInvitedUnknownTokenWritesNothing(t *testing.T) {
	db := openTestDB(t)
	mustRegister(t, db, "owner@example.com", "Owner")
	u := &User{Email: "x@example.com", FullName: "X", PasswordHash: "x"}
	if _, err := db.RegisterInvited(u, digestOf("nope"), nil, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RegisterInvited with unknown token = %v, want ErrNotFound", err)
	}
	if _, err := db.UserByEmail("x@example.com"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("user was written despite the failed invitation: %v", err)
	}
}

func TestAcceptInvitationExistingMemberConflicts(t *testing.T) {
	db := openTestDB(t)
	owner, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	inv := &Invitation{Email: owner.Email, Role: "viewer", Digest: digestOf("t")}
	if err := db.CreateInvitation(org.ID, inv, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcceptInvitation(digestOf("t"), owner.ID, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("AcceptInvitation by a member = %v, want ErrConflict", err)
	}
}

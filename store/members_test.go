package store

import (
	"errors"
	"testing"
)

func TestAddMemberAndListing(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, bobOrg, _ := mustRegister(t, db, "bob@example.com", "Bob")
	cy, _, _ := mustRegister(t, db, "cy@example.com", "Cy")

	m := &Membership{UserID: bob.ID}
	if err := db.AddMember(org.ID, m, nil); err != nil {
		t.Fatal(err)
	}
	if m.Role != "member" || m.OrgID != org.ID || m.ID == "" || m.JoinedAt.IsZero() {
		t.Errorf("added membership = %+v, want default role member and filled fields", m)
	}
	if err := db.AddMember(org.ID, &Membership{UserID: cy.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(org.ID, &Membership{UserID: bob.ID, Role: "admin"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("adding twice = %v, want ErrConflict", err)
	}
	if err := db.AddMember(org.ID, &Membership{UserID: "ghost"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("adding unknown user = %v, want ErrNotFound", err)
	}
	if err := db.AddMember("no-org", &Membership{UserID: bob.ID}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("adding to unknown org = %v, want ErrNotFound", err)
	}

	ms, err := db.Memberships(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.UserID+":"+m.Role)
	}
	if want := []string{ada.ID + ":owner", bob.ID + ":member", cy.ID + ":viewer"}; len(ids) != 3 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] {
		t.Errorf("Memberships = %v, want %v (join order)", ids, want)
	}
	got, err := db.Membership(org.ID, bob.ID)
	if err != nil || got.Role != "member" {
		t.Errorf("Membership = %+v, %v", got, err)
	}
	// Bob joined his own organization first, then Ada's.
	uos, err := db.UserOrganizations(bob.ID)
	if err != nil || len(uos) != 2 || uos[0].Organization.ID != bobOrg.ID || uos[1].Organization.ID != org.ID || uos[1].Role != "member" {
		t.Errorf("UserOrganizations = %+v, %v", uos, err)
	}
	if uos, err := db.UserOrganizations("ghost"); err != nil || uos == nil || len(uos) != 0 {
		t.Errorf("UserOrganizations(ghost) = %#v, %v", uos, err)
	}
}

func TestMembershipTenantIsolation(t *testing.T) {
	db := openTestDB(t)
	ada, orgA, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, orgB, _ := mustRegister(t, db, "bob@example.com", "Bob")
	if _, err := db.Membership(orgB.ID, ada.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Membership(orgB, ada) = %v, want ErrNotFound", err)
	}
	if _, err := db.SetMemberRole(orgA.ID, bob.ID, "admin", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetMemberRole(orgA, bob) = %v, want ErrNotFound", err)
	}
	if err := db.RemoveMember(orgA.ID, bob.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("RemoveMember(orgA, bob) = %v, want ErrNotFound", err)
	}
	if _, err := db.Memberships("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Memberships(unknown) = %v, want ErrNotFound", err)
	}
}

func TestSetMemberRoleKeepsAnOwner(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, _, _ := mustRegister(t, db, "bob@example.com", "Bob")
	if err := db.AddMember(org.ID, &Membership{UserID: bob.ID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetMemberRole(org.ID, ada.ID, "admin", nil); !errors.Is(err, ErrLastOwner) {
		t.Fatalf("demoting the only owner = %v, want ErrLastOwner", err)
	}
	if m, _ := db.Membership(org.ID, ada.ID); m.Role != "owner" {
		t.Errorf("refused demotion changed the role to %q", m.Role)
	}
	if m, err := db.SetMemberRole(org.ID, ada.ID, "owner", nil); err != nil || m.Role != "owner" {
		t.Errorf("owner to owner = %+v, %v", m, err)
	}
	if m, err := db.SetMemberRole(org.ID, bob.ID, "owner", nil); err != nil || m.Role != "owner" {
		t.Fatalf("promote bob = %+v, %v", m, err)
	}
	if m, err := db.SetMemberRole(org.ID, ada.ID, "viewer", nil); err != nil || m.Role != "viewer" {
		t.Fatalf("demote ada with bob owning = %+v, %v", m, err)
	}
	if _, err := db.SetMemberRole(org.ID, bob.ID, "member", nil); !errors.Is(err, ErrLastOwner) {
		t.Errorf("demoting bob, now the only owner = %v, want ErrLastOwner", err)
	}
}

func TestRemoveMember(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob := seedOrgData(t, db, org.ID, ada.ID, 0) // bob: member with a key and a team row
	err := db.update("", nil, func(tx txn) error {
		tm, _ := orgSub(tx, org.ID, subTeamMembers)
		return tm.Put(compositeKey("team-1", ada.ID), []byte(`{}`))
	})
	if err != nil {
		t.Fatal(err)
	}

	if err := db.RemoveMember(org.ID, ada.ID, nil); !errors.Is(err, ErrLastOwner) {
		t.Fatalf("removing the only owner = %v, want ErrLastOwner", err)
	}
	if err := db.RemoveMember(org.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Membership(org.ID, bob.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Membership after removal = %v", err)
	}
	if uos, _ := db.UserOrganizations(bob.ID); len(uos) != 1 {
		t.Errorf("bob still lists %d orgs, want only his own", len(uos))
	}
	keys, _ := db.APIKeys(org.ID)
	if len(keys) != 1 || keys[0].CreatedBy != ada.ID {
		t.Errorf("API keys after removal = %+v, want only ada's", keys)
	}
	if _, err := db.APIKeyByDigest([]byte("digest-" + org.ID + bob.ID)); !errors.Is(err, ErrNotFound) {
		t.Errorf("bob's key still authenticates: %v", err)
	}
	_ = db.view(func(tx txn) error {
		tm, _ := orgSub(tx, org.ID, subTeamMembers)
		if tm.Get(compositeKey("team-1", bob.ID)) != nil {
			t.Error("bob's team membership survived")
		}
		if tm.Get(compositeKey("team-1", ada.ID)) == nil {
			t.Error("ada's team membership was removed")
		}
		return nil
	})
	// With a second owner the first one may leave.
	if err := db.AddMember(org.ID, &Membership{UserID: bob.ID, Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMember(org.ID, ada.ID, nil); err != nil {
		t.Errorf("removing one of two owners = %v", err)
	}
	if err := db.RemoveMember(org.ID, bob.ID, nil); !errors.Is(err, ErrLastOwner) {
		t.Errorf("removing the remaining owner = %v, want ErrLastOwner", err)
	}
}

package store

import (
	"errors"
	"testing"
)

func mustCreateTeam(t *testing.T, db *DB, orgID, name string) *Team {
	t.Helper()
	team := &Team{Name: name, Description: name + " team"}
	if err := db.CreateTeam(orgID, team, nil); err != nil {
		t.Fatalf("CreateTeam(%s): %v", name, err)
	}
	return team
}

func TestTeamCRUDAndNameUniqueness(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")

	ops := mustCreateTeam(t, db, org.ID, "Ops")
	if ops.ID == "" || ops.OrgID != org.ID || ops.CreatedAt.IsZero() || !ops.UpdatedAt.Equal(ops.CreatedAt) {
		t.Fatalf("created team = %+v", ops)
	}
	dba := mustCreateTeam(t, db, org.ID, "DBA")
	if err := db.CreateTeam(org.ID, &Team{Name: " oPs "}, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name (other case) = %v, want ErrConflict", err)
	}
	// Names are unique per organization only.
	mustCreateTeam(t, db, other.ID, "Ops")

	if got, err := db.Team(org.ID, ops.ID); err != nil || got.Name != "Ops" || got.Description != "Ops team" {
		t.Fatalf("Team = %+v, %v", got, err)
	}
	if _, err := db.Team(other.ID, ops.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Team from another organization = %v, want ErrNotFound", err)
	}
	list, err := db.Teams(org.ID)
	if err != nil || len(list) != 2 || list[0].ID != ops.ID || list[1].ID != dba.ID {
		t.Fatalf("Teams = %+v, %v", list, err)
	}
	if empty, err := db.Teams(mustOrg(t, db, "Empty")); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("Teams of an organization without teams = %#v, %v; want []", empty, err)
	}

	// Renaming onto another team's name conflicts; a case change of its own does not.
	if _, err := db.UpdateTeam(org.ID, dba.ID, func(t *Team) error { t.Name = "OPS"; return nil }, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("rename onto Ops = %v, want ErrConflict", err)
	}
	upd, err := db.UpdateTeam(org.ID, ops.ID, func(t *Team) error {
		t.Name, t.Description, t.ID, t.OrgID = "OPS", "on call", "hijack", other.ID
		return nil
	}, nil)
	if err != nil || upd.ID != ops.ID || upd.OrgID != org.ID || upd.Name != "OPS" || !upd.UpdatedAt.After(ops.CreatedAt) {
		t.Fatalf("UpdateTeam = %+v, %v", upd, err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateTeam(org.ID, ops.ID, func(t *Team) error { t.Name = "x"; return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("fn error = %v", err)
	}
	if got, _ := db.Team(org.ID, ops.ID); got.Name != "OPS" {
		t.Fatalf("aborted update was stored: %+v", got)
	}
	if _, err := db.UpdateTeam(other.ID, ops.ID, func(*Team) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("UpdateTeam from another organization = %v, want ErrNotFound", err)
	}

	if err := db.DeleteTeam(other.ID, ops.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteTeam from another organization = %v, want ErrNotFound", err)
	}
	if err := db.DeleteTeam(org.ID, ops.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Team(org.ID, ops.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted team still readable: %v", err)
	}
	if err := db.DeleteTeam(org.ID, ops.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete = %v, want ErrNotFound", err)
	}
	if _, err := db.Teams("no-such-org"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Teams of an unknown organization = %v", err)
	}
}

// mustOrg creates an organization owned by a fresh user and returns its ID.
func mustOrg(t *testing.T, db *DB, name string) string {
	t.Helper()
	_, org, _ := mustRegister(t, db, name+"@example.com", name)
	return org.ID
}

func TestTeamMembers(t *testing.T) {
	db := openTestDB(t)
	owner, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	ada, other, _ := mustRegister(t, db, "ada@example.com", "Ada")
	bob, _, _ := mustRegister(t, db, "bob@example.com", "Bob")
	if err := db.AddMember(org.ID, &Membership{UserID: bob.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	ops := mustCreateTeam(t, db, org.ID, "Ops")
	dba := mustCreateTeam(t, db, org.ID, "DBA")
	foreign := mustCreateTeam(t, db, other.ID, "Foreign")

	tm, err := db.AddTeamMember(org.ID, ops.ID, owner.ID, nil)
	if err != nil || tm.TeamID != ops.ID || tm.UserID != owner.ID || tm.AddedAt.IsZero() {
		t.Fatalf("AddTeamMember = %+v, %v", tm, err)
	}
	if _, err := db.AddTeamMember(org.ID, ops.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTeamMember(org.ID, dba.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, org, team, user string
		want                  error
	}{
		{"duplicate", org.ID, ops.ID, owner.ID, ErrConflict},
		{"user not in the organization", org.ID, ops.ID, ada.ID, ErrNotFound},
		{"unknown user", org.ID, ops.ID, "nobody", ErrNotFound},
		{"unknown team", org.ID, "nope", owner.ID, ErrNotFound},
		{"team of another organization", org.ID, foreign.ID, owner.ID, ErrNotFound},
		{"another organization's view of the team", other.ID, ops.ID, ada.ID, ErrNotFound},
	}
	for _, c := range cases {
		if _, err := db.AddTeamMember(c.org, c.team, c.user, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: AddTeamMember = %v, want %v", c.name, err, c.want)
		}
	}

	members, err := db.TeamMembers(org.ID, ops.ID)
	if err != nil || len(members) != 2 {
		t.Fatalf("TeamMembers = %+v, %v", members, err)
	}
	if _, err := db.TeamMembers(other.ID, ops.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("TeamMembers from another organization = %v", err)
	}
	if empty, err := db.TeamMembers(other.ID, foreign.ID); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty team members = %#v, %v; want []", empty, err)
	}
	counts, err := db.TeamMemberCounts(org.ID)
	if err != nil || counts[ops.ID] != 2 || counts[dba.ID] != 1 || len(counts) != 2 {
		t.Fatalf("TeamMemberCounts = %v, %v", counts, err)
	}

	if err := db.RemoveTeamMember(org.ID, ops.ID, ada.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing a non-member = %v, want ErrNotFound", err)
	}
	if err := db.RemoveTeamMember(other.ID, ops.ID, owner.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RemoveTeamMember from another organization = %v", err)
	}
	if err := db.RemoveTeamMember(org.ID, ops.ID, owner.ID, nil); err != nil {
		t.Fatal(err)
	}
	if members, _ := db.TeamMembers(org.ID, ops.ID); len(members) != 1 || members[0].UserID != bob.ID {
		t.Fatalf("after removal: %+v", members)
	}

	// Leaving the organization drops the user's rows in every team (the
	// key shape teamID/userID that RemoveMember relies on).
	if err := db.RemoveMember(org.ID, bob.ID, nil); err != nil {
		t.Fatal(err)
	}
	if counts, _ := db.TeamMemberCounts(org.ID); len(counts) != 0 {
		t.Fatalf("rows left after the member left: %v", counts)
	}

	// Deleting a team deletes its rows and nobody else's.
	if _, err := db.AddTeamMember(org.ID, ops.ID, owner.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTeamMember(org.ID, dba.ID, owner.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteTeam(org.ID, ops.ID, nil); err != nil {
		t.Fatal(err)
	}
	if counts, _ := db.TeamMemberCounts(org.ID); len(counts) != 1 || counts[dba.ID] != 1 {
		t.Fatalf("after DeleteTeam: %v", counts)
	}
}

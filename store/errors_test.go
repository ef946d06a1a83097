package store

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorsNameTheirEntity checks the shape every caller relies on: errors.Is still
// matches the sentinel, errors.As finds the *Error with the entity and the sentence for
// the client, and the IDs stay in Error() (the log) and out of Message.
func TestErrorsNameTheirEntity(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")
	mustCreateTeam(t, db, org.ID, "Ops")
	theirs := mustCreateTeam(t, db, other.ID, "Theirs")

	_, missing := db.Team(org.ID, theirs.ID)
	dup := db.CreateTeam(org.ID, &Team{Name: "OPS"}, nil)
	_, ghostOrg := db.Team("no-such-org", theirs.ID)
	cases := []struct {
		name            string
		err             error
		code            error
		entity, message string
	}{
		{"another organization's team", missing, ErrNotFound, "Team", "Team not found."},
		{"a taken team name", dup, ErrConflict, "Team", "A team with that name already exists in this organization."},
		{"an unknown organization", ghostOrg, ErrNotFound, "Organization", "Organization not found."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.err, c.code) {
				t.Fatalf("err = %v, want errors.Is %v", c.err, c.code)
			}
			for _, s := range []error{ErrNotFound, ErrConflict, ErrPlanLimit} {
				if s != c.code && errors.Is(c.err, s) {
					t.Errorf("err = %v also matches %v", c.err, s)
				}
			}
			var se *Error
			if !errors.As(c.err, &se) || se.Entity != c.entity || se.Message != c.message {
				t.Fatalf("err = %#v, want entity %q, message %q", c.err, c.entity, c.message)
			}
			if strings.Contains(se.Message, theirs.ID) {
				t.Errorf("message %q names the ID", se.Message)
			}
		})
	}
	if !strings.Contains(missing.Error(), theirs.ID) || !strings.HasPrefix(missing.Error(), "not found: ") {
		t.Errorf("Error() = %q, want the sentinel and the ID for the log", missing.Error())
	}
}

package store

import (
	"bytes"
	"fmt"
	"sort"
)

// SCIM Groups (SPEC §10, RFC 7643 §4.2) are the organization's teams: a group's members are
// the team's member rows, so provisioning and the Teams page always agree. What a team
// lacks, the identity provider's externalId, is kept beside it:
//
//	orgs/<orgID>/scim_groups    teamID → externalId
const subSCIMGroups = "scim_groups"

// SCIMGroup is a team as SCIM sees it: the team, its externalId and its members' user IDs.
type SCIMGroup struct {
	Team       Team
	ExternalID string
	Members    []string
}

// CreateSCIMGroup creates a team with its externalId and members in one transaction.
// Every member must be a member of the organization (ErrNotFound naming the user).
func (db *DB) CreateSCIMGroup(orgID string, g *SCIMGroup, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		teams, err := orgSub(tx, orgID, subTeams)
		if err != nil {
			return err
		}
		if err := uniqueTeamName(teams, g.Team.Name, ""); err != nil {
			return err
		}
		if g.Team.ID == "" {
			g.Team.ID = NewID()
		}
		now := db.stamp()
		g.Team.OrgID, g.Team.CreatedAt, g.Team.UpdatedAt = orgID, now, now
		if err := putJSON(teams, []byte(g.Team.ID), &g.Team); err != nil {
			return err
		}
		return writeSCIMGroupExtras(tx, db, orgID, g, nil)
	})
}

// SCIMGroupOf returns one team of the organization as a SCIM group, or ErrNotFound.
func (db *DB) SCIMGroupOf(orgID, teamID string) (*SCIMGroup, error) {
	var g SCIMGroup
	err := db.view(func(tx txn) error { return getSCIMGroup(tx, orgID, teamID, &g) })
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// SCIMGroups returns every team of the organization as a SCIM group, oldest first.
func (db *DB) SCIMGroups(orgID string) ([]SCIMGroup, error) {
	var out []SCIMGroup
	err := db.view(func(tx txn) error {
		teams, err := orgSub(tx, orgID, subTeams)
		if err != nil {
			return err
		}
		list, err := listJSON[Team](teams)
		if err != nil {
			return err
		}
		out = make([]SCIMGroup, 0, len(list))
		for _, t := range list {
			var g SCIMGroup
			if err := getSCIMGroup(tx, orgID, t.ID, &g); err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Team.CreatedAt.Before(out[j].Team.CreatedAt) })
	return out, nil
}

// UpdateSCIMGroup lets fn change a group (name, externalId, members) and stores the result
// in one transaction: team rows are added and removed to match Members.
func (db *DB) UpdateSCIMGroup(orgID, teamID string, fn func(*SCIMGroup) error, change *Change) (*SCIMGroup, error) {
	var g SCIMGroup
	err := db.update(orgID, change, func(tx txn) error {
		if err := getSCIMGroup(tx, orgID, teamID, &g); err != nil {
			return err
		}
		before := append([]string(nil), g.Members...)
		if err := fn(&g); err != nil {
			return err
		}
		teams, _ := orgSub(tx, orgID, subTeams)
		if err := uniqueTeamName(teams, g.Team.Name, teamID); err != nil {
			return err
		}
		g.Team.ID, g.Team.OrgID, g.Team.UpdatedAt = teamID, orgID, db.stamp()
		if err := putJSON(teams, []byte(teamID), &g.Team); err != nil {
			return err
		}
		return writeSCIMGroupExtras(tx, db, orgID, &g, before)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// DeleteSCIMGroup deletes the team (with its member rows) and its externalId.
func (db *DB) DeleteSCIMGroup(orgID, teamID string, change *Change) (*SCIMGroup, error) {
	var g SCIMGroup
	err := db.update(orgID, change, func(tx txn) error {
		if err := getSCIMGroup(tx, orgID, teamID, &g); err != nil {
			return err
		}
		members := g.Members
		g.Members = nil
		if err := writeSCIMGroupExtras(tx, db, orgID, &g, members); err != nil {
			return err
		}
		g.Members = members
		extras, _ := orgSub(tx, orgID, subSCIMGroups)
		if err := extras.Delete([]byte(teamID)); err != nil {
			return err
		}
		teams, _ := orgSub(tx, orgID, subTeams)
		return teams.Delete([]byte(teamID))
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// writeSCIMGroupExtras stores g's externalId and turns the team's member rows from before
// into g.Members. A member to add must be a member of the organization.
func writeSCIMGroupExtras(tx txn, db *DB, orgID string, g *SCIMGroup, before []string) error {
	extras, err := orgSub(tx, orgID, subSCIMGroups)
	if err != nil {
		return err
	}
	if err := extras.Put([]byte(g.Team.ID), []byte(g.ExternalID)); err != nil {
		return err
	}
	rows, err := orgSub(tx, orgID, subTeamMembers)
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(g.Members))
	for _, id := range g.Members {
		want[id] = true
	}
	for _, id := range before {
		if !want[id] {
			if err := rows.Delete(compositeKey(g.Team.ID, id)); err != nil {
				return err
			}
		}
	}
	now := db.stamp()
	for id := range want {
		key := compositeKey(g.Team.ID, id)
		if rows.Get(key) != nil {
			continue
		}
		if err := getMember(tx, orgID, id, &Membership{}); err != nil {
			return &Error{Code: ErrNotFound, Entity: entityMember,
				Message: fmt.Sprintf("User %s is not an active member of this organization.", id)}
		}
		if err := putJSON(rows, key, &TeamMember{TeamID: g.Team.ID, UserID: id, AddedAt: now}); err != nil {
			return err
		}
	}
	g.Members = sortedIDs(want)
	return nil
}

// getSCIMGroup decodes team teamID, its externalId and its members' IDs into g.
func getSCIMGroup(tx txn, orgID, teamID string, g *SCIMGroup) error {
	if err := getTeam(tx, orgID, teamID, &g.Team); err != nil {
		return err
	}
	if extras, _ := orgSub(tx, orgID, subSCIMGroups); extras.exists() {
		g.ExternalID = string(extras.Get([]byte(teamID)))
	}
	g.Members = []string{}
	rows, _ := orgSub(tx, orgID, subTeamMembers)
	if !rows.exists() {
		return nil
	}
	prefix := compositeKey(teamID, "")
	c := rows.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		g.Members = append(g.Members, string(k[len(prefix):]))
	}
	return nil
}

// sortedIDs returns the IDs of set in order.
func sortedIDs(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

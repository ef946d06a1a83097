package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// AddTeamMember puts userID in the team. The team must exist and the user
// must be a member of the organization (ErrNotFound otherwise); adding a
// user twice is ErrConflict. RemoveMember drops these rows when the user
// leaves the organization.
func (db *DB) AddTeamMember(orgID, teamID, userID string, change *Change) (*TeamMember, error) {
	tm := TeamMember{TeamID: teamID, UserID: userID}
	err := db.update(orgID, change, func(tx txn) error {
		if err := getTeam(tx, orgID, teamID, &Team{}); err != nil {
			return err
		}
		if err := getMember(tx, orgID, userID, &Membership{}); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil {
			return err
		}
		key := compositeKey(teamID, userID)
		if b.Get(key) != nil {
			return conflictf(entityTeamMember, "That user is already in the team.")
		}
		tm.AddedAt = db.stamp()
		return putJSON(b, key, &tm)
	})
	if err != nil {
		return nil, err
	}
	return &tm, nil
}

// TeamMembers lists the team's members in user ID order (ErrNotFound for an
// unknown team).
func (db *DB) TeamMembers(orgID, teamID string) ([]TeamMember, error) {
	out := make([]TeamMember, 0)
	err := db.view(func(tx txn) error {
		if err := getTeam(tx, orgID, teamID, &Team{}); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil || !b.exists() {
			return err
		}
		prefix := compositeKey(teamID, "")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var tm TeamMember
			if err := json.Unmarshal(v, &tm); err != nil {
				return fmt.Errorf("store: decode %q: %w", k, err)
			}
			out = append(out, tm)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TeamMemberCounts returns the number of members of every team of the
// organization that has any, in one pass (the team list shows the counts).
func (db *DB) TeamMemberCounts(orgID string) (map[string]int, error) {
	counts := map[string]int{}
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil || !b.exists() {
			return err
		}
		return b.ForEach(func(k, _ []byte) error {
			if teamID, _, ok := splitComposite(k); ok {
				counts[teamID]++
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// CountTeamMembers returns the number of members of each of the teams teamIDs (those
// without any are absent), reading only those teams' rows: the team list counts the
// members of the teams on its page.
func (db *DB) CountTeamMembers(orgID string, teamIDs []string) (map[string]int, error) {
	counts := map[string]int{}
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil || !b.exists() {
			return err
		}
		c := b.Cursor()
		for _, id := range teamIDs {
			prefix := compositeKey(id, "")
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				counts[id]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// RemoveTeamMember takes userID out of the team; ErrNotFound when the team
// does not exist or the user is not in it.
func (db *DB) RemoveTeamMember(orgID, teamID, userID string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		if err := getTeam(tx, orgID, teamID, &Team{}); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil {
			return err
		}
		key := compositeKey(teamID, userID)
		if b.Get(key) == nil {
			return notFoundf(entityTeamMember, "user %s is not in team %s", userID, teamID)
		}
		return b.Delete(key)
	})
}

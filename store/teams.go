package store

import (
	"bytes"
	"strings"
	"time"
)

// Team is a named group of an organization's members; teams are escalation
// targets. Its members are TeamMember rows keyed teamID + "/" + userID.
type Team struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"org_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TeamMember puts an organization member in a team.
type TeamMember struct {
	TeamID  string    `json:"team_id"`
	UserID  string    `json:"user_id"`
	AddedAt time.Time `json:"added_at"`
}

// CreateTeam stores a new team. Team names are unique in the organization,
// compared case-insensitively (ErrConflict). Empty ID and times are filled;
// t.OrgID is set to orgID.
func (db *DB) CreateTeam(orgID string, t *Team, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subTeams)
		if err != nil {
			return err
		}
		if err := uniqueTeamName(b, t.Name, ""); err != nil {
			return err
		}
		if t.ID == "" {
			t.ID = NewID()
		}
		if b.Get([]byte(t.ID)) != nil {
			return conflictf(entityTeam, "A team with ID %s already exists.", t.ID)
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = db.stamp()
		}
		t.OrgID, t.UpdatedAt = orgID, t.CreatedAt
		return putJSON(b, []byte(t.ID), t)
	})
}

// Team returns one team of the organization, or ErrNotFound.
func (db *DB) Team(orgID, id string) (*Team, error) {
	var t Team
	err := db.view(func(tx txn) error {
		return getTeam(tx, orgID, id, &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Teams lists the organization's teams, oldest first.
func (db *DB) Teams(orgID string) ([]Team, error) {
	var out []Team
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subTeams)
		if err != nil {
			return err
		}
		out, err = listJSON[Team](b)
		return err
	})
	return out, err
}

// UpdateTeam loads the team, lets fn change it and stores it; a new name
// must stay unique (ErrConflict). fn runs inside the write transaction and
// its error aborts the update. ID, OrgID and CreatedAt cannot change.
func (db *DB) UpdateTeam(orgID, id string, fn func(*Team) error, change *Change) (*Team, error) {
	var t Team
	err := db.update(orgID, change, func(tx txn) error {
		if err := getTeam(tx, orgID, id, &t); err != nil {
			return err
		}
		created := t.CreatedAt
		if err := fn(&t); err != nil {
			return err
		}
		t.ID, t.OrgID, t.CreatedAt, t.UpdatedAt = id, orgID, created, db.stamp()
		b, _ := orgSub(tx, orgID, subTeams)
		if err := uniqueTeamName(b, t.Name, id); err != nil {
			return err
		}
		return putJSON(b, []byte(id), &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// DeleteTeam removes a team and its member rows. A team has at most one row
// per organization member, so one transaction is enough.
func (db *DB) DeleteTeam(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		if err := getTeam(tx, orgID, id, &Team{}); err != nil {
			return err
		}
		tm, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil {
			return err
		}
		// Collect, then delete: never delete under a live cursor.
		var doomed [][]byte
		prefix := compositeKey(id, "")
		c := tm.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			doomed = append(doomed, bytes.Clone(k))
		}
		for _, k := range doomed {
			if err := tm.Delete(k); err != nil {
				return err
			}
		}
		teams, _ := orgSub(tx, orgID, subTeams)
		return teams.Delete([]byte(id))
	})
}

// getTeam decodes orgs/<orgID>/teams/<id> into t.
func getTeam(tx txn, orgID, id string, t *Team) error {
	b, err := orgSub(tx, orgID, subTeams)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), t, entityTeam)
}

// uniqueTeamName returns ErrConflict when another team than exceptID has
// name, compared case-insensitively. Organizations have few teams, so a
// scan is cheaper than keeping a name index in step.
func uniqueTeamName(b bucket, name, exceptID string) error {
	teams, err := listJSON[Team](b)
	if err != nil {
		return err
	}
	want := strings.TrimSpace(name)
	for _, t := range teams {
		if t.ID != exceptID && strings.EqualFold(strings.TrimSpace(t.Name), want) {
			return conflictf(entityTeam, "A team with that name already exists in this organization.")
		}
	}
	return nil
}

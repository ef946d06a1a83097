package store

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"
)

// subMemberIDs indexes an organization's members in the order the member list answers
// them: membership ID → user ID (the members bucket itself is keyed by user ID, which
// every authenticated request looks up).
const subMemberIDs = "member_ids"

// Membership gives a user a role in an organization (viewer, responder, member, admin, owner).
type Membership struct {
	ID       string    `json:"id"`
	OrgID    string    `json:"org_id"`
	UserID   string    `json:"user_id"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

// UserOrganization is one entry of a user's organization list: the organization and the
// user's role in it.
type UserOrganization struct {
	Organization Organization `json:"organization"`
	Role         string       `json:"role"`
}

// Membership returns userID's membership of orgID, or ErrNotFound (no such organization, or
// the user is not a member). Every authenticated request calls it, so it is one short read.
func (db *DB) Membership(orgID, userID string) (*Membership, error) {
	var m Membership
	err := db.view(func(tx txn) error {
		return getMember(tx, orgID, userID, &m)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Memberships returns the organization's members ordered by join time (ErrNotFound if the
// organization does not exist).
func (db *DB) Memberships(orgID string) ([]Membership, error) {
	var out []Membership
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subMembers)
		if err != nil {
			return err
		}
		out, err = listJSON[Membership](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].JoinedAt.Before(out[j].JoinedAt) })
	return out, nil
}

// UserOrganizations returns the organizations userID belongs to with the role in each,
// ordered by join time (the first is the user's default organization at login).
func (db *DB) UserOrganizations(userID string) ([]UserOrganization, error) {
	type row struct {
		uo     UserOrganization
		joined time.Time
	}
	var rows []row
	err := db.view(func(tx txn) error {
		prefix := compositeKey(userID, "")
		c := tx.Bucket([]byte(bucketIdxUserOrgs)).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			orgID := string(k[len(prefix):])
			var r row
			var m Membership
			if err := getOrganization(tx, orgID, &r.uo.Organization); err != nil {
				return err
			}
			if err := getMember(tx, orgID, userID, &m); err != nil {
				return err
			}
			r.uo.Role, r.joined = m.Role, m.JoinedAt
			rows = append(rows, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].joined.Before(rows[j].joined) })
	out := make([]UserOrganization, len(rows))
	for i, r := range rows {
		out[i] = r.uo
	}
	return out, nil
}

// AddMember adds m.UserID (who must have an account, else ErrNotFound) to the organization.
// ErrConflict if already a member. Empty ID/JoinedAt are filled, an empty Role becomes
// "member"; m.OrgID is set to orgID.
func (db *DB) AddMember(orgID string, m *Membership, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		if _, err := orgBucket(tx, orgID); err != nil {
			return err
		}
		if err := getUser(tx, m.UserID, &User{}); err != nil {
			return err
		}
		if m.Role == "" {
			m.Role = roleMember
		}
		return db.insertMember(tx, orgID, m)
	})
}

// insertMember writes a new membership and its idx_user_orgs row.
func (db *DB) insertMember(tx txn, orgID string, m *Membership) error {
	members, err := orgSub(tx, orgID, subMembers)
	if err != nil {
		return err
	}
	if members.Get([]byte(m.UserID)) != nil {
		return conflictf(entityMember, "That user is already a member of this organization.")
	}
	if m.ID == "" {
		m.ID = NewID()
	}
	if m.JoinedAt.IsZero() {
		m.JoinedAt = db.stamp()
	}
	m.OrgID = orgID
	if err := putJSON(members, []byte(m.UserID), m); err != nil {
		return err
	}
	ids, err := orgSub(tx, orgID, subMemberIDs)
	if err != nil {
		return err
	}
	if err := ids.Put([]byte(m.ID), []byte(m.UserID)); err != nil {
		return err
	}
	return tx.Bucket([]byte(bucketIdxUserOrgs)).Put(compositeKey(m.UserID, orgID), nil)
}

// getMember decodes orgs/<orgID>/members/<userID> into m.
func getMember(tx txn, orgID, userID string, m *Membership) error {
	b, err := orgSub(tx, orgID, subMembers)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(userID), m, entityMember)
}

// otherOwners reports whether the organization has an owner other than userID.
func otherOwners(members bucket, userID string) (bool, error) {
	found := false
	err := members.ForEach(func(k, v []byte) error {
		if found || string(k) == userID || v == nil {
			return nil
		}
		var m struct {
			Role string `json:"role"`
		}
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		found = m.Role == roleOwner
		return nil
	})
	return found, err
}

// SetMemberRole changes userID's role in the organization and returns the updated
// membership. Demoting the last owner returns ErrLastOwner and changes nothing.
func (db *DB) SetMemberRole(orgID, userID, role string, change *Change) (*Membership, error) {
	var m Membership
	err := db.update(orgID, change, func(tx txn) error {
		if err := getMember(tx, orgID, userID, &m); err != nil {
			return err
		}
		members, _ := orgSub(tx, orgID, subMembers)
		if m.Role == roleOwner && role != roleOwner {
			if ok, err := otherOwners(members, userID); err != nil {
				return err
			} else if !ok {
				return ErrLastOwner
			}
		}
		m.Role = role
		return putJSON(members, []byte(userID), &m)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveMember removes userID from the organization together with the user's team
// memberships there and the API keys the user created there (and their digest index
// entries), so no key outlives its creator's access. Removing the last owner returns
// ErrLastOwner and changes nothing.
func (db *DB) RemoveMember(orgID, userID string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		return removeMemberTx(tx, orgID, userID)
	})
}

// removeMemberTx is RemoveMember's body, shared with SCIM deactivation (scim_users.go).
func removeMemberTx(tx txn, orgID, userID string) error {
	var m Membership
	if err := getMember(tx, orgID, userID, &m); err != nil {
		return err
	}
	members, _ := orgSub(tx, orgID, subMembers)
	if m.Role == roleOwner {
		if ok, err := otherOwners(members, userID); err != nil {
			return err
		} else if !ok {
			return ErrLastOwner
		}
	}
	if err := members.Delete([]byte(userID)); err != nil {
		return err
	}
	ids, err := orgSub(tx, orgID, subMemberIDs)
	if err != nil {
		return err
	}
	if err := ids.Delete([]byte(m.ID)); err != nil {
		return err
	}
	if err := tx.Bucket([]byte(bucketIdxUserOrgs)).Delete(compositeKey(userID, orgID)); err != nil {
		return err
	}
	if err := removeTeamMemberships(tx, orgID, userID); err != nil {
		return err
	}
	return removeKeysCreatedBy(tx, orgID, userID)
}

// removeTeamMemberships deletes team_members rows teamID/userID: collect, then delete.
func removeTeamMemberships(tx txn, orgID, userID string) error {
	tm, err := orgSub(tx, orgID, subTeamMembers)
	if err != nil {
		return err
	}
	suffix := []byte(keySeparator + userID)
	var doomed [][]byte
	err = tm.ForEach(func(k, _ []byte) error {
		if bytes.HasSuffix(k, suffix) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := tm.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

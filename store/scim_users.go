package store

import (
	"bytes"
	"errors"
	"sort"
	"time"
)

// SCIM Users (SPEC §10, RFC 7643 §4.1) are the organization's provisioned accounts. The
// account itself is the global User; what the identity provider keeps besides — its
// externalId, the name parts, whether the user is active — is kept per organization:
//
//	orgs/<orgID>/scim_users    userID → SCIMUser JSON
//
// An active SCIM user is a member of the organization; deactivating one removes the
// membership (with its team rows and API keys) and ends the account's sessions.
const (
	subSCIMUsers   = "scim_users"
	entitySCIMUser = "User"
)

// SCIMUser is what an organization's identity provider says of one account.
type SCIMUser struct {
	UserID     string `json:"user_id"`
	ExternalID string `json:"external_id,omitempty"`
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	Active     bool   `json:"active"`
	// CreatedAccount is true when SCIM created the account. Only then may the identity
	// provider change the account's e-mail and name: an account that existed before
	// belongs to its holder, and another organization's IdP must not rename it.
	CreatedAccount bool      `json:"created_account"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// SCIMAccount is a SCIM user with its account.
type SCIMAccount struct {
	SCIM SCIMUser
	User User
}

// ProvisionSCIMUser creates a SCIM user in the organization, in one transaction: a new
// account (no password) and, when a.SCIM.Active, a membership with role. When an account
// with that e-mail already exists it is adopted only if it is already a member of the
// organization and not yet a SCIM user there; otherwise ErrConflict — an identity provider
// must not pull someone else's account into its organization. The audit entries of change
// that name no resource ID get the user's, known only inside the transaction.
func (db *DB) ProvisionSCIMUser(orgID string, a *SCIMAccount, role string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		if err := db.provisionSCIMUser(tx, orgID, a, role); err != nil {
			return err
		}
		for _, e := range changeAudit(change) {
			if e.Resource.ID == "" {
				e.Resource.ID = a.User.ID
			}
		}
		return nil
	})
}

// changeAudit is ch's audit entries; none for a nil change.
func changeAudit(ch *Change) []*AuditEntry {
	if ch == nil {
		return nil
	}
	return ch.Audit
}

// provisionSCIMUser is ProvisionSCIMUser's transaction.
func (db *DB) provisionSCIMUser(tx txn, orgID string, a *SCIMAccount, role string) error {
	b, err := orgSub(tx, orgID, subSCIMUsers)
	if err != nil {
		return err
	}
	now := db.stamp()
	a.SCIM.CreatedAt, a.SCIM.UpdatedAt = now, now
	if id := tx.Bucket([]byte(bucketIdxUserEmail)).Get(emailKey(a.User.Email)); id != nil {
		userID := string(id)
		if b.Get(id) != nil {
			return conflictf(entitySCIMUser, "A user with this userName is already provisioned.")
		}
		if err := getMember(tx, orgID, userID, &Membership{}); err != nil {
			if errors.Is(err, ErrNotFound) {
				return conflictf(entitySCIMUser, "An account with this e-mail address exists and is not a member of this organization; invite it instead.")
			}
			return err
		}
		if err := getUser(tx, userID, &a.User); err != nil {
			return err
		}
		a.SCIM.UserID, a.SCIM.CreatedAccount, a.SCIM.Active = userID, false, true
		return putJSON(b, id, &a.SCIM)
	}
	a.User.PasswordHash = ""
	if err := db.insertUser(tx, &a.User); err != nil {
		return err
	}
	if err := putJSON(tx.Bucket([]byte(bucketUsers)), []byte(a.User.ID), &a.User); err != nil {
		return err
	}
	if a.SCIM.Active {
		if err := db.insertMember(tx, orgID, &Membership{UserID: a.User.ID, Role: role}); err != nil {
			return err
		}
	}
	a.SCIM.UserID, a.SCIM.CreatedAccount = a.User.ID, true
	return putJSON(b, []byte(a.User.ID), &a.SCIM)
}

// SCIMUser returns one SCIM user of the organization with its account, or ErrNotFound.
func (db *DB) SCIMUser(orgID, userID string) (*SCIMAccount, error) {
	var a SCIMAccount
	err := db.view(func(tx txn) error { return getSCIMAccount(tx, orgID, userID, &a) })
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// SCIMUsers returns the organization's SCIM users, oldest first. An organization has as
// many as it has members (and deactivated users), so the SCIM list pages in memory.
func (db *DB) SCIMUsers(orgID string) ([]SCIMAccount, error) {
	var out []SCIMAccount
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subSCIMUsers)
		if err != nil {
			return err
		}
		list, err := listJSON[SCIMUser](b)
		if err != nil {
			return err
		}
		out = make([]SCIMAccount, 0, len(list))
		for _, s := range list {
			a := SCIMAccount{SCIM: s}
			if err := getUser(tx, s.UserID, &a.User); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SCIM.CreatedAt.Before(out[j].SCIM.CreatedAt) })
	return out, nil
}

// UpdateSCIMUser lets fn change a SCIM user and stores the result in one transaction. Of
// the account, fn may change Email and FullName, which are kept only when SCIM created the
// account (SCIMUser.CreatedAccount). Active going false removes the membership and ends
// the account's sessions; going true makes the user a member again with role.
func (db *DB) UpdateSCIMUser(orgID, userID, role string, fn func(*SCIMAccount) error, change *Change) (*SCIMAccount, error) {
	var a SCIMAccount
	err := db.update(orgID, change, func(tx txn) error {
		if err := getSCIMAccount(tx, orgID, userID, &a); err != nil {
			return err
		}
		before := a
		if err := fn(&a); err != nil {
			return err
		}
		a.SCIM.UserID, a.SCIM.CreatedAccount, a.SCIM.CreatedAt = before.SCIM.UserID, before.SCIM.CreatedAccount, before.SCIM.CreatedAt
		a.SCIM.UpdatedAt = db.stamp()
		email, name := a.User.Email, a.User.FullName
		a.User = before.User
		if a.SCIM.CreatedAccount && (email != a.User.Email || name != a.User.FullName) {
			if !bytes.Equal(emailKey(email), emailKey(a.User.Email)) {
				if err := reindexEmail(tx, emailKey(a.User.Email), emailKey(email), userID, email); err != nil {
					return err
				}
			}
			a.User.Email, a.User.FullName, a.User.UpdatedAt = email, name, a.SCIM.UpdatedAt
			if err := putJSON(tx.Bucket([]byte(bucketUsers)), []byte(userID), &a.User); err != nil {
				return err
			}
		}
		if err := setSCIMMembership(tx, db, orgID, &a, before.SCIM.Active, role); err != nil {
			return err
		}
		b, _ := orgSub(tx, orgID, subSCIMUsers)
		return putJSON(b, []byte(userID), &a.SCIM)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteSCIMUser removes a SCIM user: the membership goes, the account's sessions end,
// and the organization forgets the SCIM record. The account itself stays (it may belong
// to other organizations), without access to this one.
func (db *DB) DeleteSCIMUser(orgID, userID string, change *Change) (*SCIMAccount, error) {
	var a SCIMAccount
	err := db.update(orgID, change, func(tx txn) error {
		if err := getSCIMAccount(tx, orgID, userID, &a); err != nil {
			return err
		}
		wasActive := a.SCIM.Active
		a.SCIM.Active = false
		if err := setSCIMMembership(tx, db, orgID, &a, wasActive, ""); err != nil {
			return err
		}
		b, _ := orgSub(tx, orgID, subSCIMUsers)
		return b.Delete([]byte(userID))
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// setSCIMMembership brings the membership in step with a.SCIM.Active after a change from
// wasActive. Deactivation removes the membership if there is one and bumps the account's
// token version, which signs out every session (SPEC §10: sessions ended).
func setSCIMMembership(tx txn, db *DB, orgID string, a *SCIMAccount, wasActive bool, role string) error {
	userID := a.SCIM.UserID
	isMember := getMember(tx, orgID, userID, &Membership{}) == nil
	switch {
	case a.SCIM.Active && !isMember:
		return db.insertMember(tx, orgID, &Membership{UserID: userID, Role: role})
	case !a.SCIM.Active && (wasActive || isMember):
		if isMember {
			if err := removeMemberTx(tx, orgID, userID); err != nil {
				return err
			}
		}
		a.User.TokenVersion++
		a.User.UpdatedAt = db.stamp()
		return putJSON(tx.Bucket([]byte(bucketUsers)), []byte(userID), &a.User)
	}
	return nil
}

// getSCIMAccount decodes SCIM user userID of the organization and its account into a.
func getSCIMAccount(tx txn, orgID, userID string, a *SCIMAccount) error {
	b, err := orgSub(tx, orgID, subSCIMUsers)
	if err != nil {
		return err
	}
	if err := getJSON(b, []byte(userID), &a.SCIM, entitySCIMUser); err != nil {
		return err
	}
	return getUser(tx, userID, &a.User)
}

package store

import (
	"bytes"
	"crypto/subtle"
	"time"
)

// Invitation is a pending offer to join an organization, sent to an e-mail
// address that has no account yet. Only the SHA-256 digest of its token is
// stored; the token itself travels in the invitation link.
type Invitation struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	InvitedBy string    `json:"invited_by"`
	Digest    []byte    `json:"digest"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CreateInvitation stores an invitation and indexes its digest. Inviting an
// e-mail that already has a pending invitation replaces the old one (a
// "resend"), so at most one link per address is valid.
func (db *DB) CreateInvitation(orgID string, inv *Invitation, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subInvitations)
		if err != nil {
			return err
		}
		old, err := listJSON[Invitation](b)
		if err != nil {
			return err
		}
		for i := range old {
			if string(emailKey(old[i].Email)) == string(emailKey(inv.Email)) {
				if err := deleteInvitation(tx, b, &old[i]); err != nil {
					return err
				}
			}
		}
		if inv.ID == "" {
			inv.ID = NewID()
		}
		if inv.CreatedAt.IsZero() {
			inv.CreatedAt = db.stamp()
		}
		inv.OrgID = orgID
		idx := tx.Bucket([]byte(bucketIdxInvitation))
		if idx.Get(inv.Digest) != nil {
			return conflictf(entityInvitation, "An invitation with that token already exists.")
		}
		if err := idx.Put(inv.Digest, compositeKey(orgID, inv.ID)); err != nil {
			return err
		}
		return putJSON(b, []byte(inv.ID), inv)
	})
}

// Invitations lists an organization's pending invitations, oldest first
// (expired ones included, so an admin can see and resend them).
func (db *DB) Invitations(orgID string) ([]Invitation, error) {
	var out []Invitation
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subInvitations)
		if err != nil {
			return err
		}
		out, err = listJSON[Invitation](b)
		return err
	})
	return out, err
}

// DeleteInvitation revokes an invitation of orgID; ErrNotFound otherwise.
func (db *DB) DeleteInvitation(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subInvitations)
		if err != nil {
			return err
		}
		var inv Invitation
		if err := getJSON(b, []byte(id), &inv, entityInvitation); err != nil {
			return err
		}
		return deleteInvitation(tx, b, &inv)
	})
}

// InvitationByDigest finds the invitation whose token hashes to digest
// (expired or not: the caller decides), comparing digests in constant time.
func (db *DB) InvitationByDigest(digest []byte) (*Invitation, error) {
	var inv Invitation
	err := db.view(func(tx txn) error {
		return findInvitation(tx, digest, &inv)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// AcceptInvitation makes an existing user a member of the invitation's
// organization with the invited role and consumes the invitation, in one
// transaction. It answers ErrNotFound for an unknown digest and ErrConflict
// when the user is already a member. change, if any, is recorded in the
// invitation's organization.
func (db *DB) AcceptInvitation(digest []byte, userID string, change *Change) (*Invitation, error) {
	var inv Invitation
	// The organization comes from the token, so the change is recorded once it is known.
	err := db.update("", nil, func(tx txn) error {
		if err := getUser(tx, userID, &User{}); err != nil {
			return err
		}
		if err := db.acceptInvitation(tx, digest, userID, &inv, time.Time{}); err != nil {
			return err
		}
		return db.record(tx, inv.OrgID, change)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// RegisterInvited creates the account and accepts the invitation in one transaction, or
// writes nothing at all. The account joins only the inviting organization with the invited
// role (SPEC §3.1): an invitee should not find a spare organization they never asked for.
// registered and joined, if any, are recorded in the inviting organization.
func (db *DB) RegisterInvited(u *User, digest []byte, registered, joined *Change) (*Invitation, error) {
	var inv Invitation
	err := db.update("", nil, func(tx txn) error {
		if err := db.insertUser(tx, u); err != nil {
			return err
		}
		// An invitation implies an account already exists, so this one is never the
		// instance admin.
		u.IsInstanceAdmin = false
		if err := putJSON(tx.Bucket([]byte(bucketUsers)), []byte(u.ID), u); err != nil {
			return err
		}
		if err := db.acceptInvitation(tx, digest, u.ID, &inv, time.Time{}); err != nil {
			return err
		}
		if err := db.record(tx, inv.OrgID, registered); err != nil {
			return err
		}
		return db.record(tx, inv.OrgID, joined)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// acceptInvitation consumes the invitation and adds the membership; a zero
// joined means now. Following an invitation link bound to the account's own
// address proves that address (User.ConfirmedEmail).
func (db *DB) acceptInvitation(tx txn, digest []byte, userID string, inv *Invitation, joined time.Time) error {
	if err := findInvitation(tx, digest, inv); err != nil {
		return err
	}
	b, err := orgSub(tx, inv.OrgID, subInvitations)
	if err != nil {
		return err
	}
	if err := db.insertMember(tx, inv.OrgID, &Membership{UserID: userID, Role: inv.Role, JoinedAt: joined}); err != nil {
		return err
	}
	if err := confirmInvitedEmail(tx, userID, inv.Email); err != nil {
		return err
	}
	return deleteInvitation(tx, b, inv)
}

// confirmInvitedEmail records the account's address as confirmed when it is
// the address the invitation was issued to.
func confirmInvitedEmail(tx txn, userID, invited string) error {
	var u User
	if err := getUser(tx, userID, &u); err != nil {
		return err
	}
	if u.EmailConfirmed() || !bytes.Equal(emailKey(u.Email), emailKey(invited)) {
		return nil
	}
	u.ConfirmedEmail = u.Email
	return putJSON(tx.Bucket([]byte(bucketUsers)), []byte(u.ID), &u)
}

// findInvitation resolves a token digest through idx_invitation.
func findInvitation(tx txn, digest []byte, inv *Invitation) error {
	if len(digest) == 0 {
		return notFoundf(entityInvitation, "invitation")
	}
	ref := tx.Bucket([]byte(bucketIdxInvitation)).Get(digest)
	orgID, id, ok := splitComposite(ref)
	if !ok {
		return notFoundf(entityInvitation, "invitation")
	}
	b, err := orgSub(tx, orgID, subInvitations)
	if err != nil {
		return err
	}
	if err := getJSON(b, []byte(id), inv, entityInvitation); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(inv.Digest, digest) != 1 {
		return notFoundf(entityInvitation, "invitation")
	}
	return nil
}

// deleteInvitation removes an invitation and its digest index entry.
func deleteInvitation(tx txn, b bucket, inv *Invitation) error {
	if err := tx.Bucket([]byte(bucketIdxInvitation)).Delete(inv.Digest); err != nil {
		return err
	}
	return b.Delete([]byte(inv.ID))
}

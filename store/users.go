package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// User is an account. Users are global (one login, many organizations); their organizations
// are found through memberships. PasswordHash is a bcrypt hash and never leaves the API.
//
// ConfirmedEmail is the address the account holder proved to control by following a link
// that was mailed to it, or handed over bound to it (an invitation, an e-mail change
// confirmation); empty when none was proven, as after a plain registration. The account's
// address counts as confirmed only while it is that address (EmailConfirmed).
type User struct {
	ID              string    `json:"id"`
	Email           string    `json:"email"`
	ConfirmedEmail  string    `json:"confirmed_email,omitempty"`
	FullName        string    `json:"full_name"`
	PasswordHash    string    `json:"password_hash"`
	TokenVersion    int       `json:"token_version"`
	IsInstanceAdmin bool      `json:"is_instance_admin"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// EmailConfirmed reports whether the account's current address is one its holder proved to
// control (see ConfirmedEmail).
func (u *User) EmailConfirmed() bool {
	return u.ConfirmedEmail != "" && bytes.Equal(emailKey(u.ConfirmedEmail), emailKey(u.Email))
}

// errEmailTaken is the conflict of an e-mail address another account has.
var errEmailTaken = conflictf(entityUser, "An account with this e-mail address already exists.")

// Register creates an account together with its first organization and owner membership, in
// one transaction. It returns ErrConflict when the e-mail (compared case-insensitively) is
// taken. u.IsInstanceAdmin is decided here: true only for the first user ever. The slug is
// made unique by suffixing -2, -3, ...; empty IDs and times are filled in (u, org and owner
// are updated in place), see CreateOrganization for the organization defaults. change, if
// any, is recorded in the new organization.
func (db *DB) Register(u *User, org *Organization, owner *Membership, change *Change) error {
	return db.RegisterFirstAs(u, org, owner, change, nil)
}

// RegisterFirstAs is Register, with asFirst (when set) applied to org inside the same
// transaction when u turns out to be the first account ever — the instance admin, whose own
// organization SPEC §2.2 puts on a plan without caps. Deciding it there, not before, means
// two simultaneous first sign-ups cannot both get it.
func (db *DB) RegisterFirstAs(u *User, org *Organization, owner *Membership, change *Change, asFirst func(*Organization)) error {
	// The organization is created inside the transaction, so the change is recorded there.
	return db.update("", nil, func(tx txn) error {
		if err := db.registerTx(tx, u, org, owner, asFirst); err != nil {
			return err
		}
		return db.record(tx, org.ID, change)
	})
}

// registerTx is Register's body: the account, its organization and the owner membership.
func (db *DB) registerTx(tx txn, u *User, org *Organization, owner *Membership, asFirst func(*Organization)) error {
	users := tx.Bucket([]byte(bucketUsers))
	k, _ := users.Cursor().First()
	first := k == nil
	if err := db.insertUser(tx, u); err != nil {
		return err
	}
	u.IsInstanceAdmin = first
	if err := putJSON(users, []byte(u.ID), u); err != nil {
		return err
	}
	if first && asFirst != nil {
		asFirst(org)
	}
	return db.insertOrganization(tx, org, u.ID, owner)
}

// insertUser validates and indexes a new user's e-mail and fills its ID and times; the
// caller writes the record (after deciding IsInstanceAdmin).
func (db *DB) insertUser(tx txn, u *User) error {
	ek := emailKey(u.Email)
	if len(ek) == 0 {
		return errors.New("store: user e-mail is empty")
	}
	idx := tx.Bucket([]byte(bucketIdxUserEmail))
	if idx.Get(ek) != nil {
		return errEmailTaken
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	if tx.Bucket([]byte(bucketUsers)).Get([]byte(u.ID)) != nil {
		return conflictf(entityUser, "A user with ID %s already exists.", u.ID)
	}
	now := db.stamp()
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	return idx.Put(ek, []byte(u.ID))
}

// CountUsers returns the number of accounts on the instance.
func (db *DB) CountUsers() (int, error) {
	var n int
	err := db.view(func(tx txn) error {
		n = tx.Bucket([]byte(bucketUsers)).Stats().KeyN
		return nil
	})
	return n, err
}

// HasUsers reports whether any account exists (one cursor step, unlike CountUsers): an
// instance without one is on its first run.
func (db *DB) HasUsers() (bool, error) {
	var any bool
	err := db.view(func(tx txn) error {
		k, _ := tx.Bucket([]byte(bucketUsers)).Cursor().First()
		any = k != nil
		return nil
	})
	return any, err
}

// User returns the account with the given ID, or ErrNotFound.
func (db *DB) User(id string) (*User, error) {
	var u User
	err := db.view(func(tx txn) error {
		return getUser(tx, id, &u)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByEmail returns the account with the given e-mail, compared case-insensitively, or
// ErrNotFound.
func (db *DB) UserByEmail(email string) (*User, error) {
	var u User
	err := db.view(func(tx txn) error {
		id := tx.Bucket([]byte(bucketIdxUserEmail)).Get(emailKey(email))
		if id == nil {
			return notFoundf(entityUser, "user with e-mail %s", email)
		}
		return getUser(tx, string(id), &u)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// errEmailViaConfirmation refuses an e-mail change through UpdateUser: an address is taken
// into the e-mail index only once its holder proved it (ConfirmEmailChange).
var errEmailViaConfirmation = errors.New("store: the e-mail of an account changes only through ConfirmEmailChange")

// UpdateUser loads the account, lets fn change it and stores the result. fn runs inside the
// write transaction, so it must be quick: hash passwords before calling. An error from fn
// aborts the update and is returned as is. ID and CreatedAt cannot be changed; UpdatedAt is
// set. The e-mail cannot be changed here (an error): RequestEmailChange and
// ConfirmEmailChange do that, so the index never holds an address nobody proved.
// change, if any, is recorded in organization auditOrgID (the caller's active one: an
// account belongs to no organization of its own).
func (db *DB) UpdateUser(id string, fn func(*User) error, auditOrgID string, change *Change) (*User, error) {
	var u User
	err := db.update(auditOrgID, change, func(tx txn) error {
		if err := getUser(tx, id, &u); err != nil {
			return err
		}
		email, created := u.Email, u.CreatedAt
		if err := fn(&u); err != nil {
			return err
		}
		if u.Email != email {
			return errEmailViaConfirmation
		}
		u.ID, u.CreatedAt, u.UpdatedAt = id, created, db.stamp()
		return putJSON(tx.Bucket([]byte(bucketUsers)), []byte(id), &u)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// reindexEmail moves a user's idx_user_email entry from oldKey to newKey.
func reindexEmail(tx txn, oldKey, newKey []byte, userID, email string) error {
	if len(newKey) == 0 {
		return errors.New("store: user e-mail is empty")
	}
	idx := tx.Bucket([]byte(bucketIdxUserEmail))
	if owner := idx.Get(newKey); owner != nil && string(owner) != userID {
		return errEmailTaken
	}
	if err := idx.Delete(oldKey); err != nil {
		return err
	}
	return idx.Put(newKey, []byte(userID))
}

// getUser decodes users/<id> into u.
func getUser(tx txn, id string, u *User) error {
	err := getJSON(tx.Bucket([]byte(bucketUsers)), []byte(id), u, entityUser)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: user %s: %w", id, err)
	}
	return err
}

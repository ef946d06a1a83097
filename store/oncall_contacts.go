package store

import (
	"bytes"
	"time"
)

// Organization children of personal on-call settings (SPEC §11), keyed by user ID:
// contact methods (userID → []ContactMethod JSON) and the calendar feed token
// (userID → CalendarToken JSON). Both are per organization: paging happens in an
// organization, and secrets are sealed under it. The global idx_oncall_calendar maps a
// feed token's SHA-256 digest to orgID/userID.
const (
	subContactMethods        = "oncall_contact_methods"
	subCalendarTokens        = "oncall_calendar_tokens"
	bucketIdxCalendarToken   = "idx_oncall_calendar"
	entityContactMethod      = "Contact method"
	entityCalendarToken      = "Calendar feed"
	maxContactMethodsPerUser = 10
)

// ContactMethod is one personal way of paging a member: a channel type (sms via
// twilio_sms, telegram, pushover, ntfy, email) with that type's config; secret fields are
// sealed under the organization and the record notify.ContactSecretRecord names.
type ContactMethod struct {
	ID            string            `json:"id"`
	Type          string            `json:"type"`
	Config        map[string]any    `json:"config"`
	SealedSecrets map[string][]byte `json:"sealed_secrets,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
}

// OutboxKindContact is a member's personal contact method (SPEC §11), looked up at send
// time; its target is ContactTarget.
const OutboxKindContact = "contact"

// ContactTarget is the outbox target of contact method methodID of user userID.
func ContactTarget(userID, methodID string) string { return userID + "/" + methodID }

// CalendarToken is the digest of a member's calendar feed token.
type CalendarToken struct {
	Digest    []byte    `json:"digest"`
	CreatedAt time.Time `json:"created_at"`
}

// ContactMethods returns userID's contact methods in orgID; never nil.
func (db *DB) ContactMethods(orgID, userID string) ([]ContactMethod, error) {
	out := []ContactMethod{}
	err := db.view(func(tx txn) error { return getContactMethods(tx, orgID, userID, &out) })
	return out, err
}

// ContactMethods returns userID's contact methods inside the alert transaction.
func (t *AlertTx) ContactMethods(orgID, userID string) ([]ContactMethod, error) {
	out := []ContactMethod{}
	return out, getContactMethods(t.tx, orgID, userID, &out)
}

// UpdateContactMethods lets fn change userID's list in orgID, in one write transaction.
// More than maxContactMethodsPerUser is refused (the list is read at every page).
func (db *DB) UpdateContactMethods(orgID, userID string, fn func([]ContactMethod) ([]ContactMethod, error), change *Change) ([]ContactMethod, error) {
	var out []ContactMethod
	err := db.update(orgID, change, func(tx txn) error {
		cur := []ContactMethod{}
		if err := getContactMethods(tx, orgID, userID, &cur); err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil {
			return err
		}
		if len(next) > maxContactMethodsPerUser {
			return conflictf(entityContactMethod, "A member may have at most %d contact methods.", maxContactMethodsPerUser)
		}
		b, err := orgSub(tx, orgID, subContactMethods)
		if err != nil {
			return err
		}
		out = next
		return putJSON(b, []byte(userID), next)
	})
	return out, err
}

func getContactMethods(tx txn, orgID, userID string, out *[]ContactMethod) error {
	b, err := orgSub(tx, orgID, subContactMethods)
	if err != nil {
		return err
	}
	if !b.exists() || b.Get([]byte(userID)) == nil {
		return nil
	}
	return getJSON(b, []byte(userID), out, entityContactMethod)
}

// CalendarFeed reports whether userID has a calendar feed token in orgID, and since when.
func (db *DB) CalendarFeed(orgID, userID string) (*CalendarToken, error) {
	var t CalendarToken
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subCalendarTokens)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(userID), &t, entityCalendarToken)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// SetCalendarToken replaces userID's feed token in orgID with digest (nil revokes it); the
// old token stops working in the same transaction. Revoking when there is none is
// ErrNotFound.
func (db *DB) SetCalendarToken(orgID, userID string, digest []byte, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subCalendarTokens)
		if err != nil {
			return err
		}
		idx, err := calendarIndex(tx)
		if err != nil {
			return err
		}
		var old CalendarToken
		switch err := getJSON(b, []byte(userID), &old, entityCalendarToken); {
		case err == nil:
			if err := idx.Delete(old.Digest); err != nil {
				return err
			}
		case digest == nil:
			return err
		}
		if digest == nil {
			return b.Delete([]byte(userID))
		}
		if idx.Get(digest) != nil {
			return conflictf(entityCalendarToken, "That calendar token is taken.")
		}
		if err := idx.Put(bytes.Clone(digest), compositeKey(orgID, userID)); err != nil {
			return err
		}
		return putJSON(b, []byte(userID), &CalendarToken{Digest: bytes.Clone(digest), CreatedAt: db.stamp()})
	})
}

// CalendarOwner resolves a feed token digest to its organization and user, comparing the
// stored digest in constant time; ErrNotFound for an unknown or revoked token.
func (db *DB) CalendarOwner(digest []byte) (orgID, userID string, err error) {
	err = db.view(func(tx txn) error {
		idx := tx.Bucket([]byte(bucketIdxCalendarToken))
		if !idx.exists() || len(digest) == 0 {
			return notFoundf(entityCalendarToken, "calendar token")
		}
		o, u, ok := splitComposite(idx.Get(digest))
		if !ok {
			return notFoundf(entityCalendarToken, "calendar token")
		}
		b, err := orgSub(tx, o, subCalendarTokens)
		if err != nil {
			return err
		}
		var t CalendarToken
		if err := getJSON(b, []byte(u), &t, entityCalendarToken); err != nil {
			return err
		}
		if !digestEqual(t.Digest, digest) {
			return notFoundf(entityCalendarToken, "calendar token")
		}
		orgID, userID = o, u
		return nil
	})
	return orgID, userID, err
}

// calendarIndex returns idx_oncall_calendar, created on first write.
func calendarIndex(tx txn) (bucket, error) {
	if b := tx.Bucket([]byte(bucketIdxCalendarToken)); b.exists() || !tx.Writable() {
		return b, nil
	}
	return tx.CreateBucket([]byte(bucketIdxCalendarToken))
}

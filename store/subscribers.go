package store

import (
	"fmt"
	"strings"
	"time"
)

// Buckets of status-page subscribers (SPEC §3.16), all created on first write:
// subscribers holds subscriberID → Subscriber JSON; page_subscribers is pageID + "/" +
// subscriberID → nil (a page's subscribers, oldest first, as one prefix scan);
// subscriber_keys is pageID + "/" + address key → subscriberID, which makes an e-mail
// (case-insensitively) or a webhook URL unique per page. The global idx_subscriber_token
// maps sha256(token) → orgID + "/" + subscriberID for the public confirm and unsubscribe
// links, which arrive before the organization is known.
const (
	subSubscribers           = "subscribers"
	subPageSubscribers       = "page_subscribers"
	subSubscriberKeys        = "subscriber_keys"
	bucketIdxSubscriberToken = "idx_subscriber_token"
)

// Subscriber types and statuses.
const (
	SubscriberEmail     = "email"
	SubscriberWebhook   = "webhook"
	SubscriberPending   = "pending"
	SubscriberConfirmed = "confirmed"
)

// Subscriber is one recipient of a status page's incident and maintenance notices: an
// e-mail address (double opt-in: pending until its confirmation link is followed), a
// webhook URL, or a phone number (subscribers_sms.go: confirmed by a texted code). The URL may carry credentials, so the API seals it (bound to the
// organization and "subscriber:<id>:url") and the store keeps only the sealed bytes, a
// masked DisplayURL and URLDigest (sha256 of the URL, for uniqueness). Tokens are kept
// as digests; the unsubscribe token is also sealed ("subscriber:<id>:unsubscribe") because
// every later message must carry the link again.
type Subscriber struct {
	ID                string     `json:"id"`
	OrgID             string     `json:"org_id"`
	PageID            string     `json:"page_id"`
	Type              string     `json:"type"`
	Email             string     `json:"email,omitempty"`
	Name              string     `json:"name,omitempty"` // optional, from an import
	SealedURL         []byte     `json:"sealed_url,omitempty"`
	DisplayURL        string     `json:"display_url,omitempty"`
	URLDigest         []byte     `json:"url_digest,omitempty"`
	Status            string     `json:"status"`
	ConfirmDigest     []byte     `json:"confirm_digest,omitempty"`
	ConfirmSentAt     time.Time  `json:"confirm_sent_at,omitzero"` // when the last confirm token was issued
	UnsubscribeDigest []byte     `json:"unsubscribe_digest"`
	SealedUnsubscribe []byte     `json:"sealed_unsubscribe"`
	CreatedAt         time.Time  `json:"created_at"`
	ConfirmedAt       *time.Time `json:"confirmed_at"`
	// Phone and SMSCode belong to SMS subscribers (subscribers_sms.go).
	Phone   string   `json:"phone,omitempty"`
	SMSCode *SMSCode `json:"sms_code,omitempty"`
}

// addressKey is the subscriber's identity on its page: its lower-case e-mail, or the
// digest of its webhook URL.
func (s *Subscriber) addressKey() string {
	if s.Type == SubscriberWebhook {
		return fmt.Sprintf("w:%x", s.URLDigest)
	}
	if s.Type == SubscriberSMS {
		return "p:" + s.Phone
	}
	return "e:" + strings.ToLower(strings.TrimSpace(s.Email))
}

// SubscribeOutcome tells AddSubscriber's caller what happened.
type SubscribeOutcome int

// Outcomes of AddSubscriber.
const (
	// SubscriberCreated: a new subscriber was stored.
	SubscriberCreated SubscribeOutcome = iota
	// SubscriberRenewed: the address was pending; its confirm token was replaced by the
	// new one, so the confirmation can be sent again.
	SubscriberRenewed
	// SubscriberExisting: the address is already confirmed; nothing changed.
	SubscriberExisting
	// SubscriberPendingRecent: the address is pending and its confirmation went out less
	// than confirmResendInterval ago; nothing changed, so repeated subscribes (from many
	// addresses, past the per-IP limit) cannot flood a mailbox with confirmations.
	SubscriberPendingRecent
)

// confirmResendInterval is the least time between two confirmation e-mails to a pending
// address.
const confirmResendInterval = 5 * time.Minute

// AddSubscriber subscribes s (Type, PageID, Email or the URL fields, Status, the token
// digests and seals; a given ID is kept, as the API seals against it) to a page of orgID,
// allowing at most limit subscribers in the organization (negative: no cap; ErrPlanLimit
// beyond, nothing stored). The count and the insert share the transaction, so concurrent
// subscribes cannot overshoot. When the address is already on the page, *s is replaced
// by the stored subscriber and the outcome says whether it was pending (its confirm
// digest is then replaced by s's, unless the last one is recent) or confirmed (unchanged). ErrNotFound when the page is
// not the organization's. change, if any, is recorded only when a subscriber is created.
func (db *DB) AddSubscriber(orgID string, s *Subscriber, limit int, change *Change) (SubscribeOutcome, error) {
	outcome := SubscriberCreated
	err := db.update(orgID, nil, func(tx txn) error {
		keys, err := pageSubscriberKeys(tx, orgID, s.PageID)
		if err != nil {
			return err
		}
		if id := keys.Get(compositeKey(s.PageID, s.addressKey())); id != nil {
			var cur Subscriber
			if err := getSubscriber(tx, orgID, string(id), &cur); err != nil {
				return err
			}
			outcome = SubscriberExisting
			switch now := db.stamp(); {
			case cur.Status != SubscriberPending || len(s.ConfirmDigest) == 0:
			case now.Sub(cur.ConfirmSentAt) < confirmResendInterval:
				outcome = SubscriberPendingRecent
			default:
				outcome, cur.ConfirmSentAt = SubscriberRenewed, now
				if err := replaceConfirmDigest(tx, &cur, s.ConfirmDigest); err != nil {
					return err
				}
			}
			*s = cur
			return nil
		}
		return db.insertSubscriber(tx, orgID, s, limit, keys, change)
	})
	return outcome, err
}

// insertSubscriber stores the new subscriber s under the organization's cap (limit < 0:
// none) and records change; the caller has checked its address is not on the page.
func (db *DB) insertSubscriber(tx txn, orgID string, s *Subscriber, limit int, keys bucket, change *Change) error {
	b, err := orgSub(tx, orgID, subSubscribers)
	if err != nil {
		return err
	}
	if n := b.Stats().KeyN; limit >= 0 && n >= limit {
		return planLimitf(entitySubscriber, "Subscriber limit reached: %d of %d status-page subscribers this organization's plan allows.", n, limit)
	}
	s.OrgID = orgID
	if err := putNewSubscriber(tx, b, keys, s, db.stamp()); err != nil {
		return err
	}
	return db.record(tx, orgID, change)
}

// pageSubscriberKeys is the address-key index of the organization's subscribers, once
// page pageID is known to be orgID's (ErrNotFound otherwise).
func pageSubscriberKeys(tx txn, orgID, pageID string) (bucket, error) {
	if err := getStatusPage(tx, orgID, pageID, &StatusPage{}); err != nil {
		return bucket{}, err
	}
	return orgSub(tx, orgID, subSubscriberKeys)
}

// putNewSubscriber stores s (OrgID and PageID set), created at now, in subscribers b: its
// ID (a fresh one when empty; an existing one is ErrConflict), its address key in keys,
// its confirm and unsubscribe token digests and the record.
func putNewSubscriber(tx txn, b, keys bucket, s *Subscriber, now time.Time) error {
	if s.ID == "" {
		s.ID = NewID()
	}
	if b.Get([]byte(s.ID)) != nil {
		return conflictf(entitySubscriber, "A subscriber with ID %s already exists.", s.ID)
	}
	s.CreatedAt = now
	if len(s.ConfirmDigest) > 0 {
		s.ConfirmSentAt = now
	}
	if err := keys.Put(compositeKey(s.PageID, s.addressKey()), []byte(s.ID)); err != nil {
		return err
	}
	for _, d := range [][]byte{s.ConfirmDigest, s.UnsubscribeDigest} {
		if err := indexSubscriberToken(tx, d, s); err != nil {
			return err
		}
	}
	return putSubscriber(tx, s)
}

// Subscriber returns subscriber id of page pageID of orgID, or ErrNotFound.
func (db *DB) Subscriber(orgID, pageID, id string) (*Subscriber, error) {
	var s Subscriber
	err := db.view(func(tx txn) error { return getPageSubscriber(tx, orgID, pageID, id, &s) })
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Subscribers lists the subscribers of page pageID of orgID, oldest first; never nil.
// ErrNotFound when the page is not the organization's.
func (db *DB) Subscribers(orgID, pageID string) ([]Subscriber, error) {
	out := make([]Subscriber, 0)
	err := db.view(func(tx txn) error {
		if err := getStatusPage(tx, orgID, pageID, &StatusPage{}); err != nil {
			return err
		}
		return eachPageSubscriber(tx, orgID, pageID, func(s *Subscriber) error {
			out = append(out, *s)
			return nil
		})
	})
	return out, err
}

// DeleteSubscriber removes subscriber id of page pageID of orgID with its index entries.
func (db *DB) DeleteSubscriber(orgID, pageID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var s Subscriber
		if err := getPageSubscriber(tx, orgID, pageID, id, &s); err != nil {
			return err
		}
		return removeSubscriber(tx, &s)
	})
}

// putSubscriber stores s and its page-index entry.
func putSubscriber(tx txn, s *Subscriber) error {
	b, err := orgSub(tx, s.OrgID, subSubscribers)
	if err != nil {
		return err
	}
	idx, err := orgSub(tx, s.OrgID, subPageSubscribers)
	if err != nil {
		return err
	}
	if err := idx.Put(compositeKey(s.PageID, s.ID), nil); err != nil {
		return err
	}
	return putJSON(b, []byte(s.ID), s)
}

// removeSubscriber deletes s, its page and address entries and its tokens.
func removeSubscriber(tx txn, s *Subscriber) error {
	for _, d := range [][]byte{s.ConfirmDigest, s.UnsubscribeDigest} {
		if err := unindexSubscriberToken(tx, d); err != nil {
			return err
		}
	}
	for _, k := range []struct{ bucket, key string }{
		{subPageSubscribers, s.PageID + keySeparator + s.ID},
		{subSubscriberKeys, s.PageID + keySeparator + s.addressKey()},
		{subSubscribers, s.ID},
	} {
		b, err := orgSub(tx, s.OrgID, k.bucket)
		if err != nil {
			return err
		}
		if err := b.Delete([]byte(k.key)); err != nil {
			return err
		}
	}
	return nil
}

// getSubscriber decodes subscriber id of orgID into s.
func getSubscriber(tx txn, orgID, id string, s *Subscriber) error {
	b, err := orgSub(tx, orgID, subSubscribers)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), s, entitySubscriber)
}

// getPageSubscriber is getSubscriber that also checks the subscriber is on pageID.
func getPageSubscriber(tx txn, orgID, pageID, id string, s *Subscriber) error {
	if err := getSubscriber(tx, orgID, id, s); err != nil {
		return err
	}
	if s.PageID != pageID {
		return notFoundf(entitySubscriber, "subscriber %s on status page %s", id, pageID)
	}
	return nil
}

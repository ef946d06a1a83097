package store

import (
	"bytes"
	"crypto/subtle"
	"time"
)

// SubscriberSMS is a phone number subscribed to a status page's texts (SPEC §3.16,
// status_pages_sms.go). Its Phone is in E.164; it is confirmed by a six-digit code sent
// by SMS (SMSCode), never by a link, so it has no confirm token in idx_subscriber_token.
const SubscriberSMS = "sms"

// SMSCodeAttempts is how many wrong codes a pending SMS subscriber may enter before its
// code is void and a new one must be requested: with a million codes, five guesses
// succeed once in 200 000.
const SMSCodeAttempts = 5

// smsResendInterval is the least time between two codes texted to one pending number.
const smsResendInterval = time.Minute

// SMSCode is the pending confirmation code of an SMS subscriber: only a keyed digest of
// the code is kept (the API computes it, bound to the page and the number), with when it
// was sent, when it expires and how many wrong codes were entered since.
type SMSCode struct {
	Digest    []byte    `json:"digest"`
	SentAt    time.Time `json:"sent_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Attempts  int       `json:"attempts"`
}

// SMSConfirmOutcome is what ConfirmSMSSubscriber made of a code.
type SMSConfirmOutcome int

// Outcomes of ConfirmSMSSubscriber.
const (
	// SMSConfirmed: the code matched; the subscriber is confirmed.
	SMSConfirmed SMSConfirmOutcome = iota
	// SMSCodeWrong: no pending subscriber with that number, or the code did not match
	// (one attempt used).
	SMSCodeWrong
	// SMSCodeExpired: the code is older than its lifetime.
	SMSCodeExpired
	// SMSCodeExhausted: SMSCodeAttempts wrong codes were entered; the code is void.
	SMSCodeExhausted
)

// AddSMSSubscriber subscribes the pending SMS subscriber s (PageID, Phone, SMSCode, the
// unsubscribe digest and seal; a given ID is kept) to a page of orgID under the plan cap
// limit, which counts every subscriber of the organization, whatever its type (negative:
// no cap; ErrPlanLimit beyond). A number already on the page gives SubscriberExisting
// when confirmed, SubscriberPendingRecent when its last code went out less than
// smsResendInterval ago, else SubscriberRenewed with s's code replacing the old one (and
// its attempts reset); *s is then the stored subscriber. change is recorded only when a
// subscriber is created.
func (db *DB) AddSMSSubscriber(orgID string, s *Subscriber, limit int, change *Change) (SubscribeOutcome, error) {
	outcome := SubscriberCreated
	err := db.update(orgID, nil, func(tx txn) error {
		keys, err := pageSubscriberKeys(tx, orgID, s.PageID)
		if err != nil {
			return err
		}
		now := db.stamp()
		if s.SMSCode != nil {
			s.SMSCode.SentAt = now
		}
		if id := keys.Get(compositeKey(s.PageID, s.addressKey())); id != nil {
			var cur Subscriber
			if err := getSubscriber(tx, orgID, string(id), &cur); err != nil {
				return err
			}
			switch {
			case cur.Status != SubscriberPending:
				outcome = SubscriberExisting
			case cur.SMSCode != nil && now.Sub(cur.SMSCode.SentAt) < smsResendInterval:
				outcome = SubscriberPendingRecent
			default:
				outcome, cur.SMSCode = SubscriberRenewed, s.SMSCode
				if err := putSubscriber(tx, &cur); err != nil {
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

// ConfirmSMSSubscriber checks digest (of the code entered for phone on page pageID of
// orgID) against the pending subscriber's code, in constant time (useSMSCode). A match
// confirms the subscriber and retires the code. describe, if set, gives the change
// recorded with the confirmation.
func (db *DB) ConfirmSMSSubscriber(orgID, pageID, phone string, digest []byte, describe func(*Subscriber) *Change) (SMSConfirmOutcome, *Subscriber, error) {
	return db.useSMSCode(orgID, pageID, phone, digest, SubscriberPending, func(tx txn, s *Subscriber) error {
		now := db.stamp()
		s.SMSCode, s.Status, s.ConfirmedAt = nil, SubscriberConfirmed, &now
		if err := putSubscriber(tx, s); err != nil {
			return err
		}
		return db.recordDescribed(tx, s, describe)
	})
}

// useSMSCode checks digest against the code of phone's SMS subscriber on the page, which
// must have status, and on a match runs done in the same transaction. A mismatch uses one
// of SMSCodeAttempts attempts (committed, so the count survives the error answer). An
// unknown number, one in another status or without a code reads as a wrong code, so the
// answer does not tell who subscribed.
func (db *DB) useSMSCode(orgID, pageID, phone string, digest []byte, status string, done func(txn, *Subscriber) error) (SMSConfirmOutcome, *Subscriber, error) {
	outcome := SMSCodeWrong
	var s Subscriber
	err := db.update(orgID, nil, func(tx txn) error {
		if found, err := smsSubscriberOf(tx, orgID, pageID, phone, &s); !found {
			return err
		}
		code := s.SMSCode
		switch {
		case s.Type != SubscriberSMS || s.Status != status || code == nil:
			return nil
		case !db.stamp().Before(code.ExpiresAt):
			outcome = SMSCodeExpired
			return nil
		case code.Attempts >= SMSCodeAttempts:
			outcome = SMSCodeExhausted
			return nil
		case len(code.Digest) == 0 || subtle.ConstantTimeCompare(code.Digest, digest) != 1:
			code.Attempts++
			if code.Attempts >= SMSCodeAttempts {
				outcome = SMSCodeExhausted
			}
			return putSubscriber(tx, &s)
		}
		outcome = SMSConfirmed
		return done(tx, &s)
	})
	if err != nil || outcome != SMSConfirmed {
		return outcome, nil, err
	}
	return outcome, &s, nil
}

// RemoveSMSNumber removes phone from every page of orgID that texts through channel
// channelID (a reply STOP to that channel's number opts the number out of all of them,
// as the carrier does) and returns the removed subscribers. describe, if set, gives the
// change recorded for each.
func (db *DB) RemoveSMSNumber(orgID, channelID, phone string, describe func(*Subscriber) *Change) ([]Subscriber, error) {
	var removed []Subscriber
	err := db.update(orgID, nil, func(tx txn) error {
		removed = nil
		list, err := orgStatusPages(tx, orgID)
		if err != nil || len(list) == 0 {
			return err
		}
		keys, err := orgSub(tx, orgID, subSubscriberKeys)
		if err != nil {
			return err
		}
		key := (&Subscriber{Type: SubscriberSMS, Phone: phone}).addressKey()
		for i := range list {
			if list[i].SMS.ChannelID != channelID {
				continue
			}
			id := keys.Get(compositeKey(list[i].ID, key))
			if id == nil {
				continue
			}
			var s Subscriber
			if err := getSubscriber(tx, orgID, string(bytes.Clone(id)), &s); err != nil {
				return err
			}
			if err := removeSubscriber(tx, &s); err != nil {
				return err
			}
			if err := db.recordDescribed(tx, &s, describe); err != nil {
				return err
			}
			removed = append(removed, s)
		}
		return nil
	})
	return removed, err
}

// smsSubscriberOf reads phone's SMS subscriber of page pageID of orgID into s; found is
// false (and err nil) when the page has no subscriber with that number.
func smsSubscriberOf(tx txn, orgID, pageID, phone string, s *Subscriber) (found bool, err error) {
	keys, err := orgSub(tx, orgID, subSubscriberKeys)
	if err != nil {
		return false, err
	}
	id := keys.Get(compositeKey(pageID, (&Subscriber{Type: SubscriberSMS, Phone: phone}).addressKey()))
	if id == nil {
		return false, nil
	}
	if err := getSubscriber(tx, orgID, string(id), s); err != nil {
		return false, err
	}
	return true, nil
}

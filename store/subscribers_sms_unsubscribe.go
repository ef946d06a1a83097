package store

// Unsubscribing a phone number on the web: the number asks for a code, which is texted to
// it, and entering the code removes the subscriber. Replying STOP does the same through
// the inbound webhook (RemoveSMSNumber); this path is for people who prefer the page.

// RequestSMSUnsubscribe gives the confirmed SMS subscriber phone of page pageID of orgID
// the unsubscribe code code (its SentAt is set here) and returns the subscriber, or nil
// when there is none or its last code went out less than smsResendInterval ago (nothing
// is texted then, and the caller answers the same either way).
func (db *DB) RequestSMSUnsubscribe(orgID, pageID, phone string, code *SMSCode) (*Subscriber, error) {
	var out *Subscriber
	err := db.update(orgID, nil, func(tx txn) error {
		var s Subscriber
		if found, err := smsSubscriberOf(tx, orgID, pageID, phone, &s); !found {
			return err
		}
		now := db.stamp()
		if s.Type != SubscriberSMS || s.Status != SubscriberConfirmed || (s.SMSCode != nil && now.Sub(s.SMSCode.SentAt) < smsResendInterval) {
			return nil
		}
		code.SentAt = now
		s.SMSCode = code
		if err := putSubscriber(tx, &s); err != nil {
			return err
		}
		out = &s
		return nil
	})
	return out, err
}

// UnsubscribeSMS checks digest against the unsubscribe code of the confirmed SMS
// subscriber phone (useSMSCode: attempts, expiry, constant time) and on a match removes
// the subscriber, recording describe's change.
func (db *DB) UnsubscribeSMS(orgID, pageID, phone string, digest []byte, describe func(*Subscriber) *Change) (SMSConfirmOutcome, error) {
	outcome, _, err := db.useSMSCode(orgID, pageID, phone, digest, SubscriberConfirmed, func(tx txn, s *Subscriber) error {
		if err := removeSubscriber(tx, s); err != nil {
			return err
		}
		return db.recordDescribed(tx, s, describe)
	})
	return outcome, err
}

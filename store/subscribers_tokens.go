package store

import (
	"bytes"
	"crypto/subtle"
)

// Subscriber tokens: the confirm token of a pending e-mail address and the unsubscribe
// token of every subscriber, kept as SHA-256 digests in the subscriber and in the global
// idx_subscriber_token (digest → orgID/subscriberID), compared in constant time.

// ConfirmSubscriber confirms the pending subscriber whose confirm token hashes to digest
// and retires that token (a confirm link works once). ErrNotFound for an unknown,
// used or mismatching token. describe, if not nil, gives the change to record with it in
// the subscriber's organization: only the transaction knows which subscriber it is.
func (db *DB) ConfirmSubscriber(digest []byte, describe func(*Subscriber) *Change) (*Subscriber, error) {
	var s Subscriber
	err := db.update("", nil, func(tx txn) error {
		if err := subscriberByToken(tx, digest, &s); err != nil {
			return err
		}
		if !digestEqual(s.ConfirmDigest, digest) {
			return notFoundf(entitySubscriber, "subscriber token")
		}
		if err := replaceConfirmDigest(tx, &s, nil); err != nil {
			return err
		}
		now := db.stamp()
		s.Status, s.ConfirmedAt = SubscriberConfirmed, &now
		if err := putSubscriber(tx, &s); err != nil {
			return err
		}
		return db.recordDescribed(tx, &s, describe)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Unsubscribe removes the subscriber whose unsubscribe token hashes to digest and returns
// it as it was. ErrNotFound for an unknown token (also one already used). describe is as
// for ConfirmSubscriber.
func (db *DB) Unsubscribe(digest []byte, describe func(*Subscriber) *Change) (*Subscriber, error) {
	var s Subscriber
	err := db.update("", nil, func(tx txn) error {
		if err := subscriberByToken(tx, digest, &s); err != nil {
			return err
		}
		if !digestEqual(s.UnsubscribeDigest, digest) {
			return notFoundf(entitySubscriber, "subscriber token")
		}
		if err := removeSubscriber(tx, &s); err != nil {
			return err
		}
		return db.recordDescribed(tx, &s, describe)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// recordDescribed records describe(s), if describe is set, in s's organization.
func (db *DB) recordDescribed(tx txn, s *Subscriber, describe func(*Subscriber) *Change) error {
	if describe == nil {
		return nil
	}
	return db.record(tx, s.OrgID, describe(s))
}

// digestEqual compares two token digests in constant time; empty never matches.
func digestEqual(stored, presented []byte) bool {
	return len(stored) > 0 && subtle.ConstantTimeCompare(stored, presented) == 1
}

// subscriberByToken resolves idx_subscriber_token into s; the caller checks which of
// s's digests matched.
func subscriberByToken(tx txn, digest []byte, s *Subscriber) error {
	idx := tx.Bucket([]byte(bucketIdxSubscriberToken))
	if !idx.exists() || len(digest) == 0 {
		return notFoundf(entitySubscriber, "subscriber token")
	}
	orgID, id, ok := splitComposite(idx.Get(digest))
	if !ok {
		return notFoundf(entitySubscriber, "subscriber token")
	}
	return getSubscriber(tx, orgID, id, s)
}

// tokenIndex returns idx_subscriber_token, created on first write.
func tokenIndex(tx txn) (bucket, error) {
	if b := tx.Bucket([]byte(bucketIdxSubscriberToken)); b.exists() || !tx.Writable() {
		return b, nil
	}
	return tx.CreateBucket([]byte(bucketIdxSubscriberToken))
}

// indexSubscriberToken points digest (if any) at s.
func indexSubscriberToken(tx txn, digest []byte, s *Subscriber) error {
	if len(digest) == 0 {
		return nil
	}
	idx, err := tokenIndex(tx)
	if err != nil {
		return err
	}
	if idx.Get(digest) != nil {
		return conflictf(entitySubscriber, "A subscriber with that token already exists.")
	}
	return idx.Put(bytes.Clone(digest), compositeKey(s.OrgID, s.ID))
}

// replaceConfirmDigest swaps s's confirm digest (and its index entry) for next (nil:
// none) and stores s.
func replaceConfirmDigest(tx txn, s *Subscriber, next []byte) error {
	if err := unindexSubscriberToken(tx, s.ConfirmDigest); err != nil {
		return err
	}
	s.ConfirmDigest = bytes.Clone(next)
	if err := indexSubscriberToken(tx, s.ConfirmDigest, s); err != nil {
		return err
	}
	return putSubscriber(tx, s)
}

// unindexSubscriberToken removes digest (if any) from idx_subscriber_token.
func unindexSubscriberToken(tx txn, digest []byte) error {
	idx, err := tokenIndex(tx)
	if err != nil || len(digest) == 0 {
		return err
	}
	return idx.Delete(digest)
}

package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// legacySubscriberTarget prefixed the target of a subscriber notice queued before version
// 2, when such notices were entries of kind email or webhook and the sender told them from
// other e-mails and webhooks by this prefix.
const legacySubscriberTarget = "subscriber:"

// subscriberOutboxKind (version 2) gives the status-page subscriber notices waiting in an
// outbox or its dead letters their own kind: kind email or webhook with target
// "subscriber:<pageID>/<subscriberID>" becomes OutboxKindSubscriber with
// SubscriberTarget, so every destination is resolved by its kind. A queued entry moves in
// the destination index with it (its order among that subscriber's entries is kept: the
// index orders by creation time). Organizations being deleted are converted too; their
// drain removes them anyway.
func subscriberOutboxKind(tx txn) error {
	orgs := tx.Bucket([]byte(bucketOrgs))
	if !orgs.exists() {
		return nil
	}
	var ids [][]byte
	if err := orgs.ForEach(func(k, v []byte) error {
		if v == nil { // a child bucket: one organization
			ids = append(ids, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		org := orgs.Bucket(id)
		dest := org.Bucket([]byte(subOutboxDest))
		if err := convertSubscriberEntries(org.Bucket([]byte(subOutbox)), dest); err != nil {
			return fmt.Errorf("outbox of organization %s: %w", id, err)
		}
		if err := convertSubscriberEntries(org.Bucket([]byte(subDeadLetters)), bucket{}); err != nil {
			return fmt.Errorf("dead letters of organization %s: %w", id, err)
		}
	}
	return nil
}

// convertSubscriberEntries rewrites the legacy subscriber entries of b (an outbox or dead
// letters; missing: none) in place, re-keying them in dest (the outbox's destination index;
// missing: none yet, openOutbox fills it from the converted queue). Collect, then write.
func convertSubscriberEntries(b, dest bucket) error {
	if !b.exists() {
		return nil
	}
	type legacy struct {
		key []byte
		e   OutboxEntry
	}
	var found []legacy
	if err := b.ForEach(func(k, v []byte) error {
		var e OutboxEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("entry at %x: %w", k, err)
		}
		if (e.Kind == OutboxKindEmail || e.Kind == OutboxKindWebhook) && strings.HasPrefix(e.TargetID, legacySubscriberTarget) {
			found = append(found, legacy{bytes.Clone(k), e})
		}
		return nil
	}); err != nil {
		return err
	}
	for _, l := range found {
		e := l.e
		if dest.exists() {
			old, err := outboxDestKey(&e)
			if err != nil {
				return err
			}
			if err := dest.Delete(old); err != nil {
				return err
			}
		}
		e.Kind, e.TargetID = OutboxKindSubscriber, strings.TrimPrefix(e.TargetID, legacySubscriberTarget)
		if err := putJSON(b, l.key, &e); err != nil {
			return err
		}
		if dest.exists() {
			k, err := outboxDestKey(&e)
			if err != nil {
				return err
			}
			if err := dest.Put(k, l.key); err != nil {
				return err
			}
		}
	}
	return nil
}

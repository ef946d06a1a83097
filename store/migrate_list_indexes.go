package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// listIndexes (version 3) builds the indexes the paged lists walk where their order is not
// the key of the records' bucket: member_ids (membership ID → user ID) from every
// organization's members, and alert_open_ids (the open alerts by ID) from its alert_open
// index, confirmed against the alerts themselves. Organizations being deleted are indexed
// too; their drain removes them anyway.
func listIndexes(tx txn) error {
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
		if err := indexMembers(org); err != nil {
			return fmt.Errorf("members of organization %s: %w", id, err)
		}
		if err := indexOpenAlerts(org); err != nil {
			return fmt.Errorf("open alerts of organization %s: %w", id, err)
		}
	}
	return nil
}

// indexMembers fills org's member_ids from its members.
func indexMembers(org bucket) error {
	members := org.Bucket([]byte(subMembers))
	if !members.exists() {
		return nil
	}
	type entry struct{ id, userID []byte }
	var found []entry
	err := members.ForEach(func(k, v []byte) error {
		var m struct {
			ID string `json:"id"`
		}
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("decode member %q: %w", k, err)
		}
		if m.ID != "" {
			found = append(found, entry{[]byte(m.ID), bytes.Clone(k)})
		}
		return nil
	})
	if err != nil || len(found) == 0 {
		return err
	}
	idx, err := org.CreateBucketIfNotExists([]byte(subMemberIDs))
	if err != nil {
		return err
	}
	for _, e := range found {
		if err := idx.Put(e.id, e.userID); err != nil {
			return err
		}
	}
	return nil
}

// indexOpenAlerts fills org's alert_open_ids from alert_open, keeping only alerts that
// exist and are open.
func indexOpenAlerts(org bucket) error {
	open, alerts := org.Bucket([]byte(subAlertOpen)), org.Bucket([]byte(subAlerts))
	if !open.exists() || !alerts.exists() {
		return nil
	}
	var found [][]byte
	err := open.ForEach(func(_, v []byte) error {
		raw := alerts.Get(v)
		if raw == nil {
			return nil
		}
		var a Alert
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("decode alert %q: %w", v, err)
		}
		if a.Open() {
			found = append(found, bytes.Clone(v))
		}
		return nil
	})
	if err != nil || len(found) == 0 {
		return err
	}
	idx, err := org.CreateBucketIfNotExists([]byte(subAlertOpenIDs))
	if err != nil {
		return err
	}
	for _, id := range found {
		if err := idx.Put(id, nil); err != nil {
			return err
		}
	}
	return nil
}

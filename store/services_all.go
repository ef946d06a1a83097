package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ForEachService calls fn with every service of every organization, in one
// read transaction (the scheduler's reload). fn must not keep s beyond the
// call unless it copies it: each call gets a freshly decoded value, so
// keeping the pointer is safe, but fn must not call back into the store.
// Organizations being deleted are skipped.
func (db *DB) ForEachService(fn func(s *Service) error) error {
	return db.view(func(tx txn) error {
		return eachServiceRecord(tx, func(orgID []byte, ob bucket, k, v []byte) error {
			// Decoded from a copy: v is the file's map, and a file overwritten under a
			// read (damage) must give a decode error, not encoding/json's panic about
			// bytes changing between its scan and its decode.
			s := new(Service)
			if err := json.Unmarshal(bytes.Clone(v), s); err != nil {
				return fmt.Errorf("store: decode service %q: %w", k, err)
			}
			s.OrgID = string(orgID)
			if err := overlayLast(ob, s); err != nil {
				return err
			}
			return fn(s)
		})
	})
}

// eachServiceRecord calls fn with the stored record (k, v) of every service of every
// organization that is not being deleted, with the organization's ID and bucket: the walk
// ForEachService and ServiceScan share.
func eachServiceRecord(tx txn, fn func(orgID []byte, ob bucket, k, v []byte) error) error {
	orgs := tx.Bucket([]byte(bucketOrgs))
	return orgs.ForEachBucket(func(orgID []byte) error {
		ob := orgs.Bucket(orgID)
		if ob.Get([]byte(orgInfoKey)) == nil {
			return nil // being deleted
		}
		b := ob.Bucket([]byte(subServices))
		if !b.exists() {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return nil
			}
			return fn(orgID, ob, k, v)
		})
	})
}

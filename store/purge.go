package store

import (
	"bytes"
	"fmt"
)

// DeleteOrganization removes an organization and all its data. One transaction first removes
// every global index entry pointing at it (slug, members' idx_user_orgs rows, API-key and
// invitation digests) and its "info" key, so from then on every read answers ErrNotFound and
// no write can reach it. The bucket is then emptied ≤ 1000 keys per transaction, keeping
// write transactions short however much history the organization has, and finally dropped.
// If the process stops half-way, the next Open finishes the job.
func (db *DB) DeleteOrganization(orgID string) error {
	if err := db.detachOrg(orgID); err != nil {
		return err
	}
	_, err := db.purgeOrg(orgID)
	return err
}

// detachOrg is the first phase of DeleteOrganization: indexes and "info" in one transaction.
func (db *DB) detachOrg(orgID string) error {
	return db.update(orgID, nil, func(tx txn) error {
		var org Organization
		if err := getOrganization(tx, orgID, &org); err != nil {
			return err
		}
		ob, _ := orgBucket(tx, orgID)
		slugs := tx.Bucket([]byte(bucketIdxOrgSlug))
		if string(slugs.Get([]byte(org.Slug))) == orgID {
			if err := slugs.Delete([]byte(org.Slug)); err != nil {
				return err
			}
		}
		if members := ob.Bucket([]byte(subMembers)); members.exists() {
			userOrgs := tx.Bucket([]byte(bucketIdxUserOrgs))
			err := members.ForEach(func(userID, _ []byte) error {
				return userOrgs.Delete(compositeKey(string(userID), orgID))
			})
			if err != nil {
				return err
			}
		}
		for _, name := range orgScopedIndexes() {
			if err := deleteIndexEntries(tx.Bucket([]byte(name)), orgID); err != nil {
				return err
			}
		}
		return ob.Delete([]byte(orgInfoKey))
	})
}

// deleteIndexEntries removes the entries of an orgScopedIndexes bucket whose value is
// orgID + "/" + recordID: keys are collected first and deleted after the scan.
func deleteIndexEntries(idx bucket, orgID string) error {
	if !idx.exists() {
		return nil
	}
	prefix := []byte(orgID + keySeparator)
	var doomed [][]byte
	err := idx.ForEach(func(k, v []byte) error {
		if bytes.HasPrefix(v, prefix) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := idx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// purgeOrg empties a detached organization bucket chunk by chunk and then deletes it. It
// returns the number of keys deleted by each transaction (each ≤ maxDeleteChunk).
func (db *DB) purgeOrg(orgID string) ([]int, error) {
	var chunks []int
	for {
		done := false
		err := db.update(orgID, nil, func(tx txn) error {
			orgs := tx.Bucket([]byte(bucketOrgs))
			ob := orgs.Bucket([]byte(orgID))
			if !ob.exists() {
				done = true
				return nil
			}
			if ob.Get([]byte(orgInfoKey)) != nil {
				return fmt.Errorf("store: organization %s is not detached; refusing to purge it", orgID)
			}
			n, err := drainBucket(ob, maxDeleteChunk)
			if err != nil {
				return err
			}
			chunks = append(chunks, n)
			if isEmpty(ob) {
				done = true
				return orgs.DeleteBucket([]byte(orgID))
			}
			if n == 0 {
				return fmt.Errorf("store: organization %s: purge made no progress", orgID)
			}
			return nil
		})
		if err != nil {
			return chunks, fmt.Errorf("store: delete organization %s: %w", orgID, err)
		}
		if done {
			return chunks, nil
		}
	}
}

// drainBucket deletes up to budget entries below b, depth first, and returns how many it
// deleted. Keys are collected with a cursor and deleted afterwards (never cursor.Delete then
// Next, which skips keys); a nested bucket counts as one entry once it is empty and dropped.
func drainBucket(b bucket, budget int) (int, error) {
	var leaves, nested [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(leaves) < budget; k, v = c.Next() {
		if v == nil {
			nested = append(nested, bytes.Clone(k))
		} else {
			leaves = append(leaves, bytes.Clone(k))
		}
	}
	for _, k := range leaves {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	done := len(leaves)
	for _, name := range nested {
		if done >= budget {
			break
		}
		child := b.Bucket(name)
		n, err := drainBucket(child, budget-done)
		if err != nil {
			return done, err
		}
		done += n
		if isEmpty(child) && done < budget {
			if err := b.DeleteBucket(name); err != nil {
				return done, err
			}
			done++
		}
	}
	return done, nil
}

// isEmpty reports whether b has no keys and no nested buckets.
func isEmpty(b bucket) bool {
	k, _ := b.Cursor().First()
	return k == nil
}

// finishOrgDeletions resumes DeleteOrganization calls a crash interrupted: any organization
// bucket without "info" was detached and is purged now.
func (db *DB) finishOrgDeletions() error {
	var pending []string
	err := db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		return orgs.ForEachBucket(func(id []byte) error {
			if orgs.Bucket(id).Get([]byte(orgInfoKey)) == nil {
				pending = append(pending, string(id))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, id := range pending {
		db.log.Warn("finishing an interrupted organization deletion", "org_id", id)
		if _, err := db.purgeOrg(id); err != nil {
			return err
		}
	}
	return nil
}

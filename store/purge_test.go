package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

func TestDrainBucketNestedWithinBudget(t *testing.T) {
	db := openTestDB(t)
	// root: 150 leaves, a: 120 leaves + a/deep: 90 leaves, b: empty → 360 leaves, 3 buckets.
	err := db.update("", nil, func(tx txn) error {
		root, _ := tx.CreateBucket([]byte("drain"))
		a, _ := root.CreateBucket([]byte("a"))
		deep, _ := a.CreateBucket([]byte("deep"))
		_, _ = root.CreateBucket([]byte("b"))
		for i, b := range map[int]bucket{150: root, 120: a, 90: deep} {
			for j := range i {
				if err := b.Put(fmt.Appendf(nil, "k%04d", j), []byte("v")); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total, calls := 0, 0
	for empty := false; !empty; {
		if calls++; calls > 100 {
			t.Fatal("drainBucket makes no progress")
		}
		var n int
		err := db.update("", nil, func(tx txn) error {
			b := tx.Bucket([]byte("drain"))
			var err error
			if n, err = drainBucket(b, 100); err != nil {
				return err
			}
			empty = isEmpty(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n > 100 {
			t.Fatalf("drainBucket deleted %d entries with a budget of 100", n)
		}
		total += n
	}
	if total != 360+3 || calls != 4 {
		t.Errorf("deleted %d entries in %d calls, want 363 in 4", total, calls)
	}
	_ = db.update("", nil, func(tx txn) error { return tx.DeleteBucket([]byte("drain")) })
}

func TestPurgeOrgDeletesInChunks(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Big")
	seedOrgData(t, db, org.ID, ada.ID, 2600)
	if err := db.detachOrg(org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Memberships(org.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("detached org still readable: %v", err)
	}
	if err := db.AppendAudit(org.ID, &AuditEntry{Event: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("detached org still writable: %v", err)
	}
	chunks, err := db.purgeOrg(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range chunks {
		if n > 1000 { // ARCHITECTURE §2.6, not the constant under test
			t.Errorf("a transaction deleted %d keys, over the 1000 limit", n)
		}
		total += n
	}
	// 2600 audit + their 2600 rows in the commit-order index (audit_seq) + 2 members (and
	// their 2 member_ids entries) + 2 keys + 1 team member + 1 invitation + 9 sub-buckets.
	if want := 2600 + 2600 + 2 + 2 + 2 + 1 + 1 + 9; total != want || len(chunks) < 3 {
		t.Errorf("purge deleted %d entries in %d transactions %v, want %d in at least 3", total, len(chunks), chunks, want)
	}
}

func TestInterruptedDeletionFinishesOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openTestDBAt(t, path, Options{})
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Crashy")
	seedOrgData(t, db, org.ID, ada.ID, 1200)
	if err := db.detachOrg(org.ID); err != nil { // as if the process died after phase one
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := openTestDBAt(t, path, Options{})
	_ = db2.view(func(tx txn) error {
		if tx.Bucket([]byte(bucketOrgs)).Bucket([]byte(org.ID)).exists() {
			t.Error("detached org bucket survived a restart")
		}
		return nil
	})
	if orgs, _ := db2.Organizations(); len(orgs) != 1 {
		t.Errorf("Organizations = %d, want the member's own org only", len(orgs))
	}
}

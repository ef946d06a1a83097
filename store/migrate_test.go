package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// assertMode fails t unless the file at path has exactly the permission bits want.
func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s mode = %v, want %v", path, got, want)
	}
}

// setSchemaVersion rewrites meta/schema_version of a closed database file.
func setSchemaVersion(t *testing.T, path string, v uint64) {
	t.Helper()
	kv, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	err = kv.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchemaVersion), be64(v))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readSchemaVersion reads meta/schema_version of a closed database file.
func readSchemaVersion(t *testing.T, path string) uint64 {
	t.Helper()
	kv, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	var v uint64
	if err := readFile(kv, func(tx txn) (err error) { v, err = schemaVersion(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFreshDatabaseIsAtCurrentVersionWithoutBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	db := openTestDBAt(t, path, Options{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := readSchemaVersion(t, path), uint64(len(schemaMigrations())); got != want {
		t.Errorf("schema version = %d, want %d", got, want)
	}
	if backups, _ := filepath.Glob(path + ".bak-*"); len(backups) != 0 {
		t.Errorf("a new empty file was backed up: %v", backups)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openTestDBAt(t, path, Options{})
	u, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := openTestDBAt(t, path, Options{})
	got, err := db2.UserByEmail("ADA@example.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("UserByEmail after reopen = %+v, %v", got, err)
	}
	if m, err := db2.Membership(org.ID, u.ID); err != nil || m.Role != "owner" {
		t.Fatalf("Membership after reopen = %+v, %v", m, err)
	}
	if backups, _ := filepath.Glob(path + ".bak-*"); len(backups) != 0 {
		t.Errorf("reopen at the current version made a backup: %v", backups)
	}
}

func TestFutureSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openUnreplicatedTestDB(t, path, Options{}) // the version is then changed behind its back
	mustRegister(t, db, "ada@example.com", "Ada")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	future := uint64(len(schemaMigrations())) + 5
	setSchemaVersion(t, path, future)

	_, err := Open(path, testOptions(Options{}))
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open = %v, want ErrSchemaTooNew", err)
	}
	known := len(schemaMigrations())
	for _, want := range []string{path, fmt.Sprintf("schema version %d", future), fmt.Sprintf("up to %d", known), "restore a backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
	// The refusal must release the file and leave it untouched.
	if v := readSchemaVersion(t, path); v != future {
		t.Errorf("schema version after refusal = %d, want %d", v, future)
	}
}

func TestMigrationBacksUpExistingDatabaseFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	clock := func() time.Time { return time.Unix(1_750_000_000, 0).UTC() }
	db := openTestDBAt(t, path, Options{Now: clock})
	u, _, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	setSchemaVersion(t, path, 0) // as if written by a binary from before migration 1

	db2 := openTestDBAt(t, path, Options{Now: clock})
	backup := path + ".bak-v0-1750000000"
	assertMode(t, backup, 0o600)
	checkFile(t, backup)
	if v := readSchemaVersion(t, backup); v != 0 {
		t.Errorf("backup schema version = %d, want the old 0", v)
	}
	old, err := bolt.Open(backup, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	if err := readFile(old, func(tx txn) error { return getUser(tx, u.ID, &User{}) }); err != nil {
		t.Errorf("backup lacks the user: %v", err)
	}
	_ = old.Close()
	var v uint64
	if err := db2.view(func(tx txn) (err error) { v, err = schemaVersion(tx); return err }); err != nil || v != uint64(len(schemaMigrations())) {
		t.Errorf("schema version after migration = %d, %v", v, err)
	}
	if _, err := db2.User(u.ID); err != nil {
		t.Errorf("migrated database lost the user: %v", err)
	}
}

func TestMigrationsRunInOrderAndResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := open(path, testOptions(Options{}), schemaMigrations()[:1]) // a file at version 1
	if err != nil {
		t.Fatal(err)
	}
	mustRegister(t, db, "ada@example.com", "Ada")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var ran []int
	step := func(n int, fail bool) migration {
		return func(tx txn) error {
			if fail {
				return errors.New("boom")
			}
			ran = append(ran, n)
			_, err := tx.CreateBucketIfNotExists([]byte("v" + string(rune('0'+n))))
			return err
		}
	}
	base := schemaMigrations()
	// Version 3 fails: version 2 stays committed, 3 is not, and Open reports the failure.
	_, err = open(path, testOptions(Options{}), append(base[:1:1], step(2, false), step(3, true)))
	if err == nil || !strings.Contains(err.Error(), "schema version 3") {
		t.Fatalf("open with failing migration = %v", err)
	}
	if v := readSchemaVersion(t, path); v != 2 {
		t.Fatalf("version after failed step = %d, want 2", v)
	}
	db2, err := open(path, testOptions(Options{}), append(base[:1:1], step(2, false), step(3, false), step(4, false)))
	if err != nil {
		t.Fatal(err)
	}
	if err := db2.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 3, 4}; len(ran) != 3 || ran[0] != want[0] || ran[1] != want[1] || ran[2] != want[2] {
		t.Errorf("migrations ran %v, want %v", ran, want)
	}
	if backups, _ := filepath.Glob(path + ".bak-v*"); len(backups) != 2 {
		t.Errorf("backups = %v, want one per upgrading start (v1, v2)", backups)
	}
}

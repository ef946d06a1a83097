package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// testEpoch is the start of the test clock.
var testEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// tickClock returns a clock that starts at testEpoch and advances one second per call, so
// records created one after the other get distinct, ordered times.
func tickClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return testEpoch.Add(time.Duration(n.Add(1)-1) * time.Second) }
}

// testOptions is opts with every in-transaction function it leaves nil set to one that
// does nothing: no alert decisions, no maintenance, no subscriber notices. Store tests of
// those features pass (or swap in, through db.alerts, db.maintenance, db.subscribers)
// their own; every Open of a store test goes through here, so none forgets one.
func testOptions(opts Options) Options {
	if opts.Alerts.Result == nil {
		opts.Alerts.Result = func(*AlertTx, *ResultEvent) error { return nil }
	}
	if opts.Alerts.Heartbeat == nil {
		opts.Alerts.Heartbeat = func(*AlertTx, *HeartbeatTransition) error { return nil }
	}
	if opts.Alerts.Closed == nil {
		opts.Alerts.Closed = func(*AlertTx, *Alert) error { return nil }
	}
	if opts.Maintenance == nil {
		opts.Maintenance = func(*MaintenanceWindow, time.Time) bool { return false }
	}
	if opts.Subscribers == nil {
		opts.Subscribers = func(*SubscriberNotice, *Subscriber) (*OutboxEntry, error) { return nil, nil }
	}
	return opts
}

// openTestDB opens a fresh database in t.TempDir(). When the test ends it closes it and runs
// bbolt's consistency check over the file, failing the test on anything it reports.
func openTestDB(t testing.TB) *DB {
	t.Helper()
	return openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock()})
}

// openTestDBAt is openTestDB for a given path and options (reopen tests). Unless opts has
// a Capture of its own, or t is a benchmark (which measures the store as it runs, not
// recording), every write set is replayed on a replica that must end up equal to the file
// (replica_test.go).
func openTestDBAt(t testing.TB, path string, opts Options) *DB {
	t.Helper()
	_, benchmark := t.(*testing.B)
	return openTestFile(t, path, opts, !benchmark)
}

// openUnreplicatedTestDB is openTestDB without the replica, for tests that time writes
// or change the file behind the store's back.
func openUnreplicatedTestDB(t testing.TB, path string, opts Options) *DB {
	t.Helper()
	return openTestFile(t, path, opts, false)
}

// openTestFile opens the database at path for a test, with a replica if replicate is set
// and opts has no Capture.
func openTestFile(t testing.TB, path string, opts Options, replicate bool) *DB {
	t.Helper()
	if replicate && opts.Capture == nil {
		opts.Capture = startReplica(t, path)
	}
	db, err := Open(path, testOptions(opts))
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	// Durability is not under test; skipping fsync keeps the suite fast on a shared disk.
	db.kv.Load().NoSync = true
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkFile(t, path)
	})
	return db
}

// checkFile opens a closed database file and fails t on every error tx.Check reports.
func checkFile(t testing.TB, path string) {
	t.Helper()
	kv, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Errorf("reopen %s for check: %v", path, err)
		return
	}
	defer kv.Close()
	err = readFile(kv, func(tx txn) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Errorf("check transaction: %v", err)
	}
}

// mustRegister registers a user with an organization named after them and returns all three.
func mustRegister(t testing.TB, db *DB, email, name string) (*User, *Organization, *Membership) {
	t.Helper()
	u := &User{Email: email, FullName: name, PasswordHash: "$2a$10$hash"}
	org := &Organization{Name: name + "'s Organization"}
	m := &Membership{}
	if err := db.Register(u, org, m, nil); err != nil {
		t.Fatalf("Register(%s): %v", email, err)
	}
	return u, org, m
}

func TestOpenPingPathClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openTestDBAt(t, path, Options{})
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	if err := db.Ping(); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Ping(); err == nil {
		t.Error("Ping after Close succeeded")
	}
}

// Open refuses options that lack an in-transaction function, naming every missing one
// with what would silently stop working, and touches no file.
func TestOpenRequiresInTransactionFunctions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrMissingOption) {
		t.Fatalf("Open without functions = %v, want ErrMissingOption", err)
	}
	for _, want := range []string{"Alerts.Result (check results would open no alerts)", "Alerts.Heartbeat",
		"Alerts.Closed", "Maintenance (results in maintenance windows", "Subscribers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	partial := testOptions(Options{})
	partial.Maintenance = nil
	if _, err := Open(path, partial); !errors.Is(err, ErrMissingOption) ||
		!strings.Contains(err.Error(), "Maintenance") || strings.Contains(err.Error(), "Alerts") {
		t.Fatalf("Open without Maintenance = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused Open left a file: %v", err)
	}
}

func TestOpenFileModeAndLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	openTestDBAt(t, path, Options{})
	assertMode(t, path, 0o600)
	start := time.Now()
	if _, err := Open(path, testOptions(Options{})); err == nil {
		t.Fatal("second Open of a locked file succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v, want about the 1s lock timeout", d)
	}
}

func TestCheckEncryptionKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openTestDBAt(t, path, Options{})
	key := []byte("check-value-of-key-A")
	if err := db.CheckEncryptionKey(key); err != nil {
		t.Fatalf("first CheckEncryptionKey: %v", err)
	}
	key[0] = 'X' // the stored value must be a copy, not the caller's slice
	if err := db.CheckEncryptionKey([]byte("check-value-of-key-A")); err != nil {
		t.Fatalf("same key: %v", err)
	}
	err := db.CheckEncryptionKey([]byte("check-value-of-key-B"))
	if !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("other key: err = %v, want ErrKeyMismatch", err)
	}
	want := "ENCRYPTION_KEY does not match the key this database was created with; restore the original key"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if err := db.CheckEncryptionKey(nil); err == nil || errors.Is(err, ErrKeyMismatch) {
		t.Errorf("empty check value: err = %v, want a plain error", err)
	}
	// The stored value survives a restart.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := openTestDBAt(t, path, Options{})
	if err := db2.CheckEncryptionKey([]byte("check-value-of-key-B")); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("after reopen: err = %v, want ErrKeyMismatch", err)
	}
}

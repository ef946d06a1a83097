package store

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// migration upgrades the schema by one version inside one write transaction. Migrations are
// append-only: the function at index i moves a file from version i to version i+1, so a
// released migration is never edited or reordered.
type migration func(tx txn) error

// schemaMigrations is the ordered list this binary knows; its length is the current version.
func schemaMigrations() []migration {
	return []migration{
		createBaseBuckets,    // 1
		subscriberOutboxKind, // 2 (migrate_subscriber_outbox.go)
		listIndexes,          // 3 (migrate_list_indexes.go)
	}
}

// KnownSchemaVersion is the schema version this binary's store writes: the number of
// migrations it knows (a cluster's nodes advertise it, SPEC §9).
func KnownSchemaVersion() uint64 { return uint64(len(schemaMigrations())) }

// futureMigrationForTest is migration version of a newer binary a test plays
// (Options.FutureSchemaForTest): it stores a marker in meta.
func futureMigrationForTest(version int) migration {
	return func(tx txn) error {
		meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
		if err != nil {
			return err
		}
		return meta.Put([]byte(fmt.Sprintf("test_migration_%d", version)), []byte{1})
	}
}

// createBaseBuckets (version 1) creates the global buckets. It is idempotent, so a file that
// already has some of them migrates cleanly.
func createBaseBuckets(tx txn) error {
	for _, name := range []string{bucketMeta, bucketUsers, bucketIdxUserEmail, bucketIdxUserOrgs,
		bucketIdxOrgSlug, bucketIdxAPIKey, bucketIdxInvitation, bucketOrgs} {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// schemaVersion reads meta/schema_version; a file without it is version 0.
func schemaVersion(tx txn) (uint64, error) {
	meta := tx.Bucket([]byte(bucketMeta))
	if !meta.exists() {
		return 0, nil
	}
	v := meta.Get([]byte(metaSchemaVersion))
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return binary.BigEndian.Uint64(v), nil
	default:
		return 0, fmt.Errorf("store: meta/%s is %d bytes, want 8; the file is damaged", metaSchemaVersion, len(v))
	}
}

// migrate refuses files newer than this binary, copies an existing file aside before changing
// its schema, then runs each missing migration in its own transaction together with the
// version bump, so a crash leaves the file at a consistent version that the next start resumes.
//
// A clustered node (deferred) migrates only a new, empty file — every node of a new
// cluster alike; a file with data is the cluster's, whose leader migrates it through the
// cluster once every voter runs a binary that knows the new version (schema_gate.go).
func (db *DB) migrate(migrations []migration, deferred bool) error {
	target := uint64(len(migrations))
	var current uint64
	var hasData bool
	err := db.view(func(tx txn) error {
		var err error
		current, err = schemaVersion(tx)
		k, _ := tx.Cursor().First()
		hasData = k != nil
		return err
	})
	if err != nil {
		return err
	}
	if current > target {
		return schemaTooNew(db.path, current, target)
	}
	if current == target {
		return nil
	}
	if deferred && hasData {
		db.log.Warn("database schema behind this binary: the cluster's leader migrates it once every voter runs "+
			"a binary that knows the new version (upgrade followers first, one at a time, then the leader)",
			"file_version", current, "binary_version", target)
		return nil
	}
	if hasData {
		backup := fmt.Sprintf("%s.bak-v%d-%d", db.path, current, db.stamp().Unix())
		// A read transaction gives a consistent copy; mode 0600 like the database itself.
		if err := db.view(func(tx txn) error { return tx.CopyFile(backup, 0o600) }); err != nil {
			return fmt.Errorf("store: backup before migrating to version %d: %w", target, err)
		}
		db.log.Info("database backed up before schema migration", "backup", backup, "from", current, "to", target)
	}
	for v := current; v < target; v++ {
		err := db.update("", nil, func(tx txn) error {
			if err := migrations[v](tx); err != nil {
				return err
			}
			meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
			if err != nil {
				return err
			}
			return meta.Put([]byte(metaSchemaVersion), be64(v+1))
		})
		if err != nil {
			return fmt.Errorf("store: migration to schema version %d: %w", v+1, err)
		}
		db.log.Info("database schema migrated", "version", v+1)
	}
	return nil
}

// CheckEncryptionKey compares check (crypto.Sealer.KeyCheck: an HMAC of the key, never the key
// itself) with the value stored in meta. The first call on a database stores it; later calls
// with a different value return ErrKeyMismatch, so a changed ENCRYPTION_KEY stops start-up
// instead of making every sealed credential unreadable.
func (db *DB) CheckEncryptionKey(check []byte) error {
	if len(check) == 0 {
		return errors.New("store: empty encryption key check value")
	}
	// Local on a clustered node too: the value is an HMAC of the key, so every node of
	// one cluster stores the same bytes, and each must check its own key.
	return db.updateLocal("", nil, func(tx txn) error {
		meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
		if err != nil {
			return err
		}
		stored := meta.Get([]byte(metaKeyCheck))
		if stored == nil {
			return meta.Put([]byte(metaKeyCheck), append([]byte(nil), check...))
		}
		if subtle.ConstantTimeCompare(stored, check) != 1 {
			return ErrKeyMismatch
		}
		return nil
	})
}

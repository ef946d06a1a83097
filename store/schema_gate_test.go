package store

import (
	"errors"
	"path/filepath"
	"testing"
)

// openClusteredNewer is openClustered with a binary that knows one migration more.
func openClusteredNewer(t *testing.T, path string) (*DB, *selfReplicator) {
	t.Helper()
	r := &selfReplicator{}
	db, err := Open(path, testOptions(Options{Now: tickClock(), Replicator: r, FutureSchemaForTest: 1}))
	if err != nil {
		t.Fatal(err)
	}
	r.db, r.index = db, db.AppliedIndex()
	t.Cleanup(func() { db.Close() })
	return db, r
}

// A clustered node whose binary knows a newer schema leaves a file with data as it is at
// open (the cluster's leader migrates it once every voter knows the version, SPEC §9);
// MigratePending then migrates it through the cluster's write path, as one entry per
// version that every node applies.
func TestClusteredStoreMigratesThroughTheCluster(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	db, _ := openClustered(t, path)
	if err := putKey(db, "k", "v", func() {}); err != nil {
		t.Fatal(err)
	}
	known := db.KnownSchema()
	db.Close()

	db, r := openClusteredNewer(t, path)
	if file, _ := db.FileSchema(); file != known || db.KnownSchema() != known+1 {
		t.Fatalf("opened by a newer binary: file schema %d, known %d; want %d (not migrated locally), %d", file, db.KnownSchema(), known, known+1)
	}
	before := r.index
	v, err := db.MigratePending()
	if err != nil || v != known+1 {
		t.Fatalf("MigratePending: %d, %v", v, err)
	}
	if file, _ := db.FileSchema(); file != known+1 || r.index != before+1 || getKey(t, db, "test_migration_"+itoa(known+1)) == nil {
		t.Fatalf("after the migration: file schema %d (want %d), entries %d → %d (want one)", file, known+1, before, r.index)
	}
}

// A node whose binary knows less than an entry's schema refuses the entry: nothing of it is
// applied, its index is not stored, and the node says why from then on (SchemaHeld).
func TestApplyEntryRefusesANewerSchema(t *testing.T) {
	db, _ := openClustered(t, filepath.Join(t.TempDir(), "alertifypro.db"))
	applied := db.AppliedIndex()
	rec := newRecorder()
	meta := rec.child(rootPath, []byte(bucketMeta))
	rec.put(meta, []byte("k"), []byte("newer data"))
	rec.put(meta, []byte(metaSchemaVersion), be64(db.KnownSchema()+1))
	err := db.ApplyEntry(applied+1, roundTrip(t, &rec.set))
	if !errors.Is(err, ErrSchemaTooNew) || !errors.Is(db.SchemaHeld(), ErrSchemaTooNew) {
		t.Fatalf("ApplyEntry: %v, held %v; want ErrSchemaTooNew for both", err, db.SchemaHeld())
	}
	if db.AppliedIndex() != applied || getKey(t, db, "k") != nil {
		t.Fatalf("the refused entry left index %d (want %d) and k = %q", db.AppliedIndex(), applied, getKey(t, db, "k"))
	}
	if file, _ := db.FileSchema(); file != db.KnownSchema() {
		t.Fatalf("file schema %d, want %d", file, db.KnownSchema())
	}
}

// A snapshot of a newer schema is refused (and held); one of an older schema — the
// cluster's during a rolling upgrade — is installed.
func TestRestoreRefusesOnlyANewerSchema(t *testing.T) {
	dir := t.TempDir()
	newer, err := Open(filepath.Join(dir, "newer.db"), testOptions(Options{FutureSchemaForTest: 1}))
	if err != nil {
		t.Fatal(err)
	}
	defer newer.Close()
	older, err := Open(filepath.Join(dir, "older.db"), testOptions(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer older.Close()

	db, _ := openClustered(t, filepath.Join(dir, "node.db"))
	snap, err := newer.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	err = db.Restore(snap)
	snap.Close()
	if !errors.Is(err, ErrSchemaTooNew) || db.SchemaHeld() == nil {
		t.Fatalf("restore of a newer snapshot: %v, held %v; want ErrSchemaTooNew", err, db.SchemaHeld())
	}

	up, _ := openClusteredNewer(t, filepath.Join(dir, "upgraded.db"))
	snap, err = older.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if err := up.Restore(snap); err != nil {
		t.Fatalf("restore of an older snapshot into an upgraded node: %v", err)
	}
	if file, _ := up.FileSchema(); file != older.KnownSchema() {
		t.Fatalf("restored file schema %d, want %d", file, older.KnownSchema())
	}
}

func itoa(v uint64) string {
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// A cluster's schema is upgraded one node at a time (SPEC §9): every node advertises the
// schema version its binary knows; a clustered node never migrates a file with data
// itself (migrate's deferred case) — the leader runs the migrations it knows through the
// cluster's write path once every voter knows them (MigratePending, asked by
// cluster.SchemaGate), so every node's file changes in the same entry; and a node whose
// binary knows less refuses to apply that entry, or a snapshot of that schema, instead of
// writing data it cannot read (checkEntrySchema, checkRestoreFile).

// KnownSchema is the schema version this store's binary knows.
func (db *DB) KnownSchema() uint64 { return uint64(len(db.migrations)) }

// FileSchema is the schema version of the file as it is now.
func (db *DB) FileSchema() (uint64, error) {
	var v uint64
	err := db.view(func(tx txn) (err error) {
		v, err = schemaVersion(tx)
		return err
	})
	return v, err
}

// MigratePending runs the migrations this binary knows that the file lacks, each in one
// write with its version bump: on a clustered node (the leader) each is one cluster entry
// that every node applies. It returns the version reached.
func (db *DB) MigratePending() (uint64, error) {
	current, err := db.FileSchema()
	if err != nil {
		return 0, err
	}
	for v := current; v < db.KnownSchema(); v++ {
		err := db.update("", nil, func(tx txn) error {
			if now, err := schemaVersion(tx); err != nil || now != v {
				return fmt.Errorf("store: the schema moved to %d during the migration to %d", now, v+1)
			}
			if err := db.migrations[v](tx); err != nil {
				return err
			}
			meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
			if err != nil {
				return err
			}
			return meta.Put([]byte(metaSchemaVersion), be64(v+1))
		})
		if err != nil {
			return v, fmt.Errorf("store: migration to schema version %d: %w", v+1, err)
		}
		db.log.Info("database schema migrated through the cluster", "version", v+1)
	}
	return max(current, db.KnownSchema()), nil
}

// SchemaHeld is the refusal of a cluster entry or snapshot of a newer schema than this
// binary knows, once one happened: the node applies nothing more until it runs a binary
// that knows it.
func (db *DB) SchemaHeld() error {
	if p := db.schemaHeld.Load(); p != nil {
		return *p
	}
	return nil
}

// holdSchema records (and logs, once) the refusal err.
func (db *DB) holdSchema(err error) error {
	if db.schemaHeld.CompareAndSwap(nil, &err) {
		db.log.Error("cluster: REFUSED to apply data of a newer schema than this binary knows; this node applies "+
			"nothing more and is not ready until it runs the release the cluster's leader runs (upgrade rule: "+
			"followers first, one at a time, then the leader)", "error", err.Error())
	}
	return err
}

// checkEntrySchema refuses a cluster entry that moves the schema beyond this binary's.
func (db *DB) checkEntrySchema(index uint64, ws *WriteSet) error {
	for _, op := range ws.ops {
		if op.kind != MutationPut || !bytes.Equal(ws.bytes(op.key), []byte(metaSchemaVersion)) {
			continue
		}
		path := ws.path(op.path)
		if len(path) != 1 || string(path[0]) != bucketMeta {
			continue
		}
		v := ws.bytes(op.value)
		if len(v) == 8 && binary.BigEndian.Uint64(v) > db.KnownSchema() {
			return db.holdSchema(fmt.Errorf("%w: cluster entry %d moves the schema to version %d, this binary knows "+
				"versions up to %d", ErrSchemaTooNew, index, binary.BigEndian.Uint64(v), db.KnownSchema()))
		}
	}
	return nil
}

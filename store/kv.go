package store

import (
	"errors"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The store's view of bbolt. Every store function reads and writes through txn, bucket and
// cursor (kv_bucket.go), never through bbolt's own *bolt.Tx, *bolt.Bucket and
// *bolt.Cursor — a test forbids those outside these two files and file_guard.go — so a
// write transaction can record what it changes as a WriteSet (writeset.go): the unit the
// cluster replicates (SPEC §9). The types mirror the bbolt methods the store uses, with
// bbolt's names and semantics; the ones that write also append to the transaction's
// recorder when it has one.
//
// Recording is off in read transactions, and in write transactions while no
// Options.Capture is set: then each writing method is one nil check away from bbolt's, and
// txn and bucket are small values, so opening a transaction or a bucket allocates nothing
// beyond what bbolt itself does (the single node stays as fast, SPEC §9).

// txn is one bbolt transaction as the store sees it.
type txn struct {
	boltTx *bolt.Tx
	rec    *recorder // nil: not recording
}

// boltParent is what holds buckets: a *bolt.Tx (the root) or a *bolt.Bucket.
type boltParent interface {
	Bucket(name []byte) *bolt.Bucket
	CreateBucket(name []byte) (*bolt.Bucket, error)
	CreateBucketIfNotExists(name []byte) (*bolt.Bucket, error)
	DeleteBucket(name []byte) error
}

// read runs fn in a read transaction of f (damage-safe, file_guard.go).
func (f *boltFile) read(fn func(tx txn) error) error {
	return f.View(func(btx *bolt.Tx) error { return fn(txn{boltTx: btx}) })
}

// readWrite runs fn in a write transaction of f that records into rec (nil: no
// recording). Only the write path (change.go) calls it.
func (f *boltFile) readWrite(rec *recorder, fn func(tx txn) error) error {
	return f.Update(func(btx *bolt.Tx) error { return fn(txn{boltTx: btx, rec: rec}) })
}

// readFile runs fn in a read transaction of a file opened read-only outside the store
// (offline backup).
func readFile(kv *bolt.DB, fn func(tx txn) error) error {
	return kv.View(func(btx *bolt.Tx) error { return fn(txn{boltTx: btx}) })
}

// view runs fn in a read transaction of the database.
func (db *DB) view(fn func(tx txn) error) error {
	return db.onFile(func(f *boltFile) error { return f.read(fn) })
}

// onFile runs begin — one transaction — on the open file. A transaction that could not
// begin because Restore had just swapped the file and closed the one begin was given is
// begun again on the new one; begin fails that way before fn runs, so fn runs once.
func (db *DB) onFile(begin func(f *boltFile) error) error {
	for {
		f := db.kv.Load()
		err := begin(f)
		if errors.Is(err, berrors.ErrDatabaseNotOpen) && db.kv.Load() != f {
			continue
		}
		return err
	}
}

// Writable reports whether tx is a write transaction.
func (tx txn) Writable() bool { return tx.boltTx.Writable() }

// Bucket returns the top-level bucket name; a missing one does not exist.
func (tx txn) Bucket(name []byte) bucket {
	return wrap(tx.boltTx.Bucket(name), tx.rec, rootPath, name)
}

// CreateBucket creates the top-level bucket name (bbolt's error if it exists).
func (tx txn) CreateBucket(name []byte) (bucket, error) {
	return createBucket(tx.boltTx, tx.rec, rootPath, name, false)
}

// CreateBucketIfNotExists returns the top-level bucket name, creating it if missing.
func (tx txn) CreateBucketIfNotExists(name []byte) (bucket, error) {
	return createBucket(tx.boltTx, tx.rec, rootPath, name, true)
}

// DeleteBucket deletes the top-level bucket name with everything in it.
func (tx txn) DeleteBucket(name []byte) error {
	return deleteBucket(tx.boltTx, tx.rec, rootPath, name)
}

// Cursor iterates the names of the top-level buckets (their values are nil).
func (tx txn) Cursor() *cursor {
	return &cursor{boltCursor: tx.boltTx.Cursor(), owner: bucket{rec: tx.rec, path: rootPath}}
}

// ForEach calls fn with every top-level bucket.
func (tx txn) ForEach(fn func(name []byte, b bucket) error) error {
	return tx.boltTx.ForEach(func(name []byte, bb *bolt.Bucket) error {
		return fn(name, wrap(bb, tx.rec, rootPath, name))
	})
}

// OnCommit runs fn after the transaction commits (never if it rolls back). On a
// clustered node's logic transaction, which is rolled back, fn runs once the cluster has
// committed and this node applied its write set (updateReplicated).
func (tx txn) OnCommit(fn func()) {
	if tx.rec != nil && tx.rec.deferCommits {
		tx.rec.onCommit = append(tx.rec.onCommit, fn)
		return
	}
	tx.boltTx.OnCommit(fn)
}

// ID is bbolt's transaction ID: every write transaction raises it by one.
func (tx txn) ID() int { return tx.boltTx.ID() }

// Size is the size of the used part of the file, as of this transaction.
func (tx txn) Size() int64 { return tx.boltTx.Size() }

// PageSize is the file's page size.
func (tx txn) PageSize() int {
	// Info asserts an open file; inside a transaction it is.
	return tx.boltTx.DB().Info().PageSize
}

// Check runs bbolt's consistency check and sends every problem it finds.
func (tx txn) Check() <-chan error { return tx.boltTx.Check() }

// WriteTo writes a consistent copy of the whole file to w.
func (tx txn) WriteTo(w io.Writer) (int64, error) { return tx.boltTx.WriteTo(w) }

// CopyFile writes a consistent copy of the whole file to path.
func (tx txn) CopyFile(path string, mode os.FileMode) error { return tx.boltTx.CopyFile(path, mode) }

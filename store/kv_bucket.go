package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// bucket is one bbolt bucket of a txn (kv.go). The zero value is a bucket that does not
// exist, as bbolt's nil *Bucket is; exists tells them apart.
type bucket struct {
	boltBucket *bolt.Bucket
	rec        *recorder // the transaction's; nil: not recording
	path       uint32    // the bucket's path in rec's write set (recording only)
}

// wrap returns bb — the child called name of the bucket at path parent, nil when missing —
// as a bucket of a transaction recording into rec.
func wrap(bb *bolt.Bucket, rec *recorder, parent uint32, name []byte) bucket {
	if rec == nil || bb == nil {
		return bucket{boltBucket: bb}
	}
	return bucket{boltBucket: bb, rec: rec, path: rec.child(parent, name)}
}

// createBucket creates the child name of parent (at path in rec), or with ifMissing
// returns it when it exists. Only an actual creation is recorded.
func createBucket(parent boltParent, rec *recorder, path uint32, name []byte, ifMissing bool) (bucket, error) {
	var bb *bolt.Bucket
	var err error
	switch {
	case !ifMissing:
		bb, err = parent.CreateBucket(name)
	case rec == nil:
		bb, err = parent.CreateBucketIfNotExists(name)
	default:
		if bb = parent.Bucket(name); bb != nil {
			return wrap(bb, rec, path, name), nil
		}
		bb, err = parent.CreateBucket(name)
	}
	if err != nil {
		return bucket{}, err
	}
	if rec != nil {
		rec.createBucket(path, name)
	}
	return wrap(bb, rec, path, name), nil
}

// deleteBucket deletes the child name of parent (at path in rec).
func deleteBucket(parent boltParent, rec *recorder, path uint32, name []byte) error {
	if err := parent.DeleteBucket(name); err != nil {
		return err
	}
	if rec != nil {
		rec.deleteBucket(path, name)
	}
	return nil
}

// exists reports whether b is a bucket (false for the result of looking up a missing one).
func (b bucket) exists() bool { return b.boltBucket != nil }

// Writable reports whether b belongs to a write transaction.
func (b bucket) Writable() bool { return b.boltBucket.Writable() }

// Bucket returns the child bucket name; a missing one does not exist.
func (b bucket) Bucket(name []byte) bucket {
	return wrap(b.boltBucket.Bucket(name), b.rec, b.path, name)
}

// CreateBucket creates the child bucket name (bbolt's error if it exists).
func (b bucket) CreateBucket(name []byte) (bucket, error) {
	return createBucket(b.boltBucket, b.rec, b.path, name, false)
}

// CreateBucketIfNotExists returns the child bucket name, creating it if missing.
func (b bucket) CreateBucketIfNotExists(name []byte) (bucket, error) {
	return createBucket(b.boltBucket, b.rec, b.path, name, true)
}

// DeleteBucket deletes the child bucket name with everything in it.
func (b bucket) DeleteBucket(name []byte) error {
	return deleteBucket(b.boltBucket, b.rec, b.path, name)
}

// Get returns the value of key (nil: missing, or a child bucket). It is valid only while
// the transaction lasts.
func (b bucket) Get(key []byte) []byte { return b.boltBucket.Get(key) }

// Put stores value at key. Both must stay unchanged until the transaction ends.
func (b bucket) Put(key, value []byte) error {
	if err := b.boltBucket.Put(key, value); err != nil {
		return err
	}
	if b.rec != nil {
		b.rec.put(b.path, key, value)
	}
	return nil
}

// Delete removes key; a missing key is not an error.
func (b bucket) Delete(key []byte) error {
	if err := b.boltBucket.Delete(key); err != nil {
		return err
	}
	if b.rec != nil {
		b.rec.delete(b.path, key)
	}
	return nil
}

// NextSequence raises the bucket's sequence by one and returns it. It is recorded as the
// resulting value, so a replay sets the same number whatever it finds.
func (b bucket) NextSequence() (uint64, error) {
	seq, err := b.boltBucket.NextSequence()
	if err == nil && b.rec != nil {
		b.rec.setSequence(b.path, seq)
	}
	return seq, err
}

// SetSequence sets the bucket's sequence.
func (b bucket) SetSequence(seq uint64) error {
	if err := b.boltBucket.SetSequence(seq); err != nil {
		return err
	}
	if b.rec != nil {
		b.rec.setSequence(b.path, seq)
	}
	return nil
}

// Sequence returns the bucket's sequence.
func (b bucket) Sequence() uint64 { return b.boltBucket.Sequence() }

// SetFillPercent sets how full bbolt packs the bucket's pages when they split, for this
// transaction (bbolt does not persist it). It is recorded as a hint, so a replay packs the
// pages alike: append-only buckets use appendFillRatio.
func (b bucket) SetFillPercent(f float64) {
	b.boltBucket.FillPercent = f
	if b.rec != nil {
		b.rec.setFillPercent(b.path, f)
	}
}

// ForEach calls fn with every key and value (nil for a child bucket) in key order.
func (b bucket) ForEach(fn func(k, v []byte) error) error { return b.boltBucket.ForEach(fn) }

// ForEachBucket calls fn with the name of every child bucket.
func (b bucket) ForEachBucket(fn func(k []byte) error) error { return b.boltBucket.ForEachBucket(fn) }

// Stats walks the bucket's pages and counts its keys and pages.
func (b bucket) Stats() bolt.BucketStats { return b.boltBucket.Stats() }

// Cursor returns a cursor over b.
func (b bucket) Cursor() *cursor { return &cursor{boltCursor: b.boltBucket.Cursor(), owner: b} }

// cursor iterates one bucket. It remembers the key it stands on, which Delete removes and
// records.
type cursor struct {
	boltCursor *bolt.Cursor
	owner      bucket // the bucket iterated; a root cursor's does not exist
	key        []byte
}

// at remembers k as the key the cursor stands on and returns k and v.
func (c *cursor) at(k, v []byte) ([]byte, []byte) {
	c.key = k
	return k, v
}

// First moves to the first key (nil: the bucket is empty).
func (c *cursor) First() ([]byte, []byte) { return c.at(c.boltCursor.First()) }

// Last moves to the last key.
func (c *cursor) Last() ([]byte, []byte) { return c.at(c.boltCursor.Last()) }

// Next moves to the next key (nil: past the end).
func (c *cursor) Next() ([]byte, []byte) { return c.at(c.boltCursor.Next()) }

// Prev moves to the previous key (nil: before the start).
func (c *cursor) Prev() ([]byte, []byte) { return c.at(c.boltCursor.Prev()) }

// Seek moves to key, or the first key after it.
func (c *cursor) Seek(key []byte) ([]byte, []byte) { return c.at(c.boltCursor.Seek(key)) }

// Delete removes the key the cursor stands on. As with bbolt, a following Next may skip a
// key: collect keys, then delete them (ARCHITECTURE §2.6).
func (c *cursor) Delete() error {
	var key []byte
	if c.owner.rec != nil {
		key = bytes.Clone(c.key) // the cursor's key may not outlive the delete
	}
	if err := c.boltCursor.Delete(); err != nil {
		return err
	}
	if c.owner.rec != nil {
		c.owner.rec.delete(c.owner.path, key)
	}
	return nil
}

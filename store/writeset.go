package store

import (
	"errors"
	"fmt"
	"math"
)

// WriteSet is what one write transaction changed, in order: keys put and deleted, buckets
// created and deleted, sequences set, each with the path of the bucket it happened in.
// The write path records it (kv.go, kv_bucket.go) while Options.Capture is set; the
// cluster carries it in its Raft log (MarshalBinary) and every node replays it with
// ApplyWriteSet. It holds data, not logic: IDs, times and tokens were generated once, by
// the transaction that recorded it, so a replay is deterministic by construction.
//
// A WriteSet owns its bytes (the recorder copies keys and values as they are written,
// UnmarshalBinary copies its input), so it may be kept after the transaction ends. The
// zero value is an empty set.
type WriteSet struct {
	paths []setPath // path i+1; path 0 (rootPath) is the root
	ops   []setOp
	data  []byte // bucket names, keys and values, back to back
}

// rootPath is the path of the root: the top-level buckets are its children.
const rootPath uint32 = 0

// span is a run of WriteSet.data.
type span struct{ off, n uint32 }

// setPath is one bucket path: its parent's path and its own name.
type setPath struct {
	parent uint32
	name   span
}

// setOp is one mutation of a WriteSet.
type setOp struct {
	kind  MutationKind
	path  uint32 // the bucket changed; for a bucket created or deleted, its parent
	key   span   // the key, or the name of the bucket created or deleted
	value span   // MutationPut
	num   uint64 // the sequence, or the fill percent's bits
}

// MutationKind is what a mutation does. The values are part of the encoding
// (MarshalBinary): never renumber them.
type MutationKind uint8

// The kinds of mutation.
const (
	MutationPut          MutationKind = 1 // Key set to Value
	MutationDelete       MutationKind = 2 // Key removed (missing already: nothing happens)
	MutationCreateBucket MutationKind = 3 // child bucket Key created
	MutationDeleteBucket MutationKind = 4 // child bucket Key deleted with its contents
	MutationSetSequence  MutationKind = 5 // the bucket's sequence set to Sequence
	// MutationFillPercent sets how full bbolt packs the bucket's pages for the rest of the
	// transaction: no data, only the layout (bbolt does not persist it).
	MutationFillPercent MutationKind = 6
)

// String names the kind as the store's wrapper method that records it.
func (k MutationKind) String() string {
	switch k {
	case MutationPut:
		return "put"
	case MutationDelete:
		return "delete"
	case MutationCreateBucket:
		return "create bucket"
	case MutationDeleteBucket:
		return "delete bucket"
	case MutationSetSequence:
		return "set sequence"
	case MutationFillPercent:
		return "set fill percent"
	}
	return fmt.Sprintf("mutation kind %d", uint8(k))
}

// Mutation is one mutation of a WriteSet, for reading (logs, tests): Mutations copies
// them out.
type Mutation struct {
	Kind MutationKind
	// Bucket is the path of the bucket changed, top-level name first; for a bucket
	// created or deleted, the path of its parent (empty: a top-level bucket).
	Bucket      [][]byte
	Key         []byte  // the key, or the name of the bucket created or deleted
	Value       []byte  // MutationPut
	Sequence    uint64  // MutationSetSequence
	FillPercent float64 // MutationFillPercent
}

// Len returns the number of mutations in ws.
func (ws *WriteSet) Len() int { return len(ws.ops) }

// Mutations returns a copy of ws's mutations in order.
func (ws *WriteSet) Mutations() []Mutation {
	out := make([]Mutation, 0, len(ws.ops))
	for _, op := range ws.ops {
		m := Mutation{Kind: op.kind, Bucket: ws.path(op.path), Key: ws.clone(op.key)}
		switch op.kind {
		case MutationPut:
			m.Value = ws.clone(op.value)
		case MutationSetSequence:
			m.Sequence = op.num
		case MutationFillPercent:
			m.FillPercent = math.Float64frombits(op.num)
		}
		out = append(out, m)
	}
	return out
}

// bytes returns the run s of ws's data.
func (ws *WriteSet) bytes(s span) []byte { return ws.data[s.off : s.off+s.n : s.off+s.n] }

// clone returns a copy of the run s (nil when empty).
func (ws *WriteSet) clone(s span) []byte {
	if s.n == 0 {
		return nil
	}
	return append([]byte(nil), ws.bytes(s)...)
}

// path returns the names of path id, top-level first (nil for the root).
func (ws *WriteSet) path(id uint32) [][]byte {
	var names [][]byte
	for ; id != rootPath; id = ws.paths[id-1].parent {
		names = append(names, ws.clone(ws.paths[id-1].name))
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return names
}

// pathString is path id as "orgs/<id>/services", for errors.
func (ws *WriteSet) pathString(id uint32) string {
	if id == rootPath {
		return "the root"
	}
	s := ""
	for i, name := range ws.path(id) {
		if i > 0 {
			s += "/"
		}
		s += string(name)
	}
	return s
}

// errWriteSetTooLarge refuses a transaction whose write set would not fit the encoding's
// 32-bit offsets (4 GiB): far beyond any transaction the store makes.
var errWriteSetTooLarge = errors.New("store: the transaction's write set exceeds 4 GiB")

// recorder records the mutations of one write transaction into a WriteSet.
type recorder struct {
	set   WriteSet
	paths map[pathKey]uint32 // every path recorded so far, so each is stored once
	err   error              // errWriteSetTooLarge once the set overflowed
	// deferCommits: the transaction is a clustered node's logic, rolled back; what it
	// registers with OnCommit waits in onCommit for the cluster's commit (replicate.go).
	deferCommits bool
	onCommit     []func()
}

// pathKey identifies a path by its parent and name.
type pathKey struct {
	parent uint32
	name   string
}

func newRecorder() *recorder { return &recorder{paths: map[pathKey]uint32{}} }

// add appends p to the set's data and returns where it is.
func (r *recorder) add(p []byte) span {
	off := len(r.set.data)
	if uint64(off)+uint64(len(p)) > math.MaxUint32 {
		r.err = errWriteSetTooLarge
		return span{}
	}
	r.set.data = append(r.set.data, p...)
	return span{uint32(off), uint32(len(p))}
}

// child returns the path of the bucket called name in the bucket at path parent.
func (r *recorder) child(parent uint32, name []byte) uint32 {
	if id, ok := r.paths[pathKey{parent, string(name)}]; ok {
		return id
	}
	r.set.paths = append(r.set.paths, setPath{parent: parent, name: r.add(name)})
	id := uint32(len(r.set.paths))
	r.paths[pathKey{parent, string(name)}] = id
	return id
}

func (r *recorder) put(path uint32, key, value []byte) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationPut, path: path, key: r.add(key), value: r.add(value)})
}

func (r *recorder) delete(path uint32, key []byte) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationDelete, path: path, key: r.add(key)})
}

func (r *recorder) createBucket(parent uint32, name []byte) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationCreateBucket, path: parent, key: r.add(name)})
}

func (r *recorder) deleteBucket(parent uint32, name []byte) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationDeleteBucket, path: parent, key: r.add(name)})
}

func (r *recorder) setSequence(path uint32, seq uint64) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationSetSequence, path: path, num: seq})
}

func (r *recorder) setFillPercent(path uint32, f float64) {
	r.set.ops = append(r.set.ops, setOp{kind: MutationFillPercent, path: path, num: math.Float64bits(f)})
}

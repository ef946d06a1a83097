package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// writeSetVersion is the first byte of an encoded WriteSet. A change to the layout below
// takes a new version; UnmarshalBinary refuses versions it does not know, so a node that
// meets an entry from a newer binary stops rather than misreads it (rolling upgrades
// replace followers first).
const writeSetVersion = 1

// maxPathDepth bounds how deeply a decoded write set may nest buckets; the store nests
// three deep (orgs/<orgID>/<child>).
const maxPathDepth = 32

// ErrInvalidWriteSet is the error of UnmarshalBinary given bytes that are not an encoded
// WriteSet of a version this binary reads.
var ErrInvalidWriteSet = errors.New("store: invalid write set encoding")

// Encoding, version 1 (uvarint: encoding/binary's; bytes: a uvarint length, then the bytes):
//
//	version          byte (1)
//	paths            uvarint count, then per path: parent uvarint (an earlier path; 0: the
//	                 root), name bytes. Path i (from 1) is the i-th listed.
//	mutations        uvarint count, then per mutation: kind byte (MutationKind), path
//	                 uvarint, then by kind: put: key bytes, value bytes; delete: key bytes;
//	                 create and delete bucket: name bytes; set sequence: uvarint;
//	                 fill percent: float64 bits, 8 bytes big-endian.
//
// Each path is written once however many mutations name it, so a recorder group of a
// thousand results repeats no bucket names.

// MarshalBinary encodes ws (encoding.BinaryMarshaler).
func (ws *WriteSet) MarshalBinary() ([]byte, error) { return ws.AppendBinary(nil) }

// AppendBinary appends ws's encoding to b (encoding.BinaryAppender).
func (ws *WriteSet) AppendBinary(b []byte) ([]byte, error) {
	b = slices.Grow(b, 1+2*binary.MaxVarintLen64+len(ws.paths)*2*binary.MaxVarintLen32+
		len(ws.ops)*(1+3*binary.MaxVarintLen32+binary.MaxVarintLen64)+len(ws.data))
	b = append(b, writeSetVersion)
	b = binary.AppendUvarint(b, uint64(len(ws.paths)))
	for _, p := range ws.paths {
		b = binary.AppendUvarint(b, uint64(p.parent))
		b = ws.appendRun(b, p.name)
	}
	b = binary.AppendUvarint(b, uint64(len(ws.ops)))
	for _, op := range ws.ops {
		b = append(b, byte(op.kind))
		b = binary.AppendUvarint(b, uint64(op.path))
		switch op.kind {
		case MutationPut:
			b = ws.appendRun(ws.appendRun(b, op.key), op.value)
		case MutationDelete, MutationCreateBucket, MutationDeleteBucket:
			b = ws.appendRun(b, op.key)
		case MutationSetSequence:
			b = binary.AppendUvarint(b, op.num)
		case MutationFillPercent:
			b = binary.BigEndian.AppendUint64(b, op.num)
		default:
			return nil, fmt.Errorf("%w: unknown %s", ErrInvalidWriteSet, op.kind)
		}
	}
	return b, nil
}

// appendRun appends the run s of ws's data as bytes.
func (ws *WriteSet) appendRun(b []byte, s span) []byte {
	return append(binary.AppendUvarint(b, uint64(s.n)), ws.bytes(s)...)
}

// UnmarshalBinary decodes data into ws (encoding.BinaryUnmarshaler), replacing what ws
// held; it keeps a copy, not data. Every count and length is checked against the bytes
// that remain before anything is allocated for it, so hostile input costs at most a few
// times its own size; anything malformed is ErrInvalidWriteSet and leaves ws unchanged.
func (ws *WriteSet) UnmarshalBinary(data []byte) error {
	if uint64(len(data)) > math.MaxUint32 {
		return fmt.Errorf("%w: %d bytes, more than 4 GiB", ErrInvalidWriteSet, len(data))
	}
	d := &setDecoder{buf: bytes.Clone(data)}
	if v := d.byte(); d.err == nil && v != writeSetVersion {
		return fmt.Errorf("%w: version %d, this binary reads %d", ErrInvalidWriteSet, v, writeSetVersion)
	}
	// A path takes at least 2 bytes (parent, name length), a mutation too (kind, path).
	nPaths := d.count(2)
	paths := make([]setPath, 0, nPaths)
	depth := make([]uint8, 1, nPaths+1) // depth[id]; the root is 0
	for id := 1; id <= nPaths && d.err == nil; id++ {
		parent := d.uvarint(uint64(id - 1))
		name := d.run()
		if d.err == nil && depth[parent] >= maxPathDepth {
			d.fail("path %d nests deeper than %d buckets", id, maxPathDepth)
		}
		if d.err == nil {
			paths = append(paths, setPath{parent: uint32(parent), name: name})
			depth = append(depth, depth[parent]+1)
		}
	}
	nOps := d.count(2)
	ops := make([]setOp, 0, nOps)
	for i := 0; i < nOps && d.err == nil; i++ {
		op := setOp{kind: MutationKind(d.byte())}
		op.path = uint32(d.uvarint(uint64(len(paths))))
		switch op.kind {
		case MutationPut:
			op.key, op.value = d.run(), d.run()
		case MutationDelete, MutationCreateBucket, MutationDeleteBucket:
			op.key = d.run()
		case MutationSetSequence:
			op.num = d.uvarint(math.MaxUint64)
		case MutationFillPercent:
			op.num = d.uint64()
			if f := math.Float64frombits(op.num); d.err == nil && !(f >= 0.1 && f <= 1) {
				d.fail("fill percent %v outside bbolt's 0.1 to 1", f)
			}
		default:
			d.fail("unknown %s", op.kind)
		}
		ops = append(ops, op)
	}
	if d.err == nil && d.off != len(d.buf) {
		d.fail("%d bytes after the last mutation", len(d.buf)-d.off)
	}
	if d.err != nil {
		return d.err
	}
	*ws = WriteSet{paths: paths, ops: ops, data: d.buf}
	return nil
}

// setDecoder reads an encoded WriteSet from buf; the first problem sticks in err, after
// which every read returns zero.
type setDecoder struct {
	buf []byte
	off int
	err error
}

func (d *setDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrInvalidWriteSet, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *setDecoder) byte() byte {
	if d.err != nil || d.off >= len(d.buf) {
		d.fail("truncated")
		return 0
	}
	d.off++
	return d.buf[d.off-1]
}

// uvarint reads a uvarint of at most max.
func (d *setDecoder) uvarint(max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	if v > max {
		d.fail("%d is more than %d", v, max)
		return 0
	}
	d.off += n
	return v
}

// count reads a number of items each at least size bytes long: at most what the bytes
// left can hold.
func (d *setDecoder) count(size int) int {
	return int(d.uvarint(uint64((len(d.buf) - d.off) / size)))
}

// run reads bytes and returns where they are in buf.
func (d *setDecoder) run() span {
	n := d.uvarint(uint64(len(d.buf) - d.off))
	if d.err != nil || uint64(len(d.buf)-d.off) < n {
		d.fail("truncated")
		return span{}
	}
	s := span{uint32(d.off), uint32(n)}
	d.off += int(n)
	return s
}

func (d *setDecoder) uint64() uint64 {
	if d.err != nil || len(d.buf)-d.off < 8 {
		d.fail("truncated")
		return 0
	}
	d.off += 8
	return binary.BigEndian.Uint64(d.buf[d.off-8:])
}

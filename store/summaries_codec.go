package store

import (
	"encoding/binary"
	"errors"
)

// A summary is stored as (all integers uvarints; about 100–200 bytes):
//
//	version 1
//	3 × window: level (1 byte), start, total, up, degraded, down, maintenance, sum of ms
//	sparkEnd, then SparklineSlots × (up, sum of ms) in ring order
const summaryCodecV1 = 1

// summaryTypicalLen is the buffer a summary is encoded into: most fit, so encoding one
// allocates once.
const summaryTypicalLen = 256

// errCorruptSummary reports a summary value this binary cannot read.
var errCorruptSummary = errors.New("store: corrupt service summary")

// appendSummary appends the encoding of s to dst.
func appendSummary(dst []byte, s *summary) []byte {
	dst = append(dst, summaryCodecV1)
	for _, w := range s.windows {
		dst = append(dst, byte(w.level))
		for _, v := range [...]uint64{uint64(w.start), w.total, w.up, w.degraded, w.down, w.maintenance, w.sumMS} {
			dst = binary.AppendUvarint(dst, v)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(s.sparkEnd))
	for _, slot := range s.spark {
		dst = binary.AppendUvarint(dst, slot.up)
		dst = binary.AppendUvarint(dst, slot.sumMS)
	}
	return dst
}

// decodeSummary decodes v into s; errCorruptSummary when v is not a whole summary.
func decodeSummary(v []byte, s *summary) error {
	*s = summary{}
	if len(v) < 1 || v[0] != summaryCodecV1 {
		return errCorruptSummary
	}
	d := summaryReader{buf: v[1:]}
	for i := range s.windows {
		w := &s.windows[i]
		w.level = rollupLevel(d.byte())
		w.start = int64(d.next())
		w.total, w.up, w.degraded, w.down = d.next(), d.next(), d.next(), d.next()
		w.maintenance, w.sumMS = d.next(), d.next()
		if w.level >= levelCount || w.start < 0 {
			return errCorruptSummary
		}
	}
	s.sparkEnd = int64(d.next())
	for i := range s.spark {
		s.spark[i].up, s.spark[i].sumMS = d.next(), d.next()
	}
	if d.bad || len(d.buf) != 0 || s.sparkEnd < 0 {
		return errCorruptSummary
	}
	return nil
}

// summaryReader reads a summary's fields; bad is set once the input runs out or a field
// is malformed, and every later read returns 0.
type summaryReader struct {
	buf []byte
	bad bool
}

func (d *summaryReader) next() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *summaryReader) byte() byte {
	if d.bad || len(d.buf) == 0 {
		d.bad = true
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

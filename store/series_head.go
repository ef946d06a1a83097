package store

import (
	"encoding/binary"
	"fmt"
	"time"
)

// subHeads is the bucket of series heads inside orgs/<orgID>/: one row per service, keyed
// by its UUID's 16 bytes.
const subHeads = "series_heads"

// seriesHead is the part of a service's series the recorder changes with every result,
// kept in one small binary row so that a result rewrites that row alone: the latest
// result (what the service record shows as last_checked_at, last_error, ...), the raw
// block being filled, and the open row of each rollup level. A result of a new block or
// bucket period moves the open one to its bucket (results, rollup_1m, ...); the janitor
// moves those of services no longer checked. Readers merge the head into what they read
// from the buckets (scanResults, scanRollups, overlayLast).
//
// Before heads, each result rewrote the service's JSON record and a row in each of the
// four series buckets: five leaf pages per result in every commit, where a head is one.
type seriesHead struct {
	last headLast
	// The open raw block: rawN results checked in [rawStart, rawStart+rawBlockSpan),
	// encoded as a block's entries (series_block.go); rawLastAt and rawLastCode are its
	// last entry's, so that the next result is appended without decoding the others.
	rawStart, rawLastAt int64
	rawLastCode         uint64
	rawN                int
	raw                 []byte
	open                [levelCount]openRollup
}

// headLast is the latest result of a service (has false: none yet), with the time a check
// last saw its certificate (0: never).
type headLast struct {
	has       bool
	entry     rawEntry
	timings   Timings
	certAt    int64
	certAtSet bool
}

// openRollup is the rollup row of the current bucket period of one level.
type openRollup struct {
	has   bool
	start int64
	r     rollup
}

// head encoding, version 1:
//
//	0x01 | sections byte (headLastSection | headRawSection | headLevelSection<<level)
//	last:  be64 check time | status byte (statusCode*, rawInternal) | uvarint ms |
//	       uvarint status code | uvarint len | error | 4 × uvarint timing ns |
//	       uvarint certificate seen at (unix ns + 1; 0: never)
//	raw:   be64 start | uvarint count | be64 last entry's time | uvarint its status code |
//	       uvarint len | entries
//	level: be64 bucket start | uvarint len | rollup (series_codec.go)
const (
	headV1           = 1
	headLastSection  = 0x01
	headRawSection   = 0x02
	headLevelSection = 0x04 // << level
)

// appendHead appends the encoding of h to dst.
func appendHead(dst []byte, h *seriesHead) []byte {
	var sections byte
	if h.last.has {
		sections |= headLastSection
	}
	if h.rawN > 0 {
		sections |= headRawSection
	}
	for l := range levelCount {
		if h.open[l].has {
			sections |= headLevelSection << l
		}
	}
	dst = append(dst, headV1, sections)
	if h.last.has {
		e := &h.last.entry
		dst = binary.BigEndian.AppendUint64(dst, uint64(e.at))
		st := e.status
		if e.internal {
			st |= rawInternal
		}
		dst = append(dst, st)
		dst = binary.AppendUvarint(dst, e.ms)
		dst = binary.AppendUvarint(dst, e.code)
		dst = binary.AppendUvarint(dst, uint64(len(e.errorText)))
		dst = append(dst, e.errorText...)
		for _, d := range [...]time.Duration{h.last.timings.DNS, h.last.timings.Connect, h.last.timings.TLS, h.last.timings.FirstByte} {
			dst = binary.AppendUvarint(dst, uint64(max(d, 0)))
		}
		var certAt uint64
		if h.last.certAtSet {
			certAt = uint64(h.last.certAt) + 1
		}
		dst = binary.AppendUvarint(dst, certAt)
	}
	if h.rawN > 0 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.rawStart))
		dst = binary.AppendUvarint(dst, uint64(h.rawN))
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.rawLastAt))
		dst = binary.AppendUvarint(dst, h.rawLastCode)
		dst = binary.AppendUvarint(dst, uint64(len(h.raw)))
		dst = append(dst, h.raw...)
	}
	var row []byte
	for l := range levelCount {
		if o := &h.open[l]; o.has {
			dst = binary.BigEndian.AppendUint64(dst, uint64(o.start))
			row = appendRollup(row[:0], &o.r)
			dst = binary.AppendUvarint(dst, uint64(len(row)))
			dst = append(dst, row...)
		}
	}
	return dst
}

// decodeHead replaces h with the head encoded in v. The raw entries are copied, so h
// stays valid after the transaction.
func decodeHead(v []byte, h *seriesHead) error {
	raw := h.raw[:0]
	*h = seriesHead{}
	if len(v) < 2 || v[0] != headV1 {
		return fmt.Errorf("%w: series head version", errCorruptValue)
	}
	sections := v[1]
	d := headReader{buf: v[2:]}
	if sections&headLastSection != 0 {
		e := &h.last.entry
		h.last.has = true
		e.at = d.be64()
		st := d.byte()
		e.status, e.internal = st&^rawInternal, st&rawInternal != 0
		e.ms, e.code = d.uvarint(), d.uvarint()
		e.errorText = string(d.bytes(d.uvarint()))
		t := &h.last.timings
		t.DNS, t.Connect, t.TLS, t.FirstByte = time.Duration(d.uvarint()), time.Duration(d.uvarint()),
			time.Duration(d.uvarint()), time.Duration(d.uvarint())
		if certAt := d.uvarint(); certAt > 0 {
			h.last.certAt, h.last.certAtSet = int64(certAt-1), true
		}
		if e.status > statusCodeMaintenance { // 0: a result recorded before heads (lastFromRecord)
			d.err = errCorruptValue
		}
	}
	if sections&headRawSection != 0 {
		h.rawStart, h.rawN = d.be64(), int(d.uvarint())
		h.rawLastAt, h.rawLastCode = d.be64(), d.uvarint()
		h.raw = append(raw, d.bytes(d.uvarint())...)
		if h.rawN <= 0 {
			d.err = errCorruptValue
		}
	}
	for l := range levelCount {
		if sections&(headLevelSection<<l) == 0 {
			continue
		}
		o := &h.open[l]
		o.has, o.start = true, d.be64()
		if row := d.bytes(d.uvarint()); d.err == nil {
			d.err = decodeRollup(row, &o.r)
		}
	}
	if d.err != nil || len(d.buf) != 0 || sections>>(2+levelCount) != 0 {
		return fmt.Errorf("%w: series head", errCorruptValue)
	}
	return nil
}

// headReader reads the fields of a head and remembers the first failure.
type headReader struct {
	buf []byte
	err error
}

func (d *headReader) be64() int64 {
	if d.err != nil || len(d.buf) < 8 {
		d.err = errCorruptValue
		return 0
	}
	v := binary.BigEndian.Uint64(d.buf)
	d.buf = d.buf[8:]
	return int64(v)
}

func (d *headReader) byte() byte {
	if d.err != nil || len(d.buf) < 1 {
		d.err = errCorruptValue
		return 0
	}
	v := d.buf[0]
	d.buf = d.buf[1:]
	return v
}

func (d *headReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errCorruptValue
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *headReader) bytes(n uint64) []byte {
	if d.err != nil || n > uint64(len(d.buf)) {
		d.err = errCorruptValue
		return nil
	}
	v := d.buf[:n]
	d.buf = d.buf[n:]
	return v
}

// readHead returns the head of the service with series prefix prefix in organization
// bucket ob; nil when it has none (no result recorded since heads exist).
func readHead(ob bucket, prefix []byte) (*seriesHead, error) {
	b := ob.Bucket([]byte(subHeads))
	if !b.exists() || prefix == nil {
		return nil, nil
	}
	v := b.Get(prefix)
	if v == nil {
		return nil, nil
	}
	h := new(seriesHead)
	if err := decodeHead(v, h); err != nil {
		return nil, fmt.Errorf("store: series head of %s: %w", prefixServiceID(prefix), err)
	}
	return h, nil
}

// addRaw adds a result to the head's open raw block, which must be the block of e.at.
func (h *seriesHead) addRaw(start int64, e *rawEntry) {
	switch {
	case h.rawN == 0:
		h.rawStart, h.rawN, h.raw = start, 1, appendEntry(h.raw[:0], start, 0, e)
	case e.at > h.rawLastAt:
		h.raw = appendEntry(h.raw, h.rawLastAt, h.rawLastCode, e)
		h.rawN++
	default: // out of order, or the same nanosecond as one already there
		entries, _ := decodeRawRow(h.rawStart, append([]byte{rawBlockV2}, h.raw...), nil)
		entries = mergeEntries(entries, []rawEntry{*e})
		h.raw, h.rawN = encodeEntries(h.raw[:0], h.rawStart, entries), len(entries)
		last := entries[len(entries)-1]
		h.rawLastAt, h.rawLastCode = last.at, last.code
		return
	}
	h.rawLastAt, h.rawLastCode = e.at, e.code
}

// rawEntries decodes the head's open block.
func (h *seriesHead) rawEntries(out []rawEntry) ([]rawEntry, error) {
	if h == nil || h.rawN == 0 {
		return out, nil
	}
	d := newEntryReader(h.rawStart, h.raw)
	var e rawEntry
	for d.next(&e) {
		out = append(out, e)
	}
	return out, d.err
}

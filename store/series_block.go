package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"
)

// Raw results are stored in blocks: one row per service per rawBlockSpan of check time,
// keyed like every series row (service UUID, then the block's start in big-endian unix
// nanoseconds), holding the span's results oldest first. A row per result cost a 24-byte
// key and bbolt's 16-byte element header for a 7-byte value; in a block a result costs
// its own few bytes (SPEC §6: bytes per result). The block being filled lives in the
// service's series head (series_head.go) until the span is over.
//
// block (results bucket), version 2 (version 1 is the single-result row of
// series_codec.go, still read):
//
//	0x02 | entry ...
//	entry: uvarint nanoseconds since the previous entry (the first: since the block's
//	       start) | flags | uvarint response ms | [uvarint status code] | [uvarint len | error]
//
// flags holds the status code (statusCode*, 3 bits), entryInternal, entryCode when the
// HTTP status code differs from the previous entry's (the first entry's previous code is
// 0) and entryError when an error text follows. Bits 0x40 and 0x80 are reserved for
// fields later versions add to every result: the probe location of SPEC §8 would set 0x40
// and follow the error with a uvarint location ID. Blocks written before never set them,
// so they decode unchanged, without a migration; this version refuses them as corrupt.
const (
	rawBlockV2    = 2
	rawBlockSpan  = 15 * time.Minute
	entryStatus   = 0x07
	entryInternal = 0x08
	entryCode     = 0x10
	entryError    = 0x20
	entryReserved = 0xc0
)

// rawEntry is one result of a block: its check time (unix nanos) and what the raw
// encoding keeps of it.
type rawEntry struct {
	at        int64
	status    byte // statusCode*
	internal  bool
	ms        uint64
	code      uint64
	errorText string
}

// newRawEntry takes what a block keeps of r (status already validated).
func newRawEntry(at int64, r *CheckResult) rawEntry {
	return rawEntry{at: at, status: statusToCode(r.Status), internal: r.Internal,
		ms: nonNegative(r.ResponseTimeMS), code: nonNegative(r.StatusCode), errorText: clampError(r.Error)}
}

// result fills r's stored fields from e.
func (e *rawEntry) result(r *CheckResult) {
	r.CheckedAt = time.Unix(0, e.at).UTC()
	r.Status, r.Internal = codeToStatus(e.status), e.internal
	r.ResponseTimeMS, r.StatusCode, r.Error = int(e.ms), int(e.code), e.errorText
}

// appendEntry appends e, which follows an entry at prevAt with status code prevCode, to
// dst.
func appendEntry(dst []byte, prevAt int64, prevCode uint64, e *rawEntry) []byte {
	dst = binary.AppendUvarint(dst, uint64(e.at-prevAt))
	flags := e.status
	if e.internal {
		flags |= entryInternal
	}
	if e.code != prevCode {
		flags |= entryCode
	}
	if e.errorText != "" {
		flags |= entryError
	}
	dst = append(dst, flags)
	dst = binary.AppendUvarint(dst, e.ms)
	if flags&entryCode != 0 {
		dst = binary.AppendUvarint(dst, e.code)
	}
	if flags&entryError != 0 {
		dst = binary.AppendUvarint(dst, uint64(len(e.errorText)))
		dst = append(dst, e.errorText...)
	}
	return dst
}

// encodeEntries appends the entries (sorted by time, starting at or after start) to dst
// and returns it with the time and status code of the last one.
func encodeEntries(dst []byte, start int64, entries []rawEntry) []byte {
	prevAt, prevCode := start, uint64(0)
	for i := range entries {
		dst = appendEntry(dst, prevAt, prevCode, &entries[i])
		prevAt, prevCode = entries[i].at, entries[i].code
	}
	return dst
}

// entryReader decodes the entries of a block (without its version byte) one by one.
type entryReader struct {
	buf  []byte
	at   int64
	code uint64
	err  error
}

func newEntryReader(start int64, entries []byte) entryReader {
	return entryReader{buf: entries, at: start}
}

// next decodes the next entry into e; false at the end or on an error (see err).
func (d *entryReader) next(e *rawEntry) bool {
	if d.err != nil || len(d.buf) == 0 {
		return false
	}
	u := uvarintReader{buf: d.buf}
	delta := u.next()
	if u.err != nil || len(u.buf) == 0 {
		d.err = fmt.Errorf("%w: raw block entry", errCorruptValue)
		return false
	}
	flags := u.buf[0]
	u.buf = u.buf[1:]
	ms := u.next()
	if flags&entryCode != 0 {
		d.code = u.next()
	}
	var text string
	if flags&entryError != 0 {
		n := u.next()
		if u.err == nil && n > uint64(len(u.buf)) {
			u.err = errCorruptValue
		}
		if u.err == nil {
			text, u.buf = string(u.buf[:n]), u.buf[n:]
		}
	}
	if u.err != nil || flags&entryReserved != 0 || codeToStatus(flags&entryStatus) == "" {
		d.err = fmt.Errorf("%w: raw block entry", errCorruptValue)
		return false
	}
	d.at += int64(delta)
	*e = rawEntry{at: d.at, status: flags & entryStatus, internal: flags&entryInternal != 0, ms: ms, code: d.code, errorText: text}
	d.buf = u.buf
	return true
}

// decodeRawRow returns the results of one row of the results bucket stored at key time
// keyAt: a version-2 block, or a version-1 single result (written before blocks).
func decodeRawRow(keyAt int64, v []byte, out []rawEntry) ([]rawEntry, error) {
	if len(v) > 0 && v[0] == rawBlockV2 {
		d := newEntryReader(keyAt, v[1:])
		var e rawEntry
		for d.next(&e) {
			out = append(out, e)
		}
		return out, d.err
	}
	var r CheckResult
	if err := decodeRaw(v, &r); err != nil {
		return out, err
	}
	e := newRawEntry(keyAt, &r)
	return append(out, e), nil
}

// mergeEntries merges add (any order) into entries (sorted by time): the result is
// sorted, and of two results of the same nanosecond the one from add wins, as a later
// Put of the same key did when each result had its own row.
func mergeEntries(entries, add []rawEntry) []rawEntry {
	for _, e := range add {
		i, found := slices.BinarySearchFunc(entries, e.at, func(x rawEntry, at int64) int {
			switch {
			case x.at < at:
				return -1
			case x.at > at:
				return 1
			}
			return 0
		})
		if found {
			entries[i] = e
		} else {
			entries = slices.Insert(entries, i, e)
		}
	}
	return entries
}

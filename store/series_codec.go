package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Binary encodings of the time-series values. Both start with a version byte so a later
// layout can be read next to this one; every number after it is a uvarint, so a typical
// raw result is 7 bytes and a one-result rollup 13.
//
// raw (results bucket), version 1:
//
//	0x01 | status byte | uvarint response ms | uvarint status code | uvarint len | error bytes
//
// The status byte holds the status code (statusCode*) in its low bits and rawInternal for
// a result that could not be obtained for reasons of our own (CheckResult.Internal).
//
// rollup (rollup_1m/1h/1d buckets), version 1:
//
//	0x01 | total | up | degraded | down | maintenance | down ms | maintenance ms
//	     [ if up > 0: sum − min×up | min ms | max − min | histogram bitmap | a count per set bit ]
//
// Response-time figures describe the up results only (a refused connection has no
// meaningful response time), so they are absent when up is 0. Sum and max are stored as
// excesses over the minimum, and a zero bitmap means "every up result in the minimum's
// bucket": a one-check minute row (the common case at a 60 s interval) then needs a
// single byte for each of them.
const (
	rawCodecV1    = 1
	rollupCodecV1 = 1
	rawInternal   = 0x80
	// MaxErrorBytes caps the error text stored with a raw result; longer errors are cut at
	// a UTF-8 boundary. Reasons are short ("connection refused"), the cap bounds the row.
	MaxErrorBytes = 200
)

// Status codes of the raw encoding.
const (
	statusCodeGreen       = 1
	statusCodeYellow      = 2
	statusCodeRed         = 3
	statusCodeMaintenance = 4
)

// Check statuses as stored on services and results (SPEC §3.6).
const (
	StatusGreen       = "GREEN"
	StatusYellow      = "YELLOW"
	StatusRed         = "RED"
	StatusMaintenance = "MAINTENANCE"
	StatusPaused      = "PAUSED"
)

// errCorruptValue reports a series value this binary cannot decode.
var errCorruptValue = errors.New("store: corrupt time-series value")

// statusToCode maps a result status to its byte; 0 means "not a recordable status".
func statusToCode(s string) byte {
	switch s {
	case StatusGreen:
		return statusCodeGreen
	case StatusYellow:
		return statusCodeYellow
	case StatusRed:
		return statusCodeRed
	case StatusMaintenance:
		return statusCodeMaintenance
	}
	return 0
}

// codeToStatus is the inverse of statusToCode.
func codeToStatus(c byte) string {
	switch c {
	case statusCodeGreen:
		return StatusGreen
	case statusCodeYellow:
		return StatusYellow
	case statusCodeRed:
		return StatusRed
	case statusCodeMaintenance:
		return StatusMaintenance
	}
	return ""
}

// clampError cuts s to at most MaxErrorBytes without splitting a UTF-8 sequence.
func clampError(s string) string {
	if len(s) <= MaxErrorBytes {
		return s
	}
	cut := MaxErrorBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// nonNegative turns a negative count or duration from a caller into 0.
func nonNegative(v int) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}

// appendRaw appends the version-1 encoding of r (status already validated) to dst.
func appendRaw(dst []byte, r *CheckResult) []byte {
	st := statusToCode(r.Status)
	if r.Internal {
		st |= rawInternal
	}
	msg := clampError(r.Error)
	dst = append(dst, rawCodecV1, st)
	dst = binary.AppendUvarint(dst, nonNegative(r.ResponseTimeMS))
	dst = binary.AppendUvarint(dst, nonNegative(r.StatusCode))
	dst = binary.AppendUvarint(dst, uint64(len(msg)))
	return append(dst, msg...)
}

// decodeRaw fills the status, timing, code, error and internal fields of r from v. The
// error text is copied (string conversion), so r stays valid after the transaction.
func decodeRaw(v []byte, r *CheckResult) error {
	if len(v) < 2 || v[0] != rawCodecV1 {
		return fmt.Errorf("%w: raw result version/length", errCorruptValue)
	}
	r.Status, r.Internal = codeToStatus(v[1]&^rawInternal), v[1]&rawInternal != 0
	d := uvarintReader{buf: v[2:]}
	ms, code, n := d.next(), d.next(), d.next()
	if d.err != nil || r.Status == "" || n > uint64(len(d.buf)) {
		return fmt.Errorf("%w: raw result fields", errCorruptValue)
	}
	r.ResponseTimeMS, r.StatusCode = int(ms), int(code)
	r.Error = string(d.buf[:n])
	return nil
}

// uvarintReader reads successive uvarints and remembers the first failure.
type uvarintReader struct {
	buf []byte
	err error
}

// next returns the next uvarint, or 0 once the input is exhausted or malformed.
func (d *uvarintReader) next() uint64 {
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

// appendRollup appends the version-1 encoding of r to dst.
func appendRollup(dst []byte, r *rollup) []byte {
	dst = append(dst, rollupCodecV1)
	for _, v := range [...]uint64{r.total, r.up, r.degraded, r.down, r.maintenance, r.downMS, r.maintenanceMS} {
		dst = binary.AppendUvarint(dst, v)
	}
	if r.up == 0 {
		return dst
	}
	dst = binary.AppendUvarint(dst, r.sumMS-r.minMS*r.up)
	dst = binary.AppendUvarint(dst, r.minMS)
	dst = binary.AppendUvarint(dst, r.maxMS-r.minMS)
	var bitmap uint64
	for i, c := range r.hist {
		if c > 0 {
			bitmap |= 1 << i
		}
	}
	if bitmap == 1<<histBucket(r.minMS) {
		return append(dst, 0) // all in the minimum's bucket
	}
	dst = binary.AppendUvarint(dst, bitmap)
	for _, c := range r.hist {
		if c > 0 {
			dst = binary.AppendUvarint(dst, c)
		}
	}
	return dst
}

// decodeRollup replaces r with the rollup encoded in v.
func decodeRollup(v []byte, r *rollup) error {
	*r = rollup{}
	if len(v) < 1 || v[0] != rollupCodecV1 {
		return fmt.Errorf("%w: rollup version", errCorruptValue)
	}
	d := uvarintReader{buf: v[1:]}
	r.total, r.up, r.degraded, r.down = d.next(), d.next(), d.next(), d.next()
	r.maintenance, r.downMS, r.maintenanceMS = d.next(), d.next(), d.next()
	if r.up > 0 {
		excess, minMS, spread := d.next(), d.next(), d.next()
		r.sumMS, r.minMS, r.maxMS = excess+minMS*r.up, minMS, minMS+spread
		bitmap := d.next()
		if bitmap>>histBuckets != 0 {
			return fmt.Errorf("%w: rollup histogram", errCorruptValue)
		}
		if bitmap == 0 {
			r.hist[histBucket(minMS)] = r.up
		}
		for i := range r.hist {
			if bitmap&(1<<i) != 0 {
				r.hist[i] = d.next()
			}
		}
	}
	if d.err != nil || len(d.buf) != 0 {
		return fmt.Errorf("%w: rollup fields", errCorruptValue)
	}
	return nil
}

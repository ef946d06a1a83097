package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// A list cursor (the X-Next-Cursor of every list, SPEC §2) is opaque to clients: the
// unpadded base64url of
//
//	version (1 byte) | position key | check (8 bytes)
//
// The position key is the last key the page examined in the list's bucket or index (the
// part after the list's key prefix); the next page starts strictly after it. The check is
// SHA-256 over the list's name, its scope (the organization, and the parent record for a
// nested list) and the key, cut to 8 bytes: a cursor that was edited, truncated, or made
// by another list or organization fails it and is ErrInvalidCursor (400). It is not a
// secret — anyone can compute it — and need not be: a cursor only says where to resume
// inside lists the caller may read anyway, and every scan stays inside the caller's
// organization whatever the cursor says.
const (
	cursorVersion  = 1
	cursorCheckLen = 8
	// maxCursorLen bounds what is decoded: positions are record IDs or fixed-width log
	// keys, well under 100 bytes.
	maxCursorLen = 256
)

// listCursor names the position of one list; scope binds it to an organization (and
// parent record).
type listCursor struct {
	list, scope string
}

// check is the cursor's integrity check over the list, its scope and pos.
func (lc listCursor) check(pos []byte) []byte {
	h := sha256.New()
	h.Write([]byte(lc.list))
	h.Write([]byte{0})
	h.Write([]byte(lc.scope))
	h.Write([]byte{0})
	h.Write(pos)
	return h.Sum(nil)[:cursorCheckLen]
}

// encode returns the cursor that resumes after pos.
func (lc listCursor) encode(pos []byte) string {
	raw := make([]byte, 0, 1+len(pos)+cursorCheckLen)
	raw = append(raw, cursorVersion)
	raw = append(raw, pos...)
	raw = append(raw, lc.check(pos)...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decode returns the position s resumes after; "" is the start (nil). Anything this list
// did not produce for this scope is ErrInvalidCursor.
func (lc listCursor) decode(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("%w: not a cursor of this %s list", ErrInvalidCursor, lc.list)
	if len(s) > maxCursorLen {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 1+1+cursorCheckLen || raw[0] != cursorVersion {
		return nil, bad
	}
	pos, sum := raw[1:len(raw)-cursorCheckLen], raw[len(raw)-cursorCheckLen:]
	if !bytes.Equal(sum, lc.check(pos)) {
		return nil, bad
	}
	return pos, nil
}

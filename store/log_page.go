package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// logPage is one newest-first page of an append-only log bucket whose keys
// start with be64(unix nanos) (audit entries, delivery logs).
type logPage struct {
	cursor   listCursor // the list's cursors: their position is a key of the log
	upper    []byte     // exclusive upper bound key; nil = from the newest entry
	since    uint64     // stop at keys older than this (unix nanos); 0 = no bound
	limit    int
	keyLen   int // only keys of this length are entries (0 = any)
	describe string
}

// readLogPage decodes entries of b newest first within p, keeping those keep
// accepts, and returns them with the cursor of the next page: set when the page
// is full, or when ScanBudget entries were examined first (a filter that matches
// few entries; the page is then short). Its position is the last key examined:
// passing it back as the next page's upper bound continues strictly after it,
// stable while new entries are appended.
func readLogPage[T any](b bucket, p logPage, keep func(*T) bool) ([]T, string, error) {
	out := make([]T, 0)
	if !b.exists() {
		return out, "", nil
	}
	c := b.Cursor()
	k, v := c.Last()
	if p.upper != nil {
		// Seek lands on the first key ≥ upper (or nowhere); the entry before
		// it is the newest one strictly below the bound.
		if k, _ = c.Seek(p.upper); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	}
	var last []byte // the last key examined
	examined := 0
	for ; k != nil; k, v = c.Prev() {
		if examined == ScanBudget {
			return out, p.cursor.encode(last), nil
		}
		examined++
		last = k
		if p.keyLen > 0 && len(k) != p.keyLen {
			continue
		}
		if p.since > 0 && binary.BigEndian.Uint64(k[:8]) < p.since {
			break // time-ordered keys: everything further back is older still
		}
		var e T
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, "", fmt.Errorf("store: decode %s %x: %w", p.describe, k, err)
		}
		if !keep(&e) {
			continue
		}
		out = append(out, e)
		if len(out) == p.limit {
			return out, p.cursor.encode(k), nil
		}
	}
	return out, "", nil
}

// pageLimit applies the default (100) and maximum (1000) page sizes.
func pageLimit(n int) int {
	if n <= 0 {
		n = defaultAuditLimit
	}
	return min(n, maxAuditLimit)
}

package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ListQuery asks a list for one page (SPEC §2).
type ListQuery struct {
	// Cursor is the next cursor of the previous page; "" starts at the beginning.
	Cursor string
	// Limit is the page size: 0 is 100, more than 1000 is 1000.
	Limit int
}

// ScanBudget bounds the work of one page: a list examines at most this many records (or
// index entries) per request, whatever its filters. An unfiltered page (at most 1 000
// items) never reaches it. A filter that matches few records can: the page then ends
// where the scan stopped, with fewer items than asked for — possibly none — and a next
// cursor from that point, which the client follows as for any page. So a page with a next
// cursor may be short; only a page without one is the end of the list.
const ScanBudget = 5000

// listScan is how one list walks its records: a bucket (or an index) in key order, the
// cursor position being the key.
type listScan struct {
	cursor listCursor
	b      bucket // the bucket or index walked; missing is an empty list
	prefix []byte // only keys under prefix belong to the list; the cursor holds the rest
	desc   bool   // greatest key (newest) first
	// record returns the record an entry stands for; nil takes the entry's own value. A
	// nil record (a nested bucket, a dangling index entry) is passed over.
	record func(k, v []byte) []byte
}

// readPage decodes one page of s: up to q.Limit records that keep accepts (nil keeps every
// one), strictly after the position q.Cursor names, and the cursor of the next page — set
// when another accepted record follows the page (it then resumes just before that
// record, which is not examined twice) or when ScanBudget entries were examined first,
// "" at the end of the list. Run it inside a transaction: keys are read in place.
func readPage[T any](s listScan, q ListQuery, keep func(*T) bool) ([]T, string, error) {
	after, err := s.cursor.decode(q.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(q.Limit)
	out := make([]T, 0, min(limit, 128))
	if !s.b.exists() {
		return out, "", nil
	}
	c := s.b.Cursor()
	var last []byte // the last key examined: where the next page resumes
	examined := 0
	for k, v := s.first(c, after); k != nil && bytes.HasPrefix(k, s.prefix); k, v = s.step(c) {
		if examined == ScanBudget {
			return out, s.cursor.encode(last[len(s.prefix):]), nil
		}
		examined++
		raw := v
		if s.record != nil {
			raw = s.record(k, v)
		}
		if raw == nil {
			last = k
			continue
		}
		if keep == nil && len(out) == limit {
			return out, s.cursor.encode(last[len(s.prefix):]), nil
		}
		var item T
		if err := json.Unmarshal(raw, &item); err != nil {
			return nil, "", fmt.Errorf("store: decode %s %q: %w", s.cursor.list, k, err)
		}
		if keep != nil && !keep(&item) {
			last = k
			continue
		}
		if len(out) == limit {
			return out, s.cursor.encode(last[len(s.prefix):]), nil
		}
		out = append(out, item)
		last = k
	}
	return out, "", nil
}

// first positions c on the first entry of the page that resumes after the position after
// (nil: the start of the list).
func (s listScan) first(c *cursor, after []byte) ([]byte, []byte) {
	if after == nil {
		switch {
		case !s.desc && s.prefix == nil:
			return c.First()
		case !s.desc:
			return c.Seek(s.prefix)
		}
		if end := nextPrefix(s.prefix); s.prefix != nil && end != nil {
			if k, _ := c.Seek(end); k != nil {
				return c.Prev()
			}
		}
		return c.Last()
	}
	key := append(bytes.Clone(s.prefix), after...)
	k, v := c.Seek(key)
	switch {
	case !s.desc && bytes.Equal(k, key):
		return c.Next()
	case !s.desc:
		return k, v
	case k == nil:
		return c.Last()
	}
	return c.Prev() // Seek stands on the first key ≥ key: the one before is the first below it
}

// step moves c to the next entry in the list's order.
func (s listScan) step(c *cursor) ([]byte, []byte) {
	if s.desc {
		return c.Prev()
	}
	return c.Next()
}

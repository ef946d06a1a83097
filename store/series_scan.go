package store

import (
	"cmp"
	"slices"
)

// The readers of a series merge its head (series_head.go) into what its buckets hold:
// the open raw block into the results, the open row of each level into that level's
// rows. A head's open block and rows are its service's newest, so they come after every
// stored one of the same series; should a stored block or row have the same start (it
// cannot, by how the recorder writes, but a reader must not double-count), the two merge.

// scanResults calls fn with each raw result of the series with prefix in [from, to) (unix
// nanos), oldest first or newest first when desc, until fn returns false. It reads the
// results bucket of ob — blocks, and single results written before blocks — and head h
// (nil: none). The rows of one block span (a block, single results checked within it, the
// head's open block) are merged and sorted before they are handed on, so results written
// before blocks and after come in order too.
func scanResults(ob bucket, prefix []byte, h *seriesHead, from, to int64, desc bool, fn func(*CheckResult) bool) error {
	if prefix == nil || from >= to {
		return nil
	}
	var open []rawEntry
	if h != nil && h.rawN > 0 && h.rawStart < to && h.rawStart+int64(rawBlockSpan) > from {
		var err error
		if open, err = h.rawEntries(nil); err != nil {
			return err
		}
	}
	s := resultScan{from: from, to: to, desc: desc, fn: fn, span: -1}
	var err error
	// A block holding from starts up to one span earlier.
	scanSeries(ob.Bucket([]byte(subResults)), prefix, floorNanos(from, rawBlockSpan), to, desc, func(k, v []byte) bool {
		at := keyNanos(k)
		if span := floorNanos(at, rawBlockSpan); span != s.span {
			if !s.flush() {
				return false
			}
			// The head's block goes before this span's rows when it comes first in the
			// scan's order, or joins them when it is the same span.
			if open != nil && (!desc && h.rawStart < span || desc && h.rawStart > span) {
				s.group = append(s.group, open...)
				if !s.flush() {
					return false
				}
				open = nil
			}
			s.span = span
			if open != nil && h.rawStart == span {
				s.group, open = append(s.group, open...), nil
			}
		}
		if s.group, err = decodeRawRow(at, v, s.group); err != nil {
			return false
		}
		return true
	})
	if err != nil || s.stopped || !s.flush() {
		return err
	}
	if open != nil {
		s.group = append(s.group, open...)
		s.flush()
	}
	return nil
}

// resultScan hands the results of one block span at a time to fn, in range and in order.
type resultScan struct {
	from, to int64
	desc     bool
	fn       func(*CheckResult) bool
	span     int64      // the span group holds; -1 before the first
	group    []rawEntry // the span's results so far
	stopped  bool
}

// flush sorts the group, hands fn its results within range in the scan's order and
// empties it; false once fn asked to stop.
func (s *resultScan) flush() bool {
	entries := s.group
	s.group = s.group[:0]
	if s.stopped {
		return false
	}
	slices.SortStableFunc(entries, func(a, b rawEntry) int { return cmp.Compare(a.at, b.at) })
	if s.desc {
		slices.Reverse(entries)
	}
	var r CheckResult
	for i := range entries {
		if e := &entries[i]; e.at >= s.from && e.at < s.to {
			e.result(&r)
			if !s.fn(&r) {
				s.stopped = true
				return false
			}
		}
	}
	return true
}

// scanRollups calls fn with each row of level l of the series with prefix whose bucket
// starts in [from, to), oldest first, until fn returns false: the rows of the level's
// bucket in ob and the open row of head h (nil: none). fn must not keep r.
func scanRollups(ob bucket, l rollupLevel, prefix []byte, h *seriesHead, from, to int64, fn func(start int64, r *rollup) bool) error {
	if prefix == nil || from >= to {
		return nil
	}
	var open *openRollup
	if h != nil && h.open[l].has && h.open[l].start >= from && h.open[l].start < to {
		open = &h.open[l]
	}
	var row rollup
	var err error
	stopped := false
	scanSeries(ob.Bucket([]byte(l.bucket())), prefix, from, to, false, func(k, v []byte) bool {
		start := keyNanos(k)
		if open != nil && open.start < start {
			if !fn(open.start, &open.r) {
				stopped = true
				return false
			}
			open = nil
		}
		if err = decodeRollup(v, &row); err != nil {
			return false
		}
		if open != nil && open.start == start {
			row.merge(&open.r)
			open = nil
		}
		if !fn(start, &row) {
			stopped = true
			return false
		}
		return true
	})
	if err == nil && open != nil && !stopped {
		fn(open.start, &open.r)
	}
	return err
}

// seriesRows reads the rollup rows of one service's series with its head merged in
// (scanRollups), reading the head once, on first use.
type seriesRows struct {
	ob     bucket
	prefix []byte
	head   *seriesHead
	read   bool
}

// rollups calls fn with each row of level l whose bucket starts in [from, to), oldest
// first, until fn returns false; fn must not keep r.
func (s *seriesRows) rollups(l rollupLevel, from, to int64, fn func(start int64, r *rollup) bool) error {
	if !s.read {
		h, err := readHead(s.ob, s.prefix)
		if err != nil {
			return err
		}
		s.head, s.read = h, true
	}
	return scanRollups(s.ob, l, s.prefix, s.head, from, to, fn)
}

package store

import (
	"bytes"
	"errors"
	"time"
)

// staleHeadAge is how long after its period ended a head's open raw block or rollup row
// is left in the head. A service checked at any interval up to the API's longest moves
// them out itself with its next result; the janitor moves those of services no longer
// checked (paused, or an engine stopped), so that retention reaches them.
const staleHeadAge = time.Hour

// flushStaleHeads moves to their buckets the open blocks and rows of organization orgID's
// series heads whose period ended before now − staleHeadAge, and deletes the heads of
// services that no longer exist, at most maxDeleteChunk heads per write transaction. It
// returns how many heads it changed.
func (db *DB) flushStaleHeads(orgID string, now time.Time) (int, error) {
	before := seriesNanos(now.Add(-staleHeadAge))
	total := 0
	var resume []byte
	for first := true; first || resume != nil; first = false {
		n := 0
		err := db.update(orgID, nil, func(tx txn) error {
			ob, err := orgBucket(tx, orgID)
			if err != nil {
				return err
			}
			heads, owners := ob.Bucket([]byte(subHeads)), openOwners(ob)
			if !heads.exists() {
				resume = nil
				return errNoChange
			}
			var stale, gone [][]byte
			stale, gone, resume = collectStaleHeads(heads, owners, resume, before)
			if len(stale)+len(gone) == 0 {
				return errNoChange
			}
			for _, k := range gone {
				if err := heads.Delete(k); err != nil {
					return err
				}
				if owners.locations.exists() && owners.locations.Get(k) != nil {
					if err := owners.locations.Delete(k); err != nil {
						return err
					}
				}
			}
			w := db.newSeriesWriter(tx)
			ow, err := w.org(orgID)
			if err != nil {
				return err
			}
			for _, k := range stale {
				rec := &recording{prefix: k, head: new(seriesHead)}
				if err := decodeHead(heads.Get(k), rec.head); err != nil {
					w.skips.corrupt++
					continue
				}
				w.closeStale(ow, rec, before)
				ow.order = append(ow.order, rec)
			}
			n = len(stale) + len(gone)
			return w.flush()
		})
		switch {
		case errors.Is(err, errNoChange):
		case errors.Is(err, ErrNotFound):
			return total, nil
		case err != nil:
			return total, err
		}
		total += n
	}
	return total, nil
}

// collectStaleHeads walks heads from key from (nil: the start) and returns the keys of up
// to maxDeleteChunk heads with something to move (headStale) or whose service is gone,
// and the key to resume at (nil at the end).
func collectStaleHeads(heads bucket, owners seriesOwners, from []byte, before int64) (stale, gone [][]byte, resume []byte) {
	c := heads.Cursor()
	k, v := c.First()
	if from != nil {
		k, v = c.Seek(from)
	}
	for ; k != nil; k, v = c.Next() {
		if len(stale)+len(gone) == maxDeleteChunk {
			return stale, gone, bytes.Clone(k)
		}
		if len(k) != 16 || v == nil {
			continue
		}
		switch {
		case !owners.alive(k):
			gone = append(gone, bytes.Clone(k))
		case headStale(v, before):
			stale = append(stale, bytes.Clone(k))
		}
	}
	return stale, gone, nil
}

// headStale reports whether the head encoded in v has an open block or row whose period
// ended before before (an undecodable head counts, so that the flush reports it).
func headStale(v []byte, before int64) bool {
	var h seriesHead
	if err := decodeHead(v, &h); err != nil {
		return true
	}
	if h.rawN > 0 && h.rawStart+int64(rawBlockSpan) <= before {
		return true
	}
	for l := range levelCount {
		if o := &h.open[l]; o.has && o.start+int64(l.step()) <= before {
			return true
		}
	}
	return false
}

// closeStale moves the head's open block and rows whose period ended before before to
// the batch's closed rows.
func (w *seriesWriter) closeStale(ow *orgWriter, rec *recording, before int64) {
	h := rec.head
	if h.rawN > 0 && h.rawStart+int64(rawBlockSpan) <= before {
		entries, err := h.rawEntries(nil)
		if err != nil {
			w.skips.corrupt++
		}
		k := w.closedKey(ow, 0, rec.prefix, h.rawStart)
		w.blocks[k] = append(w.blocks[k], entries...)
		h.rawN, h.raw = 0, h.raw[:0]
	}
	for l := range levelCount {
		if o := &h.open[l]; o.has && o.start+int64(l.step()) <= before {
			w.rollup(ow, l, rec.prefix, o.start).merge(&o.r)
			*o = openRollup{}
		}
	}
}

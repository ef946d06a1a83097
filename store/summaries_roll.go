package store

import (
	"bytes"
	"errors"
	"time"
)

// maxShiftRows is how many rollup rows a window moves over before counting it afresh is
// cheaper: a fresh count of a window reads about 100–250 rows (Uptime's plan).
const maxShiftRows = 240

// rollChunkSize is how many summaries one write transaction of RollSummaries rolls: a few
// milliseconds of work, so the recorder's group commits never wait long behind it.
const rollChunkSize = 250

// summaryHorizon is how far past now a fresh count reaches, so a result whose check time
// is a little ahead of the store's clock is counted as the recorder would count it.
const summaryHorizon = 24 * time.Hour

// shiftWindow moves w, a window of the service whose series starts with prefix, to begin
// at start on level: the rows of its level between the old and the new start are taken
// away (moving forward) or added (moving back). It counts the window afresh from the
// rollups instead when the level changed, when the move spans more than maxShiftRows rows
// or reaches rows retention has deleted, or when taking away would go below zero.
func shiftWindow(rows *seriesRows, w *windowSums, level rollupLevel, start int64, now time.Time, p RetentionPolicy) error {
	if w.level == level && w.start == start {
		return nil
	}
	lo, hi, sign := w.start, start, -1
	if start < w.start {
		lo, hi, sign = start, w.start, 1
	}
	kept := floorNanos(seriesNanos(now.Add(-p.level(level))), level.step())
	if w.level != level || (hi-lo)/int64(level.step()) > maxShiftRows || lo < kept {
		return recountWindow(rows, w, level, start, now, p)
	}
	ok := true
	err := rows.rollups(level, lo, hi, func(_ int64, row *rollup) bool {
		ok = w.merge(row, sign)
		return ok
	})
	if err != nil || !ok {
		return recountWindow(rows, w, level, start, now, p)
	}
	w.start = start
	return nil
}

// recountWindow sets w to the counts of the rollups from start on (to now plus
// summaryHorizon), read as Uptime reads a period.
func recountWindow(rows *seriesRows, w *windowSums, level rollupLevel, start int64, now time.Time, p RetentionPolicy) error {
	_, _, spans := uptimePlan(time.Unix(0, start), now.Add(summaryHorizon), now, p)
	var sum counts
	for _, s := range spans {
		err := rows.rollups(s.level, s.start, s.end, func(_ int64, row *rollup) bool {
			sum.merge(row, 1)
			return true
		})
		if err != nil {
			return err
		}
	}
	*w = windowSums{level: level, start: start, counts: sum}
	return nil
}

// buildSummary counts a service's summary afresh from its rollups, as of now: its
// windows, and its sparkline from the 1-minute rows.
func buildSummary(rows *seriesRows, now time.Time, p RetentionPolicy) (*summary, error) {
	s := newSummary(now, p)
	for w := range s.windows {
		win := &s.windows[w]
		if err := recountWindow(rows, win, win.level, win.start, now, p); err != nil {
			return nil, err
		}
	}
	step := int64(SparklineStep)
	from := (seriesNanos(now)/step - SparklineSlots + 1) * step
	err := rows.rollups(level1m, from, seriesNanos(now.Add(summaryHorizon)), func(start int64, row *rollup) bool {
		if slot := s.sparkSlot(start / step); slot != nil {
			slot.up += row.up
			slot.sumMS += row.sumMS
		}
		return true
	})
	return s, err
}

// rollSummary brings every window of s to where it begins at now.
func rollSummary(rows *seriesRows, s *summary, now time.Time, p RetentionPolicy) error {
	for w := range windowCount {
		level, start := windowStart(w, now, now, p)
		if err := shiftWindow(rows, &s.windows[w], level, start, now, p); err != nil {
			return err
		}
	}
	return nil
}

// RollSummaries moves the windows of orgID's service summaries to where they begin at now
// and builds the summaries services lack (a database from before summaries, or one whose
// summary was damaged), rollChunkSize services per write transaction; then it deletes the
// summaries of services that no longer exist. The janitor runs it every few minutes, so a
// read of the overview moves each window over a few rows at most. It returns how many
// summaries it wrote; an organization deleted meanwhile ends it without error.
func (db *DB) RollSummaries(orgID string, now time.Time) (int, error) {
	total := 0
	var resume []byte
	for first := true; first || resume != nil; first = false {
		n := 0
		err := db.update(orgID, nil, func(tx txn) error {
			ob, err := orgBucket(tx, orgID)
			if err != nil {
				return err
			}
			services := ob.Bucket([]byte(subServices))
			if !services.exists() {
				resume = nil
				return nil
			}
			sums, err := orgSub(tx, orgID, subSummaries)
			if err != nil {
				return err
			}
			n, resume, err = db.rollChunk(ob, services, sums, resume, now)
			return err
		})
		switch {
		case errors.Is(err, ErrNotFound):
			return total, nil
		case err != nil:
			return total, err
		}
		total += n
	}
	_, err := db.deleteInChunks(orgID, subSummaries, orphanSummaries)
	return total, err
}

// rollChunk rolls or builds the summaries of up to rollChunkSize services from key from
// on and returns how many it wrote and the key the next chunk resumes at (nil: done).
func (db *DB) rollChunk(ob, services, sums bucket, from []byte, now time.Time) (int, []byte, error) {
	c := services.Cursor()
	k, _ := c.First()
	if from != nil {
		k, _ = c.Seek(from)
	}
	n := 0
	for ; k != nil && n < rollChunkSize; k, _ = c.Next() {
		prefix, ok := seriesPrefix(string(k))
		if !ok {
			continue // no series, no summary: the overview shows it empty
		}
		rows := &seriesRows{ob: ob, prefix: prefix}
		var s summary
		if raw := sums.Get(k); raw == nil || decodeSummary(raw, &s) != nil {
			built, err := buildSummary(rows, now, db.retention)
			if err != nil {
				return n, nil, err
			}
			s = *built
		} else if err := rollSummary(rows, &s, now, db.retention); err != nil {
			return n, nil, err
		}
		if err := sums.Put(bytes.Clone(k), appendSummary(make([]byte, 0, summaryTypicalLen), &s)); err != nil {
			return n, nil, err
		}
		n++
	}
	if k == nil {
		return n, nil, nil
	}
	return n, bytes.Clone(k), nil
}

// orphanSummaries collects (deleteInChunks) the summaries whose service is gone.
func orphanSummaries(b bucket, owners seriesOwners, from []byte) ([][]byte, []byte) {
	services := owners.services
	c := b.Cursor()
	k, _ := c.First()
	if from != nil {
		k, _ = c.Seek(from)
	}
	var doomed [][]byte
	for ; k != nil && len(doomed) < maxDeleteChunk; k, _ = c.Next() {
		if !services.exists() || services.Get(k) == nil {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	if k == nil {
		return doomed, nil
	}
	return doomed, bytes.Clone(k)
}

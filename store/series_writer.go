package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"time"
)

// seriesWriter is the state of one RecordResults transaction: the organizations and
// services touched so far — each service's record and series head read once and written
// back once — and what the batch adds to rows of periods that are over (a late result,
// down time attributed to earlier minutes, the open row or block a new period replaces),
// applied to the stored rows when the batch ends.
type seriesWriter struct {
	tx      txn
	orgs    map[string]*orgWriter
	rollups map[rollupKey]*rollup
	blocks  map[rollupKey][]rawEntry // results for the raw blocks of closed periods (level unused)
	skips   skipCounts
	// inMaintenance decides whether a window is active (Options.Maintenance).
	inMaintenance MaintenanceCheck
	// alerts is the batch's alert view and evaluate the alert evaluator
	// (Options.Alerts.Result), run for every result that advanced its service.
	alerts   *AlertTx
	evaluate AlertEvaluator
	records  *recordCache // the database's (DB.records)
}

// orgWriter holds one organization's buckets and services within a seriesWriter.
type orgWriter struct {
	tx       txn
	id       string
	services bucket
	results  bucket
	heads    bucket
	sums     bucket // service summaries, opened on first use (summarize)
	levels   [levelCount]bucket
	records  *recordCache          // the database's decoded service records
	loaded   map[string]*recording // nil value: the service does not exist
	order    []*recording          // services to write back, in first-seen order

	// The organization's maintenance windows, read once per batch (activeWindow).
	windows     []MaintenanceWindow
	windowsRead bool
}

// recording is one service being recorded: its record, its series head, and whether the
// record itself changed (status, certificate) and must be written back. Most results
// change only the head.
type recording struct {
	svc     *Service
	prefix  []byte
	head    *seriesHead
	changed bool
	last    lastFields // what svc's Last* fields point to while it is recorded
	sum     summaryState
	// location is "" for a service's own series, else the probe location whose series
	// this is (service_locations_series.go): svc is then the service's, never written back.
	location string
}

// rollupKey identifies one rollup row (or raw block) touched by the batch.
type rollupKey struct {
	org   *orgWriter
	level rollupLevel
	key   [seriesKeyLen]byte
}

// newSeriesWriter starts the batch of one RecordResults transaction. All results of the
// batch share one AlertTx, so its caches (organizations, rules, channels) are filled once
// per group commit.
func (db *DB) newSeriesWriter(tx txn) *seriesWriter {
	return &seriesWriter{tx: tx, orgs: map[string]*orgWriter{}, rollups: map[rollupKey]*rollup{},
		blocks: map[rollupKey][]rawEntry{}, inMaintenance: db.maintenance, alerts: db.newAlertTx(tx),
		evaluate: db.alerts.Result, records: &db.records}
}

// org returns the writer of organization id, or nil when it does not exist (or is being
// deleted). Its series buckets are created if missing and given the append fill percent,
// which bbolt does not persist and so must be set in every write transaction.
func (w *seriesWriter) org(id string) (*orgWriter, error) {
	if ow, seen := w.orgs[id]; seen {
		return ow, nil
	}
	var ow *orgWriter
	ob, err := orgBucket(w.tx, id)
	if err == nil {
		ow = &orgWriter{tx: w.tx, id: id, loaded: map[string]*recording{}, services: ob.Bucket([]byte(subServices)), records: w.records}
		for i, name := range append(seriesBuckets(), subHeads) {
			b, err := orgSub(w.tx, id, name)
			if err != nil {
				return nil, err
			}
			switch {
			case name == subHeads:
				ow.heads = b // rewritten in place: bbolt's default fill suits it
			case i == 0:
				b.SetFillPercent(appendFillRatio)
				ow.results = b
			default:
				b.SetFillPercent(appendFillRatio)
				ow.levels[i-1] = b
			}
		}
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	w.orgs[id] = ow
	return ow, nil
}

// service returns the service being recorded with its head, reading both on first use;
// nil when the service no longer exists. A service recorded before series heads existed
// has its latest result in its record: the head starts from it, and the record is
// written back without it.
func (ow *orgWriter) service(id string, prefix []byte) (*recording, error) {
	if rec, seen := ow.loaded[id]; seen {
		return rec, nil
	}
	var raw []byte
	if ow.services.exists() {
		raw = ow.services.Get([]byte(id))
	}
	if raw == nil {
		ow.records.forget(ow.id, id)
		ow.loaded[id] = nil
		return nil, nil
	}
	s, err := ow.records.service(ow.id, id, raw)
	if err != nil {
		return nil, err
	}
	rec := &recording{svc: s, prefix: prefix}
	if v := ow.heads.Get(prefix); v != nil {
		rec.head = new(seriesHead)
		if err := decodeHead(v, rec.head); err != nil {
			return nil, err
		}
	} else {
		rec.head = &seriesHead{last: lastFromRecord(s)}
		rec.changed = rec.head.last.has
	}
	ow.order = append(ow.order, rec)
	ow.loaded[id] = rec
	return rec, nil
}

// add records one item: raw result, rollup rows, latest result, status, alert evaluation.
func (w *seriesWriter) add(item *RecordItem) error {
	r := &item.Result
	prefix, ok := seriesPrefix(r.ServiceID)
	if !ok || statusToCode(r.Status) == 0 || r.CheckedAt.IsZero() {
		w.skips.invalid++
		return nil
	}
	ow, err := w.org(item.OrgID)
	if err != nil {
		return err
	}
	var rec *recording
	if ow != nil {
		if rec, err = ow.service(r.ServiceID, prefix); err != nil {
			return err
		}
	}
	if rec == nil {
		w.skips.gone++
		return nil
	}
	svc, head := rec.svc, rec.head
	probe := r.Status
	win, err := w.activeWindow(ow, r.ServiceID, r.CheckedAt)
	if err != nil {
		return err
	}
	if win != nil {
		r = inMaintenance(r)
	}
	at := seriesNanos(r.CheckedAt)
	if svc.MultiLocation() {
		return w.addLocated(ow, rec, r, probe, win, at) // service_locations.go
	}
	entry, err := w.addHistory(ow, rec, r, at)
	if err != nil {
		return err
	}
	if head.last.has && at <= head.last.entry.at {
		return nil // late arrival: history only, the service already shows something newer
	}
	w.attribute(ow, rec, at, svc.Status)
	prev := svc.Status
	// A service paused while its check ran stays PAUSED. In a maintenance window r.Status
	// is already MAINTENANCE (inMaintenance), so the service reads MAINTENANCE.
	if !svc.Paused && svc.Status != StatusPaused {
		svc.Status = r.Status
	}
	rec.changed = rec.changed || svc.Status != prev
	rec.setLatest(r, entry)
	w.alerts.ev = ResultEvent{OrgID: ow.id, Service: svc, PrevStatus: prev, Result: r, ProbeStatus: probe, Maintenance: win}
	return w.evaluate(w.alerts, &w.alerts.ev)
}

// addHistory adds r, checked at at, to the series of rec: its raw block, its rollup rows
// and, for a service's own series, its summary.
func (w *seriesWriter) addHistory(ow *orgWriter, rec *recording, r *CheckResult, at int64) (*rawEntry, error) {
	entry := newRawEntry(at, r)
	w.addRaw(ow, rec, &entry)
	ms := nonNegative(r.ResponseTimeMS)
	for l := range levelCount {
		w.rollupAt(ow, rec, l, floorNanos(at, l.step())).add(r.Status, ms)
	}
	if rec.location != "" {
		return &entry, nil // a location's series has no summary of its own
	}
	return &entry, ow.summarize(rec, r)
}

// setLatest makes r, stored as e, the service's latest result: its head's, and its
// certificate on the record when that changed.
func (rec *recording) setLatest(r *CheckResult, e *rawEntry) {
	head, svc := rec.head, rec.svc
	head.last.has, head.last.entry, head.last.timings = true, *e, r.Timings
	if r.Certificate != nil {
		head.last.certAt, head.last.certAtSet = e.at, true
		if svc.Certificate == nil || !sameCertificate(svc.Certificate, r.Certificate) {
			c := *r.Certificate
			c.CheckedAt = r.CheckedAt.UTC()
			svc.Certificate, rec.changed = &c, true
		}
	}
	rec.last.set(svc, &head.last)
}

// addRaw adds a result to its raw block: the head's open one, a new one that replaces
// it (the open one goes to the results bucket), or for a late result one of the bucket.
func (w *seriesWriter) addRaw(ow *orgWriter, rec *recording, e *rawEntry) {
	h, start := rec.head, floorNanos(e.at, rawBlockSpan)
	switch {
	case h.rawN > 0 && start == h.rawStart:
		h.addRaw(start, e)
	case h.rawN == 0 || start > h.rawStart:
		if h.rawN > 0 {
			entries, err := h.rawEntries(nil)
			if err != nil {
				w.skips.corrupt++ // an undecodable open block is dropped, not a blocked recorder
			}
			k := w.closedKey(ow, 0, rec.prefix, h.rawStart)
			w.blocks[k] = append(w.blocks[k], entries...)
			h.rawN = 0
		}
		h.addRaw(start, e)
	default:
		k := w.closedKey(ow, 0, rec.prefix, start)
		w.blocks[k] = append(w.blocks[k], *e)
	}
}

// rollupAt returns the row to add to for one level's bucket period starting at start:
// the head's open row, a new open row that replaces it (the replaced one goes to its
// bucket), or for an earlier period the batch's delta for that bucket row.
func (w *seriesWriter) rollupAt(ow *orgWriter, rec *recording, l rollupLevel, start int64) *rollup {
	o := &rec.head.open[l]
	switch {
	case o.has && start == o.start:
		return &o.r
	case !o.has || start > o.start:
		if o.has {
			w.rollup(ow, l, rec.prefix, o.start).merge(&o.r)
		}
		*o = openRollup{has: true, start: start}
		return &o.r
	}
	return w.rollup(ow, l, rec.prefix, start)
}

// attribute adds the time from the series' previous check to this one (at most two
// check intervals: beyond that the checker itself was not running) to the down time of
// the rollups it spans when the previous status, prev, was RED, to their maintenance time
// when it was MAINTENANCE.
func (w *seriesWriter) attribute(ow *orgWriter, rec *recording, at int64, prev string) {
	svc, last := rec.svc, &rec.head.last
	if !last.has || (prev != StatusRed && prev != StatusMaintenance) {
		return
	}
	interval := time.Duration(svc.CheckIntervalSeconds) * time.Second
	if interval <= 0 {
		interval = time.Minute
	}
	start := last.entry.at
	end := min(at, start+int64(2*interval))
	down := prev == StatusRed
	for l := range levelCount {
		spread(start, end, l.step(), func(bucket int64, ms uint64) {
			if r := w.rollupAt(ow, rec, l, bucket); down {
				r.downMS += ms
			} else {
				r.maintenanceMS += ms
			}
		})
	}
}

// closedKey is the key of a row of a closed period.
func (w *seriesWriter) closedKey(ow *orgWriter, l rollupLevel, prefix []byte, start int64) rollupKey {
	k := rollupKey{org: ow, level: l}
	copy(k.key[:], prefix)
	binary.BigEndian.PutUint64(k.key[16:], uint64(max(start, 0)))
	return k
}

// rollup returns the batch's delta for one rollup row of a closed period, creating it
// empty.
func (w *seriesWriter) rollup(ow *orgWriter, l rollupLevel, prefix []byte, bucket int64) *rollup {
	k := w.closedKey(ow, l, prefix, bucket)
	r := w.rollups[k]
	if r == nil {
		r = new(rollup)
		w.rollups[k] = r
	}
	return r
}

// flush writes back the changed service records and every head, then merges what the
// batch added to closed periods into the stored blocks and rows, in key order so each
// bucket is walked front to back.
func (w *seriesWriter) flush() error {
	var buf []byte
	for _, ow := range w.orgs {
		if ow == nil {
			continue // organization gone: nothing was recorded for it
		}
		for _, rec := range ow.order {
			if rec.changed { // never for a location's series: it has no record of its own
				if err := putService(ow.services, rec.svc); err != nil {
					return err
				}
			}
			if err := ow.putSummary(rec); err != nil {
				return err
			}
			buf = appendHead(buf[:0], rec.head)
			// bbolt keeps references to key and value until the commit: fresh slices each.
			if err := ow.heads.Put(bytes.Clone(rec.prefix), bytes.Clone(buf)); err != nil {
				return err
			}
		}
	}
	if err := w.flushBlocks(); err != nil {
		return err
	}
	return w.flushRollups()
}

// sortedKeys returns the keys of m by organization, level and key.
func sortedKeys[V any](m map[rollupKey]V) []rollupKey {
	keys := make([]rollupKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rollupKey) int {
		return cmp.Or(cmp.Compare(a.org.id, b.org.id), cmp.Compare(a.level, b.level), bytes.Compare(a.key[:], b.key[:]))
	})
	return keys
}

// flushBlocks merges the batch's results of closed raw blocks into the stored blocks. A
// row written before blocks (one result at exactly the block's key) joins the block.
func (w *seriesWriter) flushBlocks() error {
	var stored []rawEntry
	for _, k := range sortedKeys(w.blocks) {
		b, key := k.org.results, k.key[:]
		stored = stored[:0]
		if old := b.Get(key); old != nil {
			var err error
			// An undecodable block is replaced rather than failing the batch: otherwise
			// one damaged value would block every later result of the group for good.
			if stored, err = decodeRawRow(keyNanos(key), old, stored); err != nil {
				w.skips.corrupt++
				stored = stored[:0]
			}
		}
		entries := mergeEntries(stored, w.blocks[k])
		v := encodeEntries([]byte{rawBlockV2}, keyNanos(key), entries)
		if err := b.Put(bytes.Clone(key), v); err != nil {
			return err
		}
	}
	return nil
}

// flushRollups merges the batch's rollup deltas of closed periods into the stored rows.
func (w *seriesWriter) flushRollups() error {
	var stored rollup
	for _, k := range sortedKeys(w.rollups) {
		b, delta := k.org.levels[k.level], w.rollups[k]
		key := k.key[:]
		if old := b.Get(key); old != nil {
			if err := decodeRollup(old, &stored); err != nil {
				w.skips.corrupt++
			} else {
				delta.merge(&stored)
			}
		}
		if err := b.Put(bytes.Clone(key), appendRollup(nil, delta)); err != nil {
			return err
		}
	}
	return nil
}

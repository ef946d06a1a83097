package store

import (
	"bytes"
	"cmp"
	"errors"
	"slices"
	"time"
)

// seriesWriter is the state of one RecordResults transaction: the organizations and
// services touched so far (each service decoded once and written back once) and the
// batch's rollup deltas, applied to the stored rollups when the batch ends.
type seriesWriter struct {
	tx      txn
	orgs    map[string]*orgWriter
	rollups map[rollupKey]*rollup
	skips   skipCounts
	// inMaintenance decides whether a window is active (Options.Maintenance).
	inMaintenance MaintenanceCheck
	// alerts is the batch's alert view and evaluate the alert evaluator
	// (Options.Alerts.Result), run for every result that advanced its service.
	alerts   *AlertTx
	evaluate AlertEvaluator
}

// orgWriter holds one organization's buckets and services within a seriesWriter.
type orgWriter struct {
	id       string
	services bucket
	results  bucket
	levels   [levelCount]bucket
	loaded   map[string]*Service // nil value: the service does not exist
	order    []*Service          // services to write back, in first-seen order

	// The organization's maintenance windows, read once per batch (activeWindow).
	windows     []MaintenanceWindow
	windowsRead bool
}

// rollupKey identifies one rollup row touched by the batch.
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
		inMaintenance: db.maintenance, alerts: db.newAlertTx(tx), evaluate: db.alerts.Result}
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
		ow = &orgWriter{id: id, loaded: map[string]*Service{}, services: ob.Bucket([]byte(subServices))}
		for i, name := range seriesBuckets() {
			b, err := orgSub(w.tx, id, name)
			if err != nil {
				return nil, err
			}
			b.SetFillPercent(appendFillRatio)
			if i == 0 {
				ow.results = b
			} else {
				ow.levels[i-1] = b
			}
		}
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	w.orgs[id] = ow
	return ow, nil
}

// service returns the service being recorded, decoding it on first use; nil when it no
// longer exists.
func (ow *orgWriter) service(id string) (*Service, error) {
	if s, seen := ow.loaded[id]; seen {
		return s, nil
	}
	var s *Service
	if ow.services.exists() {
		s = new(Service)
		if err := getJSON(ow.services, []byte(id), s, entityService); errors.Is(err, ErrNotFound) {
			s = nil
		} else if err != nil {
			return nil, err
		} else {
			ow.order = append(ow.order, s)
		}
	}
	ow.loaded[id] = s
	return s, nil
}

// add records one item: raw row, rollup deltas, service update, alert evaluation.
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
	var svc *Service
	if ow != nil {
		if svc, err = ow.service(r.ServiceID); err != nil {
			return err
		}
	}
	if svc == nil {
		w.skips.gone++
		return nil
	}
	probe := r.Status
	win, err := w.activeWindow(ow, r.ServiceID, r.CheckedAt)
	if err != nil {
		return err
	}
	if win != nil {
		r = inMaintenance(r)
	}
	at := seriesNanos(r.CheckedAt)
	if err := ow.results.Put(seriesKey(prefix, at), appendRaw(nil, r)); err != nil {
		return err
	}
	ms := nonNegative(r.ResponseTimeMS)
	for l := range levelCount {
		w.rollup(ow, l, prefix, floorNanos(at, l.step())).add(r.Status, ms)
	}
	if err := summarizeResult(w.tx, ow.id, r); err != nil {
		return err
	}
	if svc.MultiLocation() {
		return w.addLocated(ow, prefix, svc, r, probe, win, at) // service_locations.go
	}
	if svc.LastCheckedAt != nil && !r.CheckedAt.After(*svc.LastCheckedAt) {
		return nil // late arrival: history only, the service already shows something newer
	}
	w.attribute(ow, prefix, svc, at)
	prev := svc.Status
	// A service paused while its check ran stays PAUSED. In a maintenance window r.Status
	// is already MAINTENANCE (inMaintenance), so the service reads MAINTENANCE.
	if !svc.Paused && svc.Status != StatusPaused {
		svc.Status = r.Status
	}
	checked, code, rt := r.CheckedAt.UTC(), r.StatusCode, r.ResponseTimeMS
	svc.LastCheckedAt, svc.LastStatusCode, svc.LastResponseTimeMS = &checked, &code, &rt
	svc.LastError = clampError(r.Error)
	svc.LastTimings = nil
	if r.Timings != (Timings{}) {
		t := r.Timings
		svc.LastTimings = &t
	}
	if r.Certificate != nil {
		c := *r.Certificate
		c.CheckedAt = checked
		svc.Certificate = &c
	}
	w.alerts.ev = ResultEvent{OrgID: ow.id, Service: svc, PrevStatus: prev, Result: r, ProbeStatus: probe, Maintenance: win}
	return w.evaluate(w.alerts, &w.alerts.ev)
}

// attribute adds the time from the service's previous check to this one (at most two
// check intervals: beyond that the checker itself was not running) to the down time of
// the rollups it spans when the previous status was RED, to their maintenance time when
// it was MAINTENANCE.
func (w *seriesWriter) attribute(ow *orgWriter, prefix []byte, svc *Service, at int64) {
	if svc.LastCheckedAt == nil || (svc.Status != StatusRed && svc.Status != StatusMaintenance) {
		return
	}
	interval := time.Duration(svc.CheckIntervalSeconds) * time.Second
	if interval <= 0 {
		interval = time.Minute
	}
	start := seriesNanos(*svc.LastCheckedAt)
	end := min(at, start+int64(2*interval))
	down := svc.Status == StatusRed
	for l := range levelCount {
		spread(start, end, l.step(), func(bucket int64, ms uint64) {
			if r := w.rollup(ow, l, prefix, bucket); down {
				r.downMS += ms
			} else {
				r.maintenanceMS += ms
			}
		})
	}
}

// rollup returns the batch's delta for one rollup row, creating it empty.
func (w *seriesWriter) rollup(ow *orgWriter, l rollupLevel, prefix []byte, bucket int64) *rollup {
	k := rollupKey{org: ow, level: l}
	copy(k.key[:], seriesKey(prefix, bucket))
	r := w.rollups[k]
	if r == nil {
		r = new(rollup)
		w.rollups[k] = r
	}
	return r
}

// flush writes back the services and merges the rollup deltas into the stored rows, in
// key order so each bucket is walked front to back.
func (w *seriesWriter) flush() error {
	for _, ow := range w.orgs {
		if ow == nil {
			continue // organization gone: nothing was recorded for it
		}
		for _, s := range ow.order {
			if err := putJSON(ow.services, []byte(s.ID), s); err != nil {
				return err
			}
		}
	}
	keys := make([]rollupKey, 0, len(w.rollups))
	for k := range w.rollups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rollupKey) int {
		return cmp.Or(cmp.Compare(a.org.id, b.org.id), cmp.Compare(a.level, b.level), bytes.Compare(a.key[:], b.key[:]))
	})
	var stored rollup
	for _, k := range keys {
		b, delta := k.org.levels[k.level], w.rollups[k]
		key := k.key[:]
		if old := b.Get(key); old != nil {
			// An undecodable row is replaced rather than failing the batch: otherwise one
			// damaged value would block every later result of the group for good.
			if err := decodeRollup(old, &stored); err != nil {
				w.skips.corrupt++
			} else {
				delta.merge(&stored)
			}
		}
		// bbolt keeps references to key and value until the commit: fresh slices each.
		if err := b.Put(bytes.Clone(key), appendRollup(nil, delta)); err != nil {
			return err
		}
	}
	return nil
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// RetentionPolicy is how long each time-series resolution is kept (SPEC §4.4). Zero fields
// mean "the default" wherever a policy is taken (Options.Retention, Janitor.Retention).
type RetentionPolicy struct {
	Raw    time.Duration // raw results: RAW_RETENTION, default 168h
	Minute time.Duration // 1-minute rollups, default 48h
	Hour   time.Duration // hourly rollups, default 90 days
	Day    time.Duration // daily rollups, default 2 years (730 days)
}

// DefaultRetention returns the policy of SPEC §4.4: raw 7 days, 1m 48 h, 1h 90 d, 1d 2 y.
func DefaultRetention() RetentionPolicy {
	return RetentionPolicy{Raw: 168 * time.Hour, Minute: 48 * time.Hour, Hour: 90 * 24 * time.Hour, Day: 730 * 24 * time.Hour}
}

// orDefaults returns p with every zero (or negative) field taken from d.
func (p RetentionPolicy) orDefaults(d RetentionPolicy) RetentionPolicy {
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	return RetentionPolicy{Raw: pick(p.Raw, d.Raw), Minute: pick(p.Minute, d.Minute), Hour: pick(p.Hour, d.Hour), Day: pick(p.Day, d.Day)}
}

// level returns how long a rollup level is kept.
func (p RetentionPolicy) level(l rollupLevel) time.Duration {
	return [...]time.Duration{p.Minute, p.Hour, p.Day}[l]
}

// errNoChange rolls back a chunk transaction that found nothing to delete: a commit would
// still write a freelist page and a meta page and fsync for nothing.
var errNoChange = errors.New("store: nothing to delete")

// PruneSeries deletes organization orgID's time series that policy p (zero fields: the
// database's policy) no longer keeps at time now: raw blocks whose results were all
// checked before now-p.Raw (the block holding the cutoff stays) and rollup rows whose
// whole bucket ends before their level's cutoff (the bucket holding the cutoff stays, so a
// query starting at the cutoff finds it). First it moves what series heads hold of periods
// long over to the buckets (flushStaleHeads), so that a service no longer checked ages
// out too. Series whose service no longer exists are deleted whole, which finishes a
// PurgeServiceHistory that never ran. At most 1000 keys go per write transaction; it
// returns how many keys it deleted or heads it changed. An organization deleted meanwhile
// ends the prune without error.
func (db *DB) PruneSeries(orgID string, p RetentionPolicy, now time.Time) (int, error) {
	p = p.orDefaults(db.retention)
	// A block's key is its start: it is over once its whole span is before the cutoff.
	bounds := map[string]int64{subResults: seriesNanos(now.Add(-p.Raw)) - int64(rawBlockSpan) + 1}
	for l := range levelCount {
		bounds[l.bucket()] = floorNanos(seriesNanos(now.Add(-p.level(l))), l.step())
	}
	total, err := db.flushStaleHeads(orgID, now)
	if err != nil {
		return total, err
	}
	for _, name := range seriesBuckets() {
		bound := bounds[name]
		n, err := db.deleteInChunks(orgID, name, func(b bucket, owners seriesOwners, from []byte) ([][]byte, []byte) {
			return collectExpired(b, owners, from, bound)
		})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// collectExpired walks b from key from (nil: the start) and returns up to maxDeleteChunk
// keys that are older than bound or belong to a service missing from services, plus the
// key the next chunk resumes at (nil when the walk reached the end). Within one service's
// range it stops at the first live key and seeks to the next service.
func collectExpired(b bucket, owners seriesOwners, from []byte, bound int64) (doomed [][]byte, resume []byte) {
	c := b.Cursor()
	k, _ := c.First()
	if from != nil {
		k, _ = c.Seek(from)
	}
	var prefix []byte
	alive := false
	for k != nil {
		if len(k) != seriesKeyLen {
			k, _ = c.Next() // not a series key; never written, left alone
			continue
		}
		if !bytes.Equal(prefix, k[:16]) {
			prefix = bytes.Clone(k[:16])
			alive = owners.alive(prefix)
		}
		if alive && keyNanos(k) >= bound {
			if next := nextPrefix(prefix); next != nil {
				k, _ = c.Seek(next)
				continue
			}
			return doomed, nil
		}
		if len(doomed) == maxDeleteChunk {
			return doomed, bytes.Clone(k)
		}
		doomed = append(doomed, bytes.Clone(k))
		k, _ = c.Next()
	}
	return doomed, nil
}

// PurgeServiceHistory deletes every raw result and rollup of service serviceID of orgID, at
// most 1000 keys per write transaction, so a service with years of history never makes one
// huge transaction. DeleteService leaves the history in place because it must return
// quickly; the API hands this call to a background worker after DeleteService succeeds
// (the store starts no goroutines). Should that never run, the Janitor's next sweep deletes
// the orphaned series anyway. An organization that is gone is not an error: its own purge
// removes everything.
func (db *DB) PurgeServiceHistory(orgID, serviceID string) error {
	prefix, ok := seriesPrefix(serviceID)
	if !ok {
		return nil // such a service never had a series
	}
	for _, name := range seriesBuckets() {
		_, err := db.deleteInChunks(orgID, name, func(b bucket, _ seriesOwners, _ []byte) ([][]byte, []byte) {
			var doomed [][]byte
			c := b.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				if len(doomed) == maxDeleteChunk {
					return doomed, prefix // deleted keys are gone: resume at the prefix
				}
				doomed = append(doomed, bytes.Clone(k))
			}
			return doomed, nil
		})
		if err != nil {
			return fmt.Errorf("store: purge history of service %s: %w", serviceID, err)
		}
	}
	err := db.update(orgID, nil, func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		heads := ob.Bucket([]byte(subHeads))
		if !heads.exists() || heads.Get(prefix) == nil {
			return errNoChange
		}
		return heads.Delete(prefix)
	})
	if err != nil && !errors.Is(err, errNoChange) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: purge history of service %s: %w", serviceID, err)
	}
	return nil
}

// deleteInChunks runs collect in successive write transactions on bucket name of orgID and
// deletes the keys it returns (collect never returns more than maxDeleteChunk) after the
// walk — never cursor.Delete then Next, which skips keys. collect gets the bucket, the
// organization's services bucket and the resume key it returned last time; it returns a
// nil resume key when done. A missing bucket or organization means nothing to delete.
func (db *DB) deleteInChunks(orgID, name string, collect func(b bucket, owners seriesOwners, from []byte) ([][]byte, []byte)) (int, error) {
	total := 0
	var resume []byte
	for first := true; first || resume != nil; first = false {
		n := 0
		err := db.update(orgID, nil, func(tx txn) error {
			ob, err := orgBucket(tx, orgID)
			if err != nil {
				return err
			}
			b := ob.Bucket([]byte(name))
			if !b.exists() {
				resume = nil
				return errNoChange
			}
			var doomed [][]byte
			doomed, resume = collect(b, openOwners(ob), resume)
			if len(doomed) == 0 {
				return errNoChange
			}
			b.SetFillPercent(appendFillRatio)
			for _, k := range doomed {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(doomed)
			return nil
		})
		switch {
		case errors.Is(err, errNoChange):
		case errors.Is(err, ErrNotFound):
			return total, nil
		case err != nil:
			return total, err
		}
		total += n
		if n > 0 && db.onDeleteChunk != nil {
			db.onDeleteChunk(name, n)
		}
	}
	return total, nil
}

package store

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
)

// History of a service checked from several probe locations (SPEC §8). Each location's
// results go to a series of its own — the same heads, raw blocks and rollups as a
// service's, under the key prefix locationPrefix(service, location) — so two locations
// checking in the same nanosecond never share a key, and GET …/checks|metrics|uptime can
// answer for one location. The service's own series, rollups and summary receive the
// quorum's verdict (the service status after evaluation) once per evaluation: its uptime
// and the dashboard count what the service was, not every location's raw status, so one
// failing location of three does not lower it. A service of one location (the default)
// stores its results in its own series alone, exactly as before locations existed.
//
// subLocationSeries maps a location series' prefix to serviceID + "/" + location, so the
// janitor can tell whom a series belongs to (a UUIDv5 is not reversible): a series whose
// service is gone, no longer names the location or is checked from one location only is
// deleted by the next sweep (PruneSeries), as a deleted service's is.
const subLocationSeries = "location_series"

// locationPrefix is the series key prefix of location loc of the service whose prefix is
// servicePrefix: the UUIDv5 of the location name in the service's UUID namespace.
func locationPrefix(servicePrefix []byte, loc string) []byte {
	id := uuid.NewSHA1(uuid.UUID(servicePrefix[:16]), []byte(loc))
	return id[:]
}

// locationSeries returns the recording of location loc's series of the service rec,
// reading its head on first use; a new series is entered in subLocationSeries.
func (ow *orgWriter) locationSeries(rec *recording, loc string) (*recording, error) {
	key := rec.svc.ID + "\x00" + loc
	if lrec, seen := ow.loaded[key]; seen {
		return lrec, nil
	}
	prefix := locationPrefix(rec.prefix, loc)
	lrec := &recording{svc: rec.svc, prefix: prefix, head: new(seriesHead), location: loc}
	if v := ow.heads.Get(prefix); v != nil {
		if err := decodeHead(v, lrec.head); err != nil {
			return nil, err
		}
	} else {
		owners, err := orgSub(ow.tx, ow.id, subLocationSeries)
		if err != nil {
			return nil, err
		}
		if err := owners.Put(bytes.Clone(prefix), []byte(rec.svc.ID+keySeparator+loc)); err != nil {
			return nil, err
		}
	}
	ow.order = append(ow.order, lrec)
	ow.loaded[key] = lrec
	return lrec, nil
}

// addLocated is seriesWriter.add's second half for a service of several locations: the
// result goes to its location's series; unless that location already reported something
// newer (a late result is history only) it updates the location's latest status, the
// service status to the quorum's verdict and runs the evaluator (which refines the verdict
// with the locations' health), and then records the verdict in the service's own series
// (addVerdict). A location the service no longer names is dropped. The locations'
// statuses live in the service record, so a result of such a service rewrites it.
func (w *seriesWriter) addLocated(ow *orgWriter, rec *recording, r *CheckResult, probe string,
	win *MaintenanceWindow, at int64) error {
	svc, loc := rec.svc, r.Location
	if !slices.Contains(svc.Locations, loc) {
		return nil
	}
	lrec, err := ow.locationSeries(rec, loc)
	if err != nil {
		return err
	}
	prevLoc, seen := svc.LocationStatus[loc]
	if _, err := w.addHistory(ow, lrec, r, at); err != nil {
		return err
	}
	if last, ok := svc.LocationCheckedAt[loc]; ok && !r.CheckedAt.After(last) {
		return nil
	}
	if seen {
		w.attribute(ow, lrec, at, prevLoc)
	}
	lrec.head.last.has, lrec.head.last.entry = true, newRawEntry(at, r)
	if svc.LocationStatus == nil {
		svc.LocationStatus = map[string]string{}
	}
	if svc.LocationCheckedAt == nil {
		svc.LocationCheckedAt = map[string]time.Time{}
	}
	svc.LocationStatus[loc], svc.LocationCheckedAt[loc] = r.Status, r.CheckedAt.UTC()
	rec.changed = true
	prev := svc.Status
	if !svc.Paused && svc.Status != StatusPaused {
		if r.Status == StatusMaintenance {
			svc.Status = StatusMaintenance
		} else {
			svc.Status = svc.QuorumStatus(nil)
		}
	}
	w.alerts.ev = ResultEvent{OrgID: ow.id, Service: svc, PrevStatus: prev, Result: r, ProbeStatus: probe, Maintenance: win}
	if err := w.evaluate(w.alerts, &w.alerts.ev); err != nil {
		return err
	}
	return w.addVerdict(ow, rec, r, prev, at)
}

// addVerdict records the service's status after an evaluation of result r (checked at
// at) as one result of the service's own series: its latest result, raw block, rollups
// and summary. It is stamped at the result's time, or one nanosecond after the series'
// latest when that is not earlier (another location's result of the same nanosecond, or
// a lagging location), so no verdict replaces another. It keeps r's status code and
// response time — the response time of the previous verdict when r failed but the
// service is up, so a failing location's timeouts do not count as the service's — and
// r's error only while the service is failing.
func (w *seriesWriter) addVerdict(ow *orgWriter, rec *recording, r *CheckResult, prev string, at int64) error {
	svc, last := rec.svc, &rec.head.last
	v := *r
	v.Status = svc.Status
	if statusToCode(v.Status) == 0 { // paused: the verdict it would have had
		v.Status = StatusMaintenance
		if r.Status != StatusMaintenance {
			v.Status = svc.QuorumStatus(nil)
		}
	}
	up := func(s string) bool { return s == StatusGreen || s == StatusYellow }
	if up(v.Status) && !up(r.Status) {
		v.Error, v.Internal = "", false
		if last.has {
			v.ResponseTimeMS = int(last.entry.ms)
		}
	}
	if last.has && at <= last.entry.at {
		at = last.entry.at + 1
	}
	v.CheckedAt = time.Unix(0, at).UTC()
	w.attribute(ow, rec, at, prev)
	e, err := w.addHistory(ow, rec, &v, at)
	if err != nil {
		return err
	}
	rec.setLatest(&v, e)
	svc.LastLocation = r.Location
	return nil
}

// seriesOwners tells the janitor whether a series prefix still belongs to something: a
// service (its own series) or a location a service of several locations still names.
type seriesOwners struct {
	services, locations bucket
}

// openOwners returns the owners of organization bucket ob's series.
func openOwners(ob bucket) seriesOwners {
	return seriesOwners{services: ob.Bucket([]byte(subServices)), locations: ob.Bucket([]byte(subLocationSeries))}
}

// alive reports whether the series of prefix is still kept.
func (o seriesOwners) alive(prefix []byte) bool {
	if o.services.exists() && o.services.Get([]byte(prefixServiceID(prefix))) != nil {
		return true
	}
	if !o.locations.exists() {
		return false
	}
	owner := o.locations.Get(prefix)
	id, loc, ok := bytes.Cut(owner, []byte(keySeparator))
	if !ok || !o.services.exists() {
		return false
	}
	raw := o.services.Get(id)
	if raw == nil {
		return false
	}
	var s struct {
		Locations []string `json:"locations"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return true // an undecodable record is reported elsewhere; keep its history
	}
	return len(s.Locations) > 1 && slices.Contains(s.Locations, string(loc))
}

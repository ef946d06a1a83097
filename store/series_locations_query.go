package store

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"time"
)

// openSeriesAt is openSeries for the series of one probe location of the service (SPEC
// §8): loc "" or any location of a service of one location is the service's own series;
// for a service of several, a location's own (locationPrefix), or a nil prefix — an
// empty series — for a location the service does not name (the API refuses those
// first). It also returns the service's locations when it has several.
func openSeriesAt(tx txn, orgID, serviceID, loc string) (bucket, []byte, []string, error) {
	ob, prefix, err := openSeries(tx, orgID, serviceID)
	if err != nil || prefix == nil {
		return ob, prefix, nil, err
	}
	var s struct {
		Locations []string `json:"locations"`
	}
	if err := json.Unmarshal(ob.Bucket([]byte(subServices)).Get([]byte(serviceID)), &s); err != nil {
		return ob, nil, nil, err
	}
	if len(s.Locations) < 2 {
		return ob, prefix, nil, nil
	}
	if loc == "" {
		return ob, prefix, s.Locations, nil
	}
	if !slices.Contains(s.Locations, loc) {
		return ob, nil, s.Locations, nil
	}
	return ob, locationPrefix(prefix, loc), s.Locations, nil
}

// ChecksAt returns the service's raw results checked in [since, until), newest first, at
// most limit of them (limit ≤ 0: all), each with the location that made it (SPEC §8);
// location "" means every location's. The results of a service of one location carry
// Location "" (the API names its location). A zero until means no upper bound. Results
// older than the raw retention are gone; ErrNotFound for an unknown organization or
// service.
func (db *DB) ChecksAt(orgID, serviceID, location string, since, until time.Time, limit int) ([]CheckResult, error) {
	out := make([]CheckResult, 0)
	lo, hi := unixBound(since, 0), unixBound(until, math.MaxInt64)
	err := db.view(func(tx txn) error {
		ob, prefix, locations, err := openSeriesAt(tx, orgID, serviceID, location)
		switch {
		case err != nil || prefix == nil:
			return err
		case locations == nil:
			out, err = scanChecks(ob, prefix, serviceID, "", lo, hi, limit, out)
			return err
		case location != "":
			out, err = scanChecks(ob, prefix, serviceID, location, lo, hi, limit, out)
			return err
		}
		// Every location's: the newest limit of each, merged; the newest limit of those are
		// the newest limit of all.
		for _, loc := range locations {
			each := 0
			if limit > 0 {
				each = len(out) + limit
			}
			if out, err = scanChecks(ob, locationPrefix(prefix, loc), serviceID, loc, lo, hi, each, out); err != nil {
				return err
			}
		}
		slices.SortStableFunc(out, func(a, b CheckResult) int {
			return cmp.Or(b.CheckedAt.Compare(a.CheckedAt), cmp.Compare(a.Location, b.Location))
		})
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

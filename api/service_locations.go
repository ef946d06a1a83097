package api

import (
	"slices"
	"strconv"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// A service's probe locations (SPEC §8): locations names where it is checked from,
// location_quorum how many of them must fail for it to fail. A service of the built-in
// location alone is stored without locations, so services from before locations existed
// and new ones read the same (and LOCATION_NAME may be renamed).

// locationChoice is what a service's locations are checked against: the names the
// organization may use and what a service that names none gets.
type locationChoice struct {
	builtin  string
	visible  map[string]bool
	defaults []string
}

// locationChoice reads the locations orgID may use — the built-in one, the instance's and
// its own — and its settings.default_locations. It reads the store, so callers make it
// before their update transaction.
func (b *base) locationChoice(org *store.Organization) (*locationChoice, error) {
	builtin := b.cfg.BuiltinLocation()
	lc := &locationChoice{builtin: builtin, visible: map[string]bool{builtin: true}}
	inst, err := b.store.InstanceLocations()
	if err != nil {
		return nil, err
	}
	own, err := b.store.Locations(org.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range append(inst, own...) {
		lc.visible[l.Name] = true
	}
	lc.defaults = org.Settings.DefaultLocations
	return lc, nil
}

// checkNames validates a list of location names for field: at least one, each one the
// organization may use, duplicates dropped (the first place kept). It returns the names,
// or nil when they are the built-in location alone.
func (lc *locationChoice) checkNames(f fieldErrors, field string, names []string) []string {
	var out, unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case slices.Contains(out, n):
		case !lc.visible[n]:
			unknown = append(unknown, strconv.Quote(n))
		default:
			out = append(out, n)
		}
	}
	switch {
	case len(unknown) > 0:
		f.add(field, "names locations this organization cannot use: "+strings.Join(unknown, ", ")+
			" (GET /api/v1/locations lists them)")
	case len(names) == 0:
		f.add(field, "must name at least one location")
	}
	if len(out) == 1 && out[0] == lc.builtin {
		return nil
	}
	return out
}

// applyLocations writes locations and location_quorum of req into s: absent on a create or
// a PUT they take the organization's default locations and the default quorum, on a PATCH
// they keep their value. The quorum must be from 1 to the number of locations.
func (lc *locationChoice) applyLocations(f fieldErrors, req *serviceRequest, s *store.Service, full bool) {
	switch {
	case req.Locations != nil:
		s.Locations = lc.checkNames(f, "locations", *req.Locations)
	case full:
		s.Locations = nil
		if len(lc.defaults) > 0 {
			// Defaults are checked when set; one deleted since then is left out, not refused.
			var usable []string
			for _, n := range lc.defaults {
				if lc.visible[n] {
					usable = append(usable, n)
				}
			}
			if len(usable) > 0 {
				s.Locations = lc.checkNames(f, "locations", usable)
			}
		}
	}
	n := max(1, len(s.Locations))
	switch {
	case req.LocationQuorum != nil:
		s.LocationQuorum = *req.LocationQuorum
		if s.LocationQuorum < 1 || s.LocationQuorum > n {
			f.add("location_quorum", "must be a whole number from 1 to the number of locations ("+strconv.Itoa(n)+")")
		}
	case full:
		s.LocationQuorum = 0
	case s.LocationQuorum > n:
		f.add("location_quorum", "must be at most the number of locations ("+strconv.Itoa(n)+"); send a new quorum with the locations")
	}
	// Forget what locations no longer named last said.
	for name := range s.LocationStatus {
		if !slices.Contains(s.Locations, name) {
			delete(s.LocationStatus, name)
			delete(s.LocationCheckedAt, name)
		}
	}
}

// locationsView is the service's locations as the API shows them (the built-in location
// for a service that names none).
func locationsView(s *store.Service, builtin string) []string {
	if len(s.Locations) == 0 {
		return []string{builtin}
	}
	return slices.Clone(s.Locations)
}

// locationStatusView is each location's latest status: for a service of one location its
// own status, for several the status of each location's latest result (PENDING before the
// first), PAUSED for every location of a paused service.
func locationStatusView(s *store.Service, builtin string) map[string]string {
	names := locationsView(s, builtin)
	out := make(map[string]string, len(names))
	for _, n := range names {
		switch st, ok := s.LocationStatus[n]; {
		case s.Paused:
			out[n] = store.StatusPaused
		case !s.MultiLocation():
			out[n] = s.Status
		case ok:
			out[n] = st
		default:
			out[n] = store.StatusPending
		}
	}
	return out
}

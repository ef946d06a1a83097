package store

import (
	"slices"
)

// Probe locations of a service (SPEC §8). A service names the locations that check it; one
// of several locations fails the service only when at least its quorum of them fail. The
// service keeps each location's latest status, so its own Status is the quorum's verdict.

// StatusPending is the status of a service no check has reported on yet.
const StatusPending = "PENDING"

// Rule IDs of the alerts about probe locations themselves: one per episode of a location
// that went offline (no agent heard from) or degraded (most of its checks failing at once).
const (
	LocationOfflineRuleID  = "location.offline"
	LocationDegradedRuleID = "location.degraded"
)

// IsLocationRule reports whether ruleID is one of the location alerts' rule IDs.
func IsLocationRule(ruleID string) bool {
	return ruleID == LocationOfflineRuleID || ruleID == LocationDegradedRuleID
}

// Quorum is how many of the service's locations must fail for it to fail: LocationQuorum,
// or ceil(n/2) (1 of 1, 1 of 2, 2 of 3, 2 of 4, 3 of 5), at least 1.
func (s *Service) Quorum() int {
	if s.LocationQuorum > 0 {
		return s.LocationQuorum
	}
	return max(1, (len(s.Locations)+1)/2)
}

// MultiLocation reports whether the service is checked from more than one location, so its
// status and alerts follow the quorum rather than each result.
func (s *Service) MultiLocation() bool { return len(s.Locations) > 1 }

// ChecksFrom reports whether location name checks the service; builtin is the appliance's
// own location (LOCATION_NAME), which checks the services that name no location.
func (s *Service) ChecksFrom(name, builtin string) bool {
	if len(s.Locations) == 0 {
		return name == builtin
	}
	return slices.Contains(s.Locations, name)
}

// LocationIndex is name's place among the service's locations (0 for a service that names
// none): the n locations check at offsets spread over the interval by it.
func (s *Service) LocationIndex(name string) int {
	return max(0, slices.Index(s.Locations, name))
}

// QuorumStatus is the status the locations' latest results give the service: RED when at
// least Quorum of the counted locations are RED, YELLOW when at least Quorum are RED or
// YELLOW, else GREEN (PENDING while no location has reported). counted leaves out the
// locations that cannot be trusted now (offline, degraded); nil counts every location.
func (s *Service) QuorumStatus(counted func(name string) bool) string {
	red, failing, reported := 0, 0, 0
	for _, name := range s.Locations {
		st, ok := s.LocationStatus[name]
		if !ok {
			continue
		}
		reported++
		if counted != nil && !counted(name) {
			continue
		}
		switch st {
		case StatusRed:
			red++
			failing++
		case StatusYellow:
			failing++
		}
	}
	q := s.Quorum()
	switch {
	case reported == 0:
		return StatusPending
	case red >= q:
		return StatusRed
	case failing >= q:
		return StatusYellow
	}
	return StatusGreen
}

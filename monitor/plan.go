package monitor

import (
	"hash/fnv"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Planned check times of a service checked from several locations (SPEC §8). Every
// location checks at the service's interval; location i of n is offset by i/n of it from
// the service's own phase, so n locations spread over the interval instead of probing
// together, and every server, agent and restart computes the same instants.

// ServiceOffset is a service's phase within its interval: a stable hash of its ID, so
// services spread over the interval and keep their places across restarts.
func ServiceOffset(serviceID string, interval time.Duration) time.Duration {
	ms := interval.Milliseconds()
	if ms <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(serviceID))
	return time.Duration(h.Sum64()%uint64(ms)) * time.Millisecond
}

// LocationOffset is the phase at which location name checks svc: the service's phase plus
// the location's share of the interval (its index among the service's locations over their
// number), modulo the interval.
func LocationOffset(svc *store.Service, name string, interval time.Duration) time.Duration {
	off := ServiceOffset(svc.ID, interval)
	if n := len(svc.Locations); n > 1 {
		off += interval * time.Duration(svc.LocationIndex(name)) / time.Duration(n)
	}
	if interval > 0 {
		off %= interval
	}
	return off.Truncate(time.Millisecond)
}

// NextPlanned is the first planned check at or after t of a service with this interval
// and offset: the instants whose unix milliseconds are offset modulo the interval.
func NextPlanned(t time.Time, interval, offset time.Duration) time.Time {
	iv := interval.Milliseconds()
	if iv <= 0 {
		return t
	}
	// The planned instants are offset + k·interval (ms); step back to the one at or
	// before t, then forward past t.
	ms := t.UnixMilli()
	r := (ms - offset.Milliseconds()) % iv
	if r < 0 {
		r += iv
	}
	next := time.UnixMilli(ms - r)
	for next.Before(t) {
		next = next.Add(interval)
	}
	return next
}

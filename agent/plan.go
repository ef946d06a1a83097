package agent

import (
	"hash/fnv"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

// Where and when checks run. A location's services are shared among its connected agents
// by rendezvous hashing (highest random weight): every agent name gets a score per
// service, the highest wins. Adding or removing one agent moves only the services it wins
// or won — about 1/n of them — and every server computes the same owners from the same
// names, with no table to keep.
//
// Every service has planned check times that do not depend on who checks it: the instants
// whose unix milliseconds are the service's offset modulo its interval. An agent that takes
// a service over starts at one of them, so the rhythm continues across hand-overs.

// handoverMargin is the least time a hand-over between two connected agents gives both to
// hear of it before the new owner's first check.
const handoverMargin = 2 * time.Second

// owner returns the agent (by name) of names that checks serviceID; "" when names is empty.
func owner(serviceID string, names []string) string {
	best, bestScore := "", uint64(0)
	for _, n := range names {
		if s := score(n, serviceID); best == "" || s > bestScore || s == bestScore && n < best {
			best, bestScore = n, s
		}
	}
	return best
}

// score is the rendezvous weight of agent name for serviceID: FNV-1a of both, through a
// 64-bit finalizer so that similar names do not give similar scores.
func score(name, serviceID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(serviceID))
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// nextPlanned is the first planned check at or after t (monitor.NextPlanned).
func nextPlanned(t time.Time, interval, offset time.Duration) time.Time {
	return monitor.NextPlanned(t, interval, offset)
}

// handover plans moving a service from one connected agent to another at now: the new
// owner starts at start, a planned time at least handoverMargin away; the old one makes
// the checks planned before it and drops the service at stop, half an interval earlier —
// after its last planned check has begun, before the new owner's first.
func handover(now time.Time, interval, offset time.Duration) (start, stop time.Time) {
	start = nextPlanned(now.Add(handoverMargin), interval, offset)
	return start, start.Add(-interval / 2)
}

// resultOf is a probe result in the channel's form.
func resultOf(serviceID string, r *monitor.Result) Result {
	out := Result{ServiceID: serviceID, CheckedAt: r.CheckedAt.UTC(), Status: r.Status,
		ResponseTimeUS: r.ResponseTime.Microseconds(), StatusCode: r.StatusCode, Error: r.Error,
		Internal: r.Internal, Resolved: r.Resolved, Connected: r.Connected, Certificate: r.Certificate}
	if t := r.Timings; t != (monitor.Timings{}) {
		out.Timings = &Timings{DNS: t.DNS.Microseconds(), Connect: t.Connect.Microseconds(),
			TLS: t.TLS.Microseconds(), FirstByte: t.FirstByte.Microseconds()}
	}
	return out
}

// probeResult is r back in the probe's form (what the server records).
func (r *Result) probeResult() monitor.Result {
	out := monitor.Result{CheckedAt: r.CheckedAt, Status: r.Status,
		ResponseTime: time.Duration(r.ResponseTimeUS) * time.Microsecond, StatusCode: r.StatusCode,
		Error: r.Error, Internal: r.Internal, Resolved: r.Resolved, Connected: r.Connected, Certificate: r.Certificate}
	if t := r.Timings; t != nil {
		out.Timings = monitor.Timings{DNS: us(t.DNS), Connect: us(t.Connect), TLS: us(t.TLS), FirstByte: us(t.FirstByte)}
	}
	return out
}

func us(n int64) time.Duration { return time.Duration(n) * time.Microsecond }

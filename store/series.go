package store

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/google/uuid"
)

// Time-series buckets inside orgs/<orgID>/ (created on first write). Keys are
// seriesKeyLen bytes: the service UUID's 16 bytes, then the time as big-endian unix
// nanoseconds — the check time for raw results, the UTC bucket start for rollups — so one
// service's series is one contiguous, time-ordered key range.
const (
	subResults   = "results"
	subRollup1m  = "rollup_1m"
	subRollup1h  = "rollup_1h"
	subRollup1d  = "rollup_1d"
	seriesKeyLen = 16 + 8
)

// seriesBuckets lists every time-series bucket of an organization.
func seriesBuckets() []string {
	return []string{subResults, subRollup1m, subRollup1h, subRollup1d}
}

// CheckResult is one check outcome of a service (SPEC §3.7). Status is GREEN, YELLOW, RED
// or MAINTENANCE; Error is stored cut to MaxErrorBytes. Internal marks a result that could
// not be obtained for reasons of our own (egress policy, ICMP unavailable).
type CheckResult struct {
	ServiceID      string
	CheckedAt      time.Time
	Status         string
	ResponseTimeMS int
	StatusCode     int
	Error          string
	Internal       bool
	// Certificate is the TLS certificate the check saw, if any. It is not
	// kept per result: the service record keeps the latest one (the SSL and
	// certificate views read it).
	Certificate *Certificate
	// Timings are the check's phases. Like the certificate they are not kept per result
	// (a raw row stays small): the service record keeps the latest.
	Timings Timings
	// Facts are what alert-rule expressions read beyond the stored fields (SPEC §3.9); they
	// reach the evaluator and are never stored (not in the series codec). A pointer keeps
	// CheckResult comparable and the body uncopied. Nil when the probe gave none.
	Facts *ResultFacts `json:"-"`
	// Location is the probe location (name) that made the check, "" for a caller that does
	// not say (the built-in location). ReceivedAt is when an agent's result reached the
	// server, zero for the appliance's own: a result that arrives more than two intervals
	// after its check is history only and never opens or resolves an alert (SPEC §8).
	// Neither is stored in the raw row yet: they reach the service's per-location state
	// and the evaluator.
	Location   string    `json:"-"`
	ReceivedAt time.Time `json:"-"`
}

// ResultFacts are the probe's extra observations for alert-rule expressions.
type ResultFacts struct {
	Body         []byte // HTTP/WebSocket response body (≤ 1 MiB), for body_contains()
	DNSResolved  bool   // the endpoint's name resolved (dns_resolved)
	TCPConnected bool   // a transport connection was established (tcp_connected)
}

// RecordItem is one result of a RecordResults batch with the organization it belongs to.
type RecordItem struct {
	OrgID  string
	Result CheckResult
}

// seriesPrefix returns the 16-byte key prefix of a service's series; ok is false when the
// ID is not a UUID in canonical form (lower-case, hyphenated, as newID and the API make
// them). Such a service cannot have a series: requiring the canonical form makes the
// prefix → ID mapping exact, which the janitor relies on to recognise orphaned series.
func seriesPrefix(serviceID string) (prefix []byte, ok bool) {
	id, err := uuid.Parse(serviceID)
	if err != nil || id.String() != serviceID {
		return nil, false
	}
	return id[:], true
}

// prefixServiceID is the inverse of seriesPrefix.
func prefixServiceID(prefix []byte) string {
	return uuid.UUID(prefix[:16]).String()
}

// seriesKey returns prefix + be64(ns); times before 1970 clamp to 0.
func seriesKey(prefix []byte, ns int64) []byte {
	k := make([]byte, seriesKeyLen)
	copy(k, prefix)
	binary.BigEndian.PutUint64(k[16:], uint64(max(ns, 0)))
	return k
}

// seriesNanos returns t as unix nanoseconds clamped to what a series key holds: times
// before 1970 become 0 and times past 2262 (where UnixNano is undefined) the maximum.
func seriesNanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, 0)):
		return 0
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// keyNanos returns the time part of a series key.
func keyNanos(k []byte) int64 {
	return int64(binary.BigEndian.Uint64(k[16:seriesKeyLen]))
}

// nextPrefix returns the smallest key after every key starting with prefix, or nil when
// there is none (prefix is all 0xff).
func nextPrefix(prefix []byte) []byte {
	next := append([]byte(nil), prefix...)
	for i := len(next) - 1; i >= 0; i-- {
		if next[i]++; next[i] != 0 {
			return next
		}
	}
	return nil
}

// RecordResults commits a batch of check results in ONE write transaction, as the
// recorder's greedy group commit needs (SPEC §4.3): it returns after the commit (fsync), so
// the caller may acknowledge every item once it returns nil; on an error nothing of the
// batch was written. Per item it stores the raw result, folds it into the 1m/1h/1d rollups
// (aggregated in memory first: one read-modify-write per rollup key), updates the
// service's Status and Last* fields and runs the alert evaluator (Options.Alerts.Result),
// so a result, the status change and the alert it opens are acknowledged together. Time since the service's previous check, up to two
// check intervals, is added to the rollups' down time when the previous status was RED
// (maintenance time when it was MAINTENANCE), split at minute/hour/day boundaries.
//
// Items are skipped, not errors: those whose organization or service no longer exists
// (deleted while the check ran), and malformed ones (service ID not a UUID, status not
// GREEN/YELLOW/RED/MAINTENANCE, zero CheckedAt) — a probe bug must not block every other
// result of the group; skips are logged after the commit. A result older than the
// service's LastCheckedAt is stored and counted but leaves the service as it is. Two
// results of one service with the same nanosecond share a raw key: the later one wins.
func (db *DB) RecordResults(batch []RecordItem) error {
	if len(batch) == 0 {
		return nil
	}
	var skips skipCounts
	err := db.update("", nil, func(tx txn) error {
		w := db.newSeriesWriter(tx)
		for i := range batch {
			if err := w.add(&batch[i]); err != nil {
				return err
			}
		}
		skips = w.skips
		return w.flush()
	})
	if err != nil {
		return err
	}
	if skips.invalid > 0 {
		db.log.Warn("check results skipped: malformed (bad service ID, status or time)", "count", skips.invalid)
	}
	if skips.corrupt > 0 {
		db.log.Error("undecodable rollup rows were replaced by this batch's figures", "count", skips.corrupt)
	}
	if skips.gone > 0 {
		db.log.Debug("check results skipped: service or organization deleted", "count", skips.gone)
	}
	return nil
}

// skipCounts counts what RecordResults skipped, by reason, for logging after the commit.
type skipCounts struct{ invalid, gone, corrupt int }

package store

import (
	"time"
)

// subSummaries holds one summary per service of the organization (serviceID → summary,
// summaries_codec.go): what the dashboard shows of every service — uptime over 24 h, 7 d
// and 30 d and a response-time sparkline — kept current as results are recorded, so the
// organization overview (GET /api/v1/metrics) reads one small record per service instead
// of hundreds of rollup rows (SPEC §3.8, §6). The service's status (its record) and latest
// result (its series head) are written in the same transaction.
const subSummaries = "service_summaries"

// The sparkline of a summary: the mean response time of the up checks per 15 minutes over
// the last 6 hours, as the dashboard draws it.
const (
	SparklineStep  = 15 * time.Minute
	SparklineSlots = 24
)

// summaryWindow indexes the overview's windows in a summary.
type summaryWindow int

// The overview's windows (SPEC §3.8).
const (
	window24h summaryWindow = iota
	window7d
	window30d
	windowCount
)

// span is how far back the window reaches from now.
func (w summaryWindow) span() time.Duration {
	return [...]time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}[w]
}

// windowSums are the counts of one window: the results checked at or after start, a
// multiple of level's step. The window rolls forward (rollSummary) by taking away the
// rows of that rollup level it leaves behind — the same results it added, since a result
// goes into its rollup rows and the summary in one transaction — so the sums equal what
// Uptime would read from the rollups for a period beginning at start.
type windowSums struct {
	level rollupLevel
	start int64 // unix nanos
	counts
}

// counts are the result counts of a window, as the rollups keep them.
type counts struct {
	total, up, degraded, down, maintenance, sumMS uint64
}

// add counts one result as rollup.add does: GREEN and YELLOW are up (YELLOW degraded too),
// RED down; the response time of up results only.
func (c *counts) add(status string, ms uint64) {
	c.total++
	switch status {
	case StatusGreen, StatusYellow:
		c.up++
		c.sumMS += ms
		if status == StatusYellow {
			c.degraded++
		}
	case StatusRed:
		c.down++
	case StatusMaintenance:
		c.maintenance++
	}
}

// merge adds (sign > 0) or takes away (sign < 0) a rollup row's counts; ok is false when
// taking away would go below zero, which only a row that changed behind the summary's
// back can cause (a damaged row replaced): the caller rebuilds the window then.
func (c *counts) merge(r *rollup, sign int) (ok bool) {
	dst := [...]*uint64{&c.total, &c.up, &c.degraded, &c.down, &c.maintenance, &c.sumMS}
	src := [...]uint64{r.total, r.up, r.degraded, r.down, r.maintenance, r.sumMS}
	ok = true
	for i, p := range dst {
		switch {
		case sign > 0:
			*p += src[i]
		case *p >= src[i]:
			*p -= src[i]
		default:
			*p, ok = 0, false
		}
	}
	return ok
}

// sparkSlot is one 15-minute slot of the sparkline: up checks and their summed times.
type sparkSlot struct {
	up, sumMS uint64
}

// summary is one service's summary.
type summary struct {
	windows [windowCount]windowSums
	// spark is a ring of the last SparklineSlots slots; sparkEnd is the number (unix time
	// / SparklineStep) of the newest, held at spark[sparkEnd % SparklineSlots]. Zero: none.
	sparkEnd int64
	spark    [SparklineSlots]sparkSlot
}

// windowStart is where window w begins for a period ending at to, as Uptime plans it: at
// the finest rollup level still retained at that time (now), floored to its step.
func windowStart(w summaryWindow, to, now time.Time, p RetentionPolicy) (rollupLevel, int64) {
	from := to.Add(-w.span())
	l := finestLevel(from, now, p)
	return l, floorNanos(seriesNanos(from), l.step())
}

// newSummary is the summary of a service without history at now: every window empty and
// starting where it would for now.
func newSummary(now time.Time, p RetentionPolicy) *summary {
	s := new(summary)
	for w := range windowCount {
		s.windows[w].level, s.windows[w].start = windowStart(w, now, now, p)
	}
	return s
}

// record counts one result in every window that reaches back to its check time, and in the
// sparkline.
func (s *summary) record(r *CheckResult) {
	at, ms := seriesNanos(r.CheckedAt), nonNegative(r.ResponseTimeMS)
	for w := range s.windows {
		if at >= s.windows[w].start {
			s.windows[w].add(r.Status, ms)
		}
	}
	if r.Status != StatusGreen && r.Status != StatusYellow {
		return
	}
	if slot := s.sparkSlot(at / int64(SparklineStep)); slot != nil {
		slot.up++
		slot.sumMS += ms
	}
}

// sparkSlot returns the ring slot of slot number n, moving the ring forward (and emptying
// the slots it passes) when n is newer than its newest; nil when n is older than the ring.
func (s *summary) sparkSlot(n int64) *sparkSlot {
	if n > s.sparkEnd {
		for i := max(s.sparkEnd+1, n-SparklineSlots+1); i <= n; i++ {
			s.spark[i%SparklineSlots] = sparkSlot{}
		}
		s.sparkEnd = n
	}
	if n <= s.sparkEnd-SparklineSlots {
		return nil
	}
	return &s.spark[n%SparklineSlots]
}

// summaryState is a recorded service's summary within one RecordResults batch: read on
// its first result, counted into for each, written back once when the batch ends.
type summaryState struct {
	read    bool // looked up
	present bool // the service has one (a service without is left to the janitor)
	s       summary
}

// summarize counts a recorded result in its service's summary, inside the recorder's
// write transaction (RecordResults), so the summary moves with the rollups. A service
// without a summary yet is left to the janitor, which builds it from the rollups.
func (ow *orgWriter) summarize(rec *recording, r *CheckResult) error {
	st := &rec.sum
	if !st.read {
		st.read = true
		if !ow.sums.exists() {
			b, err := orgSub(ow.tx, ow.id, subSummaries)
			if err != nil {
				return err
			}
			ow.sums = b
		}
		raw := ow.sums.Get([]byte(r.ServiceID))
		if raw == nil {
			return nil
		}
		if err := decodeSummary(raw, &st.s); err != nil {
			// A damaged summary is dropped, not an error that would block every result of
			// the group: the janitor rebuilds it from the rollups, which hold the truth.
			return ow.sums.Delete([]byte(r.ServiceID))
		}
		st.present = true
	}
	if st.present {
		st.s.record(r)
	}
	return nil
}

// putSummary writes back the summary rec's results were counted into.
func (ow *orgWriter) putSummary(rec *recording) error {
	if !rec.sum.present {
		return nil
	}
	return ow.sums.Put([]byte(rec.svc.ID), appendSummary(make([]byte, 0, summaryTypicalLen), &rec.sum.s))
}

// putNewSummary gives a new service its empty summary (CreateService).
func (db *DB) putNewSummary(tx txn, orgID, serviceID string) error {
	b, err := orgSub(tx, orgID, subSummaries)
	if err != nil {
		return err
	}
	return b.Put([]byte(serviceID), appendSummary(make([]byte, 0, summaryTypicalLen), newSummary(db.stamp(), db.retention)))
}

// deleteSummary removes a deleted service's summary (DeleteService).
func deleteSummary(tx txn, orgID, serviceID string) error {
	b, err := orgSub(tx, orgID, subSummaries)
	if err != nil {
		return err
	}
	return b.Delete([]byte(serviceID))
}

// Package reports builds the SLA report of SPEC §3.18 — its figures, and its PDF
// rendering — and sends the scheduled reports of SPEC §11: when each is due, the period
// it covers, and the worker that mails it through the outbox. The API answers the same
// report on demand; both compute it here, so a scheduled report and a download of the
// same period agree to the digit.
package reports

import (
	"math"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// DefaultSLATarget is the target of a service without its own sla_target: the
// organization settings hold none, and 99.9 % ("three nines") is what hosted monitors
// assume when nobody said otherwise.
const DefaultSLATarget = 99.9

// SLA is the report over [From, To): one row per service.
type SLA struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Services []Row     `json:"services"`
}

// Row is one service's SLA figures over the window. Where the figures come from:
//
//   - uptime_percent, total_downtime_seconds, planned_downtime_seconds: the rollups (never
//     raw rows), exactly as GET /services/{id}/uptime counts them: checks, GREEN and YELLOW
//     up, maintenance excluded; downtime is the time from each RED check to the next one.
//     uptime_percent is null when no check counted (sla_met is null too: nothing to judge).
//   - incident_count, longest_downtime_seconds, mtta_seconds, mttr_seconds: the service's
//     alerts fired in the window (the incidents). An incident lasts from fired_at to
//     resolved_at, or to the end of the window (or now) while still open, clipped to the
//     window; so longest_downtime counts from when the rule fired, after its failure
//     threshold, and may be shorter than the first RED. MTTA averages fired → acknowledged
//     over acknowledged alerts, MTTR fired → resolved over resolved ones; null when none.
//   - sla_target: the service's own sla_target, else DefaultSLATarget; sla_met is
//     uptime_percent ≥ sla_target.
type Row struct {
	ServiceID              string   `json:"service_id"`
	ServiceName            string   `json:"service_name"`
	UptimePercent          *float64 `json:"uptime_percent"`
	SLATarget              float64  `json:"sla_target"`
	SLAMet                 *bool    `json:"sla_met"`
	TotalChecks            int      `json:"total_checks"`
	FailedChecks           int      `json:"failed_checks"`
	IncidentCount          int      `json:"incident_count"`
	TotalDowntimeSeconds   float64  `json:"total_downtime_seconds"`
	LongestDowntimeSeconds float64  `json:"longest_downtime_seconds"`
	MTTASeconds            *float64 `json:"mtta_seconds"`
	MTTRSeconds            *float64 `json:"mttr_seconds"`
	PlannedDowntimeSeconds float64  `json:"planned_downtime_seconds"`
}

// BuildSLA reads organization orgID's services (serviceIDs, or all when empty) over
// [from, to) and computes their rows; now bounds open incidents (an open incident has
// lasted until now, not until a future window end). An unknown service ID is the store's
// ErrNotFound naming it.
func BuildSLA(db *store.DB, orgID string, serviceIDs []string, from, to, now time.Time) (SLA, error) {
	reports, err := db.ServiceReports(orgID, serviceIDs, from, to)
	if err != nil {
		return SLA{}, err
	}
	out := SLA{From: from, To: to, Services: make([]Row, len(reports))}
	end := to
	if now.Before(end) {
		end = now
	}
	for i := range reports {
		out.Services[i] = RowOf(&reports[i], end)
	}
	return out, nil
}

// RowOf computes one service's figures; end is where open incidents stop counting.
func RowOf(r *store.ServiceReport, end time.Time) Row {
	u := &r.Uptime
	v := Row{ServiceID: r.Service.ID, ServiceName: r.Service.Name, SLATarget: DefaultSLATarget,
		TotalChecks: u.TotalChecks, FailedChecks: u.FailedChecks, IncidentCount: len(r.Alerts),
		TotalDowntimeSeconds: round3(u.DownSeconds), PlannedDowntimeSeconds: round3(u.MaintenanceSeconds)}
	if r.Service.SLATarget != nil {
		v.SLATarget = *r.Service.SLATarget
	}
	if u.TotalChecks > u.MaintenanceChecks {
		pct := round3(u.UptimePercentage)
		met := pct >= v.SLATarget
		v.UptimePercent, v.SLAMet = &pct, &met
	}
	var ackSum, resSum time.Duration
	var acks, resolved int
	for i := range r.Alerts {
		a := &r.Alerts[i]
		stop := end
		if a.ResolvedAt != nil && a.ResolvedAt.Before(end) {
			stop = *a.ResolvedAt
		}
		if d := stop.Sub(a.FiredAt).Seconds(); d > v.LongestDowntimeSeconds {
			v.LongestDowntimeSeconds = round3(d)
		}
		if a.AcknowledgedAt != nil {
			ackSum += a.AcknowledgedAt.Sub(a.FiredAt)
			acks++
		}
		if a.ResolvedAt != nil {
			resSum += a.ResolvedAt.Sub(a.FiredAt)
			resolved++
		}
	}
	v.MTTASeconds, v.MTTRSeconds = meanSeconds(ackSum, acks), meanSeconds(resSum, resolved)
	return v
}

// meanSeconds is sum/n in seconds (3 decimals), nil when n is 0.
func meanSeconds(sum time.Duration, n int) *float64 {
	if n == 0 {
		return nil
	}
	m := round3(sum.Seconds() / float64(n))
	return &m
}

// round3 rounds to 3 decimals, as every figure of the report is.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

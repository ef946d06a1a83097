package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// reportHandlers serves the SLA report (SPEC §3.18).
type reportHandlers struct{ *base }

// slaReportView is GET /reports/sla as JSON: the window asked for and one row per service.
type slaReportView struct {
	From     time.Time    `json:"from"`
	To       time.Time    `json:"to"`
	Services []slaRowView `json:"services"`
}

// slaRowView is one service's SLA figures over the window. Where the figures come from:
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
//   - sla_target: the service's own sla_target, else 99.9 (organizations have no SLA
//     setting); sla_met is uptime_percent ≥ sla_target.
type slaRowView struct {
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

// sla answers the SLA report of the active organization, as JSON or as a CSV download.
func (h *reportHandlers) sla(c *gin.Context) error {
	now := h.now().UTC()
	q, err := parseSLAQuery(c, now, now.Add(-h.store.Retention().Day))
	if err != nil {
		return err
	}
	reports, err := h.store.ServiceReports(actorOf(c).org.ID, q.serviceIDs, q.from, q.to)
	if err != nil { // one of service_ids not a service of this organization: 404 naming it
		return err
	}
	out := slaReportView{From: q.from, To: q.to, Services: make([]slaRowView, len(reports))}
	end := q.to
	if now.Before(end) {
		end = now // an open incident has lasted until now, not until a future window end
	}
	for i := range reports {
		out.Services[i] = slaRow(&reports[i], end)
	}
	if q.format == "csv" {
		return h.writeSLACSV(c, out.Services)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// slaRow computes one service's figures; end is where open incidents stop counting.
func slaRow(r *store.ServiceReport, end time.Time) slaRowView {
	u := &r.Uptime
	v := slaRowView{ServiceID: r.Service.ID, ServiceName: r.Service.Name, SLATarget: defaultSLATarget,
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

// slaCSVHeader names the CSV columns: the JSON row's fields, in its order.
var slaCSVHeader = []string{"service_id", "service_name", "uptime_percent", "sla_target", "sla_met",
	"total_checks", "failed_checks", "incident_count", "total_downtime_seconds", "longest_downtime_seconds",
	"mtta_seconds", "mttr_seconds", "planned_downtime_seconds"}

// writeSLACSV renders the rows as an RFC 4180 CSV attachment (encoding/csv quotes as
// needed; CRLF line ends as the RFC has them). Null figures are empty cells; the service
// name is defused against formula injection as in the audit-log export.
func (h *reportHandlers) writeSLACSV(c *gin.Context, rows []slaRowView) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	records := [][]string{slaCSVHeader}
	for _, r := range rows {
		met := ""
		if r.SLAMet != nil {
			met = strconv.FormatBool(*r.SLAMet)
		}
		records = append(records, []string{r.ServiceID, csvSafeCell(r.ServiceName), opt(r.UptimePercent),
			num(r.SLATarget), met, strconv.Itoa(r.TotalChecks), strconv.Itoa(r.FailedChecks),
			strconv.Itoa(r.IncidentCount), num(r.TotalDowntimeSeconds), num(r.LongestDowntimeSeconds),
			opt(r.MTTASeconds), opt(r.MTTRSeconds), num(r.PlannedDowntimeSeconds)})
	}
	if err := w.WriteAll(records); err != nil {
		return err
	}
	name := "sla-report-" + h.now().UTC().Format("2006-01-02") + ".csv"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	return nil
}

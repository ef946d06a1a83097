package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// scheduledReportHandlers serves /api/v1/scheduled-reports (SPEC §11): SLA reports
// mailed weekly or monthly by the reports.Scheduler worker.
type scheduledReportHandlers struct {
	*base
}

// scheduledReportView is a scheduled report as the API shows it: the SPEC §11 object,
// why its last run sent nothing (last_error, "" when it was sent) and its times.
type scheduledReportView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Type       string     `json:"type"`
	Format     string     `json:"format"`
	ServiceIDs []string   `json:"service_ids"`
	Frequency  string     `json:"frequency"`
	Timezone   string     `json:"timezone"`
	Recipients []string   `json:"recipients"`
	NextRunAt  time.Time  `json:"next_run_at"`
	LastRunAt  *time.Time `json:"last_run_at"`
	LastError  string     `json:"last_error"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

func newScheduledReportView(r *store.ScheduledReport) scheduledReportView {
	v := scheduledReportView{ID: r.ID, Name: r.Name, Type: r.Type, Format: r.Format, ServiceIDs: r.ServiceIDs,
		Frequency: r.Frequency, Timezone: r.Timezone, Recipients: r.Recipients, NextRunAt: r.NextRunAt.UTC(),
		LastError: r.LastError, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if v.ServiceIDs == nil {
		v.ServiceIDs = []string{}
	}
	if v.Recipients == nil {
		v.Recipients = []string{}
	}
	if r.LastRunAt != nil {
		t := r.LastRunAt.UTC()
		v.LastRunAt = &t
	}
	return v
}

// scheduledReportRes names a report in the audit log.
func scheduledReportRes(r *store.ScheduledReport) store.AuditResource {
	return store.AuditResource{Type: "scheduled_report", ID: r.ID, Name: r.Name}
}

// reports is the resource the scheduled-report routes share.
func (h *scheduledReportHandlers) reports() resource[store.ScheduledReport, scheduledReportView] {
	return resource[store.ScheduledReport, scheduledReportView]{base: h.base, event: "scheduled_report",
		load: h.store.ScheduledReport, page: h.store.ListScheduledReports, insert: h.store.CreateScheduledReport,
		save: h.store.UpdateScheduledReport, remove: h.store.DeleteScheduledReport,
		id: func(r *store.ScheduledReport) string { return r.ID }, audit: scheduledReportRes, view: newScheduledReportView,
		meta: func(r *store.ScheduledReport) map[string]any {
			return map[string]any{"frequency": r.Frequency, "format": r.Format, "recipients": len(r.Recipients)}
		}}
}

// list answers the organization's scheduled reports, paginated in creation order.
func (h *scheduledReportHandlers) list(c *gin.Context) error { return h.reports().list(c) }

// get answers one scheduled report.
func (h *scheduledReportHandlers) get(c *gin.Context) error { return h.reports().get(c) }

// create validates the report (every service must be this organization's) and stores it
// with its first next_run_at.
func (h *scheduledReportHandlers) create(c *gin.Context) error {
	var req scheduledReportRequest
	org := actorOf(c).org
	return h.reports().createFrom(c, &req, func() (*store.ScheduledReport, error) {
		r := &store.ScheduledReport{ID: store.NewID()}
		return r, req.apply(r, true, orgZone(org), h.now(), organizationServices(h.store, org.ID))
	})
}

// update changes the fields sent; a new frequency or time zone reschedules the next run.
// Services are checked before the write transaction (the store's lookups open their own).
func (h *scheduledReportHandlers) update(c *gin.Context) error {
	var req scheduledReportRequest
	org := actorOf(c).org
	// The request is judged on a scratch copy, then applied again to the stored report
	// inside the write transaction, so a run completed in between keeps its last_run_at.
	check := func(current *store.ScheduledReport) error {
		scratch := *current
		return req.apply(&scratch, false, orgZone(org), h.now(), organizationServices(h.store, org.ID))
	}
	return h.reports().updateChecked(c, &req, check, func(v *store.ScheduledReport) error {
		return req.apply(v, false, orgZone(org), h.now(), func(string) (bool, error) { return true, nil })
	})
}

// delete removes a scheduled report.
func (h *scheduledReportHandlers) delete(c *gin.Context) error { return h.reports().delete(c) }

// orgZone is the organization's time zone setting, "UTC" when unset.
func orgZone(org *store.Organization) string {
	if org.Settings.Timezone == "" {
		return "UTC"
	}
	return org.Settings.Timezone
}

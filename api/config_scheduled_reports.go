package api

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// scheduledReportItem is a scheduled report (SPEC §11) in a configuration document: the
// API's object with its services by name (empty: every service) and without its run
// state (next and last run), which belongs to the instance that sends it.
type scheduledReportItem struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Format     string   `json:"format"`
	Services   []string `json:"services"`
	Frequency  string   `json:"frequency"`
	Timezone   string   `json:"timezone"`
	Recipients []string `json:"recipients"`
}

func newScheduledReportItem(r *store.ScheduledReport, name nameFunc) scheduledReportItem {
	v := scheduledReportItem{Name: r.Name, Type: r.Type, Format: r.Format, Services: make([]string, 0, len(r.ServiceIDs)),
		Frequency: r.Frequency, Timezone: r.Timezone, Recipients: r.Recipients}
	for _, id := range r.ServiceIDs {
		v.Services = append(v.Services, name(id))
	}
	if v.Recipients == nil {
		v.Recipients = []string{}
	}
	return v
}

// scheduledReportImport is a scheduled report element: the API's request body with the
// services by name (services) instead of by ID.
type scheduledReportImport struct {
	scheduledReportRequest
	Services *[]string `json:"services"`
}

// planScheduledReports validates the scheduled reports through the API's own request
// validation, as a POST of a fresh report: the element is the report's whole
// configuration. Names are unique per organization, so an element updates the report of
// its name; an update keeps the report's schedule unless its frequency or time zone
// changed.
func (p *importPlan) planScheduledReports(items []json.RawMessage) {
	existing := map[string]*store.ScheduledReport{}
	for i := range p.st.reports {
		existing[namekey(p.st.reports[i].Name)] = &p.st.reports[i]
	}
	names := nameOf(p.st.names)
	res := (&scheduledReportHandlers{base: p.h.base}).reports()
	for path, req := range elements(p, "scheduled_reports", items, func(r *scheduledReportImport) *string { return r.Name }) {
		ids, ok := p.serviceRefs(path, req.ServiceIDs, req.Services)
		if !ok {
			continue
		}
		req.ServiceIDs = ids
		fresh := &store.ScheduledReport{}
		// Services are resolved above (the document may create them), so every ID exists.
		if !p.ok(path, req.apply(fresh, true, orgZone(p.org), p.h.now(), func(string) (bool, error) { return true, nil })) {
			continue
		}
		old := existing[namekey(fresh.Name)]
		switch {
		case old == nil:
			fresh.ID = uuid.Must(uuid.NewV7()).String()
			upsert(p, res, "scheduled_report", fresh.Name, "", fresh, nil)
		case sameJSON(newScheduledReportItem(old, names), newScheduledReportItem(fresh, names)):
			p.change("", "scheduled_report", old.Name, nil)
		default:
			upsert(p, res, "scheduled_report", fresh.Name, old.ID, fresh, copyScheduledReportConfig)
		}
	}
}

// copyScheduledReportConfig copies the configuration of src onto dst; dst keeps its
// identity and run state, and its next run unless src runs on another schedule.
func copyScheduledReportConfig(dst, src *store.ScheduledReport) {
	if dst.Frequency != src.Frequency || dst.Timezone != src.Timezone {
		dst.NextRunAt = src.NextRunAt
	}
	dst.Name, dst.Type, dst.Format, dst.ServiceIDs = src.Name, src.Type, src.Format, src.ServiceIDs
	dst.Frequency, dst.Timezone, dst.Recipients = src.Frequency, src.Timezone, src.Recipients
}

package api

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/reports"
	"github.com/alertifypro/alertifypro/store"
)

// Bounds of a scheduled report (SPEC §11). Every recipient gets an e-mail of its own
// carrying the report, all queued in one write (reports.Scheduler), so the list is kept
// to a team's size; a mailing list address reaches more people.
const maxReportRecipients = 10

// scheduledReportFormats and scheduledReportFrequencies are the accepted enum values.
var (
	scheduledReportFormats     = []string{"pdf", "csv", "json"}
	scheduledReportFrequencies = []string{reports.Weekly, reports.Monthly}
)

// scheduledReportRequest is the body of POST and PUT. On PUT absent fields keep their
// value; service_ids and recipients, when sent, replace the whole list.
type scheduledReportRequest struct {
	Name       *string   `json:"name"`
	Type       *string   `json:"type"`
	Format     *string   `json:"format"`
	ServiceIDs *[]string `json:"service_ids"`
	Frequency  *string   `json:"frequency"`
	Timezone   *string   `json:"timezone"`
	Recipients *[]string `json:"recipients"`
}

// serviceExists reports whether a service is the active organization's.
type serviceExists func(id string) (bool, error)

// organizationServices looks services up in organization orgID only.
func organizationServices(db *store.DB, orgID string) serviceExists {
	return func(id string) (bool, error) {
		return found(db.Service(orgID, id))
	}
}

// apply validates the request and writes it onto r; create requires name, frequency and
// recipients, and defaults type "sla", format "pdf" and the time zone to orgZone. When
// the frequency or time zone is set (or on create), next_run_at is computed afresh from
// now. Every problem is reported at once, as a 422 naming its field.
func (q *scheduledReportRequest) apply(r *store.ScheduledReport, create bool, orgZone string, now time.Time, exists serviceExists) error {
	f := fieldErrors{}
	if q.Name != nil || create {
		r.Name = f.name("name", deref(q.Name), true, maxNameLen)
	}
	if create {
		r.Type, r.Format, r.Timezone, r.ServiceIDs = "sla", "pdf", orgZone, []string{}
	}
	if q.Type != nil {
		if r.Type = strings.ToLower(strings.TrimSpace(*q.Type)); r.Type != "sla" {
			f.add("type", "must be sla")
		}
	}
	if q.Format != nil {
		if r.Format = strings.ToLower(strings.TrimSpace(*q.Format)); !slices.Contains(scheduledReportFormats, r.Format) {
			f.add("format", "must be one of pdf, csv, json")
		}
	}
	reschedule := create
	if q.Frequency != nil || create {
		reschedule = true
		if r.Frequency = strings.ToLower(strings.TrimSpace(deref(q.Frequency))); !slices.Contains(scheduledReportFrequencies, r.Frequency) {
			f.add("frequency", "must be weekly or monthly")
		}
	}
	if q.Timezone != nil {
		reschedule = true
		r.Timezone = strings.TrimSpace(*q.Timezone)
	}
	loc, ok := reports.LoadZone(r.Timezone)
	if !ok {
		f.add("timezone", "must be an IANA time zone such as UTC or Europe/Berlin")
	}
	if q.Recipients != nil || create {
		r.Recipients = reportRecipients(f, q.Recipients)
	}
	if q.ServiceIDs != nil {
		ids, err := reportServiceIDs(f, *q.ServiceIDs, exists)
		if err != nil {
			return err
		}
		r.ServiceIDs = ids
	}
	if err := f.err(); err != nil {
		return err
	}
	if reschedule {
		r.NextRunAt = reports.NextRun(r.Frequency, loc, now).UTC()
	}
	return nil
}

// reportRecipients checks the recipient list: 1 to maxReportRecipients valid addresses,
// normalized to lower case, repeats dropped.
func reportRecipients(f fieldErrors, in *[]string) []string {
	if in == nil || len(*in) == 0 {
		f.add("recipients", "must list at least one e-mail address")
		return nil
	}
	if len(*in) > maxReportRecipients {
		f.add("recipients", "may list at most "+strconv.Itoa(maxReportRecipients)+" addresses")
		return nil
	}
	out := make([]string, 0, len(*in))
	for i, s := range *in {
		addr := f.email("recipients["+strconv.Itoa(i)+"]", s)
		if !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	return out
}

// reportServiceIDs checks service_ids: services of the active organization (another
// organization's is as unknown as a made-up one), repeats dropped; empty means every
// service.
func reportServiceIDs(f fieldErrors, in []string, exists serviceExists) ([]string, error) {
	if len(in) > maxSLAServices {
		f.add("service_ids", "may name at most "+strconv.Itoa(maxSLAServices)+" services")
		return nil, nil
	}
	out := make([]string, 0, len(in))
	for i, raw := range in {
		id := strings.ToLower(strings.TrimSpace(raw))
		if slices.Contains(out, id) {
			continue
		}
		ok, err := exists(id)
		if err != nil {
			return nil, err
		}
		if !ok {
			f.add("service_ids["+strconv.Itoa(i)+"]", "is not a service of this organization")
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

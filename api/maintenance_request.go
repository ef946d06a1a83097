package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// maxWindowServices bounds service_ids; more than an organization could sensibly list.
const maxWindowServices = 1000

// maintenanceRequest is the body of POST and PUT. On PUT absent fields keep their value;
// recurrence distinguishes absent (keep) from null (make the window one-off).
type maintenanceRequest struct {
	Name              *string            `json:"name"`
	Description       *string            `json:"description"`
	ServiceIDs        *[]string          `json:"service_ids"`
	StartsAt          *time.Time         `json:"starts_at"`
	EndsAt            *time.Time         `json:"ends_at"`
	Recurrence        optionalRecurrence `json:"recurrence"`
	Timezone          *string            `json:"timezone"`
	SuppressAlerts    *bool              `json:"suppress_alerts"`
	ShowOnStatusPages *bool              `json:"show_on_status_pages"`
}

// optionalRecurrence records whether "recurrence" was present and its value (nil = null).
type optionalRecurrence struct {
	set bool
	val *recurrenceBody
}

// UnmarshalJSON is called only when the key is present (also for null). Unknown fields
// inside the object are refused, as bindJSON refuses them at the top level.
func (o *optionalRecurrence) UnmarshalJSON(b []byte) error {
	o.set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.val = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r recurrenceBody
	if err := dec.Decode(&r); err != nil {
		return err
	}
	o.val = &r
	return nil
}

// apply validates the request against the window it changes (a zero window on POST) and
// writes the result into w. known reports whether a service ID belongs to the org;
// defaultTZ is the organization's timezone. Every problem is reported in one 422.
func (r *maintenanceRequest) apply(w *store.MaintenanceWindow, create bool, defaultTZ string, known func(string) bool) error {
	f := fieldErrors{}
	if r.Name != nil || create {
		w.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	if r.Description != nil {
		w.Description = f.text("description", *r.Description, false, maxDescriptionLen)
	}
	if r.ServiceIDs != nil {
		ids := make([]string, 0, len(*r.ServiceIDs))
		for _, id := range *r.ServiceIDs {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) > maxWindowServices {
			f.add("service_ids", "must list at most 1000 services")
		}
		for _, id := range ids {
			if !known(id) {
				f.add("service_ids", "contains "+quoteID(id)+", which is not a service of this organization")
			}
		}
		w.ServiceIDs = ids
	} else if create {
		w.ServiceIDs = []string{}
	}
	if r.StartsAt != nil {
		w.StartsAt = r.StartsAt.UTC()
	}
	if r.EndsAt != nil {
		w.EndsAt = r.EndsAt.UTC()
	}
	if r.Recurrence.set {
		w.Recurrence = nil
		if v := r.Recurrence.val; v != nil {
			w.Recurrence = &store.RecurrenceSpec{Type: v.Type, DaysOfWeek: v.DaysOfWeek, DayOfMonth: v.DayOfMonth,
				Expression: v.Expression, DurationMinutes: v.DurationMinutes, Until: v.Until}
			if v.Until != nil {
				u := v.Until.UTC()
				w.Recurrence.Until = &u
			}
		}
	}
	if r.Timezone != nil && *r.Timezone != "" {
		w.Timezone = *r.Timezone
	} else if create || r.Timezone != nil {
		w.Timezone = defaultTZ
	}
	if w.Timezone == "" {
		w.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(w.Timezone); err != nil || len(w.Timezone) > 64 {
		f.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
	}
	if create {
		w.SuppressAlerts, w.ShowOnStatusPages = true, true // SPEC defaults
	}
	if r.SuppressAlerts != nil {
		w.SuppressAlerts = *r.SuppressAlerts
	}
	if r.ShowOnStatusPages != nil {
		w.ShowOnStatusPages = *r.ShowOnStatusPages
	}
	checkWindowTimes(f, w)
	return f.err()
}

// checkWindowTimes checks the window's times as they will be stored: a one-off window
// needs starts_at < ends_at; a recurring one needs starts_at (its first start), a valid
// rule and, if ends_at (the series end) is set, starts_at < ends_at.
func checkWindowTimes(f fieldErrors, w *store.MaintenanceWindow) {
	if w.StartsAt.IsZero() {
		f.add("starts_at", "is required")
	}
	switch {
	case w.Recurrence == nil && w.EndsAt.IsZero():
		f.add("ends_at", "is required for a window without recurrence")
	case !w.EndsAt.IsZero() && !w.StartsAt.IsZero() && !w.StartsAt.Before(w.EndsAt):
		f.add("ends_at", "must be after starts_at")
	}
	if w.Recurrence == nil {
		return
	}
	var se *alerting.ScheduleError
	if err := alerting.RecurrenceOf(w.Recurrence).Validate(); errors.As(err, &se) {
		f.add("recurrence."+se.Field, se.Msg)
	} else if err != nil {
		f.add("recurrence", err.Error())
	}
	if u := w.Recurrence.Until; u != nil && !w.StartsAt.IsZero() && u.Before(w.StartsAt) {
		f.add("recurrence.until", "must not be before starts_at")
	}
}

// quoteID quotes an ID for a message, cut short so a huge value cannot bloat the answer.
func quoteID(id string) string {
	if len(id) > 64 {
		id = id[:64] + "…"
	}
	b, _ := json.Marshal(id)
	return string(b)
}

package api

import (
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// recurrenceOf converts a stored repeat rule to the alerting one that evaluates it.
func recurrenceOf(s *store.RecurrenceSpec) alerting.Recurrence {
	days := make([]time.Weekday, len(s.DaysOfWeek))
	for i, d := range s.DaysOfWeek {
		days[i] = time.Weekday(d)
	}
	return alerting.Recurrence{Type: s.Type, DaysOfWeek: days, DayOfMonth: s.DayOfMonth,
		Expression: s.Expression, DurationMinutes: s.DurationMinutes, Until: s.Until}
}

// windowLocation is the window's zone; an unloadable name (validated on save, so only a
// zone database change could cause it) falls back to UTC rather than disabling the window.
func windowLocation(w *store.MaintenanceWindow) *time.Location {
	if loc, err := time.LoadLocation(w.Timezone); err == nil && w.Timezone != "" {
		return loc
	}
	return time.UTC
}

// occurrenceAt returns the occurrence of w covering at, ignoring EndedAt: for a one-off
// window [StartsAt, EndsAt); for a recurring one the rule's occurrence, where a non-zero
// EndsAt bounds the series (no occurrence is active from EndsAt on).
func occurrenceAt(w *store.MaintenanceWindow, at time.Time) (alerting.Window, bool) {
	if w.Recurrence == nil {
		if at.Before(w.StartsAt) || !at.Before(w.EndsAt) {
			return alerting.Window{}, false
		}
		return alerting.Window{Start: w.StartsAt, End: w.EndsAt}, true
	}
	if !w.EndsAt.IsZero() && !at.Before(w.EndsAt) {
		return alerting.Window{}, false
	}
	return recurrenceOf(w.Recurrence).ActiveAt(w.StartsAt, windowLocation(w), at)
}

// MaintenanceActive reports whether window w is active at instant at (SPEC §3.13). It is
// the check serve.go registers with store.DB.SetMaintenanceCheck, and the one the API
// uses for `active`, so both agree. Ending early (EndedAt) cuts only the occurrence it
// falls in: a one-off window is over, a recurring one resumes with its next occurrence.
func MaintenanceActive(w *store.MaintenanceWindow, at time.Time) bool {
	occ, ok := occurrenceAt(w, at)
	if !ok {
		return false
	}
	if e := w.EndedAt; e != nil && !e.Before(occ.Start) && e.Before(occ.End) && !at.Before(*e) {
		return false
	}
	return true
}

// nextWindow returns a recurring window's first occurrence starting after now, or false
// (one-off window, rule exhausted, or past the series end).
func nextWindow(w *store.MaintenanceWindow, now time.Time) (alerting.Window, bool) {
	if w.Recurrence == nil {
		return alerting.Window{}, false
	}
	next, ok := recurrenceOf(w.Recurrence).NextWindow(w.StartsAt, windowLocation(w), now)
	if !ok || (!w.EndsAt.IsZero() && !next.Start.Before(w.EndsAt)) {
		return alerting.Window{}, false
	}
	return next, true
}

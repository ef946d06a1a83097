package alerting

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// RecurrenceOf converts a stored repeat rule to the Recurrence that evaluates it.
func RecurrenceOf(s *store.RecurrenceSpec) Recurrence {
	days := make([]time.Weekday, len(s.DaysOfWeek))
	for i, d := range s.DaysOfWeek {
		days[i] = time.Weekday(d)
	}
	return Recurrence{Type: s.Type, DaysOfWeek: days, DayOfMonth: s.DayOfMonth,
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

// recurringOccurrence is the occurrence of recurring window w's rule covering at, ignoring
// the series end and EndedAt.
func recurringOccurrence(w *store.MaintenanceWindow, at time.Time) (Window, bool) {
	return RecurrenceOf(w.Recurrence).ActiveAt(w.StartsAt, windowLocation(w), at)
}

// MaintenanceOccurrence returns the occurrence of w covering at, ignoring EndedAt: for a
// one-off window [StartsAt, EndsAt); for a recurring one the rule's occurrence, where a
// non-zero EndsAt bounds the series (no occurrence is active from EndsAt on).
func MaintenanceOccurrence(w *store.MaintenanceWindow, at time.Time) (Window, bool) {
	if w.Recurrence == nil {
		if at.Before(w.StartsAt) || !at.Before(w.EndsAt) {
			return Window{}, false
		}
		return Window{Start: w.StartsAt, End: w.EndsAt}, true
	}
	if !w.EndsAt.IsZero() && !at.Before(w.EndsAt) {
		return Window{}, false
	}
	return recurringOccurrence(w, at)
}

// MaintenanceActive reports whether window w is active at instant at (SPEC §3.13). It is
// the store's maintenance check (store.Options.Maintenance: results recorded in an active
// window read MAINTENANCE), the rule of the maintenance.* events and what the API shows
// as `active`, so all three agree. Ending early (EndedAt) cuts only the occurrence it
// falls in: a one-off window is over, a recurring one resumes with its next occurrence.
func MaintenanceActive(w *store.MaintenanceWindow, at time.Time) bool {
	occ, ok := MaintenanceOccurrence(w, at)
	if !ok {
		return false
	}
	if e := w.EndedAt; e != nil && !e.Before(occ.Start) && e.Before(occ.End) && !at.Before(*e) {
		return false
	}
	return true
}

// NextMaintenance returns a recurring window's first occurrence starting after now, or
// false (one-off window, rule exhausted, or past the series end).
func NextMaintenance(w *store.MaintenanceWindow, now time.Time) (Window, bool) {
	if w.Recurrence == nil {
		return Window{}, false
	}
	next, ok := RecurrenceOf(w.Recurrence).NextWindow(w.StartsAt, windowLocation(w), now)
	if !ok || (!w.EndsAt.IsZero() && !next.Start.Before(w.EndsAt)) {
		return Window{}, false
	}
	return next, true
}

package alerting

import (
	"fmt"
	"strings"
	"time"
)

// maxWindowMinutes bounds one occurrence's length (365 days).
const maxWindowMinutes = 365 * 24 * 60

// Recurrence is a maintenance window's repeat rule (SPEC §3.13).
//
// Occurrences start at or after the window's first start (starts_at):
// "daily" every day, "weekly" on DaysOfWeek, "monthly" on DayOfMonth, each
// at the wall-clock time of day of the first start in the window's zone;
// "cron" at each match of Expression in that zone. The first start is an
// occurrence only if its day matches. Each occurrence lasts DurationMinutes
// of elapsed time. An occurrence whose wall time a DST jump skips starts at
// the first instant after the gap; one whose wall time occurs twice starts
// at the first occurrence. Fields that do not belong to Type are ignored.
type Recurrence struct {
	Type       string         `json:"type"`         // "daily" | "weekly" | "monthly" | "cron" (any case)
	DaysOfWeek []time.Weekday `json:"days_of_week"` // weekly
	// DayOfMonth is the monthly day (1–31). A month without that day has
	// no occurrence: 31 skips February, April, June, September, November.
	DayOfMonth int    `json:"day_of_month"`
	Expression string `json:"expression"` // cron, as ParseCron; one that can never match is refused
	// DurationMinutes is each occurrence's length, 1 to 525600 (365 days).
	// Occurrences may overlap or touch; each is reported on its own.
	DurationMinutes int `json:"duration_minutes"`
	// Until, if set, is the last moment an occurrence may start (inclusive);
	// an occurrence that starts by then runs its full duration.
	Until *time.Time `json:"until"`
}

// Window is one occurrence [Start, End).
type Window struct{ Start, End time.Time }

// Validate checks the rule on its own (not against starts_at). Errors are
// *ScheduleError whose Field is the JSON name within the recurrence object.
func (r Recurrence) Validate() error {
	_, err := r.compile()
	return err
}

// compile validates r and parses its cron expression, if any.
func (r Recurrence) compile() (*Cron, error) {
	var c *Cron
	switch strings.ToLower(r.Type) {
	case "daily":
	case "weekly":
		if len(r.DaysOfWeek) == 0 {
			return nil, &ScheduleError{"days_of_week", "is required for a weekly recurrence"}
		}
		for _, d := range r.DaysOfWeek {
			if d < time.Sunday || d > time.Saturday {
				return nil, &ScheduleError{"days_of_week", fmt.Sprintf("%d is out of range 0-6 (0 = Sunday)", int(d))}
			}
		}
	case "monthly":
		if r.DayOfMonth < 1 || r.DayOfMonth > 31 {
			return nil, &ScheduleError{"day_of_month", "must be between 1 and 31 for a monthly recurrence"}
		}
	case "cron":
		if strings.TrimSpace(r.Expression) == "" {
			return nil, &ScheduleError{"expression", "is required for a cron recurrence"}
		}
		var err error
		if c, err = parseSatisfiableCron(r.Expression); err != nil {
			msg := err.Error() // "minute: 61 is out of range 0-59"
			if se, ok := err.(*ScheduleError); ok && se.Field == "expression" {
				msg = se.Msg // not "expression: expression: ..."
			}
			return nil, &ScheduleError{"expression", msg}
		}
	default:
		return nil, &ScheduleError{"type", fmt.Sprintf("%q is not one of daily, weekly, monthly, cron", r.Type)}
	}
	if r.DurationMinutes < 1 || r.DurationMinutes > maxWindowMinutes {
		return nil, &ScheduleError{"duration_minutes", fmt.Sprintf("must be between 1 and %d", maxWindowMinutes)}
	}
	return c, nil
}

// ActiveAt returns the occurrence covering t, if any. first is the window's
// first start (starts_at), its wall-clock time of day anchoring
// daily/weekly/monthly occurrences in loc (nil = UTC), so "every day at
// 02:00 Europe/Berlin" stays at 02:00 across DST. When occurrences overlap
// it returns the earliest-starting one that covers t. An invalid rule is
// never active.
func (r Recurrence) ActiveAt(first time.Time, loc *time.Location, t time.Time) (Window, bool) {
	d := time.Duration(r.DurationMinutes) * time.Minute
	// An occurrence covers t exactly when it starts in (t-d, t].
	s, ok := r.nextStart(first, loc, t.Add(-d))
	if !ok || s.After(t) {
		return Window{}, false
	}
	return Window{Start: s, End: s.Add(d)}, true
}

// NextWindow returns the first occurrence starting after t (for "upcoming
// maintenance"), or false if there is none (past Until, or invalid rule).
func (r Recurrence) NextWindow(first time.Time, loc *time.Location, t time.Time) (Window, bool) {
	s, ok := r.nextStart(first, loc, t)
	if !ok {
		return Window{}, false
	}
	return Window{Start: s, End: s.Add(time.Duration(r.DurationMinutes) * time.Minute)}, true
}

// nextStart returns the first occurrence start strictly after after.
func (r Recurrence) nextStart(first time.Time, loc *time.Location, after time.Time) (time.Time, bool) {
	c, err := r.compile()
	if err != nil {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if after.Before(first) {
		after = first.Add(-time.Nanosecond) // first itself may be an occurrence
	}
	var s time.Time
	if c != nil {
		s = c.Next(after, loc)
	} else {
		s = r.nextDayStart(first.In(loc), loc, after)
	}
	if s.IsZero() || (r.Until != nil && s.After(*r.Until)) {
		return time.Time{}, false
	}
	return s, true
}

// nextDayStart walks the dates from after's (in loc) to the first matching
// day whose start, at first's time of day, lies after after. Earlier dates
// cannot: their wall times precede after's own. Monthly day 31 recurs within
// 62 days and the walk stops at 100.
func (r Recurrence) nextDayStart(first time.Time, loc *time.Location, after time.Time) time.Time {
	a := after.In(loc)
	date := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	for range 100 {
		if r.dayMatches(date) {
			w := time.Date(date.Year(), date.Month(), date.Day(),
				first.Hour(), first.Minute(), first.Second(), first.Nanosecond(), time.UTC)
			if s := wallInstant(w, loc); s.After(after) {
				return s
			}
		}
		date = date.AddDate(0, 0, 1)
	}
	return time.Time{}
}

// dayMatches reports whether a date (read in UTC) has an occurrence.
func (r Recurrence) dayMatches(date time.Time) bool {
	switch strings.ToLower(r.Type) {
	case "weekly":
		for _, d := range r.DaysOfWeek {
			if date.Weekday() == d {
				return true
			}
		}
		return false
	case "monthly":
		return date.Day() == r.DayOfMonth
	}
	return true
}

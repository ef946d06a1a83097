// Schedules: heartbeat deadlines
// (Schedule, SPEC §3.14) and maintenance windows (Recurrence, SPEC §3.13),
// alongside the rule evaluation and alert state machine.

package alerting

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Schedule says when the next heartbeat ping is due.
type Schedule interface {
	Next(after time.Time) time.Time // the first due time strictly after `after`
	String() string                 // canonical form ("every 1h", "*/5 * * * *")
}

// ScheduleError is a schedule or recurrence the user got wrong. Field names
// the part at fault ("schedule", "minute", "day_of_month", ...) and Msg says
// what is wrong in words fit for a 422 response.
type ScheduleError struct {
	Field string
	Msg   string
}

// Error renders "field: message", e.g. "minute: 61 is out of range 0-59".
func (e *ScheduleError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

const (
	minInterval = 10 * time.Second
	maxInterval = 365 * 24 * time.Hour
	// maxScheduleLen bounds what is parsed (and echoed in messages).
	maxScheduleLen = 200
	everyFormat    = `want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`
)

// intervalUnits lists the units of "every <n><unit>", largest first, which
// is the order String picks the canonical unit in.
var intervalUnits = [...]struct {
	sym string
	dur time.Duration
}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}

// unitWords are the spelled-out units "every" also takes ("every 5 minutes", "every 2
// hours"), as people write schedules; the singular alone means one ("every minute").
var unitWords = map[string]time.Duration{
	"sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// singularUnits are the words that stand for a count of one on their own.
var singularUnits = map[string]bool{"second": true, "minute": true, "hour": true, "day": true, "week": true}

// ParseSchedule parses a heartbeat schedule: "every <n><s|m|h|d>" or a
// 5-field cron expression (see ParseCron) evaluated in loc (nil = UTC).
//
// "every" is case-insensitive and blanks around the number are tolerated
// ("every 5 m" = "every 5m"); the unit may be spelled out ("every 5 minutes",
// "every 2 hours", "every 2 weeks") and a singular word alone counts one
// ("every minute", "every day"); the interval must lie between 10s and 365d,
// and "1d" is 24 hours of elapsed time whatever DST does. String gives the
// largest unit that divides the interval ("every 120m" → "every 2h",
// "every 90m" stays). A cron expression that can never match (0 0 30 2 *)
// is refused, so an accepted schedule's Next is never zero. Errors are
// *ScheduleError.
func ParseSchedule(s string, loc *time.Location) (Schedule, error) {
	text := strings.TrimSpace(s)
	switch {
	case text == "":
		return nil, &ScheduleError{"schedule", "is required; " + everyFormat}
	case len(text) > maxScheduleLen:
		return nil, &ScheduleError{"schedule", fmt.Sprintf("is longer than %d characters", maxScheduleLen)}
	case len(text) >= 5 && strings.EqualFold(text[:5], "every"):
		return parseInterval(text[5:])
	}
	c, err := parseSatisfiableCron(text)
	if err != nil {
		var se *ScheduleError
		if errors.As(err, &se) && se.Field == "expression" {
			msg := se.Msg
			if !strings.ContainsAny(text, " \t@") {
				// One bare word ("hourly", "5m") is no attempt at cron.
				msg = everyFormat
			}
			return nil, &ScheduleError{"schedule", msg}
		}
		return nil, err
	}
	if loc == nil {
		loc = time.UTC
	}
	return cronSchedule{cron: c, loc: loc}, nil
}

// parseInterval parses what follows "every": a count and a unit.
func parseInterval(rest string) (Schedule, error) {
	rest = strings.TrimSpace(rest)
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	if digits == 0 {
		word := strings.ToLower(rest)
		if !singularUnits[word] {
			return nil, &ScheduleError{"schedule", everyFormat}
		}
		return checkInterval(1, unitWords[word])
	}
	sym := strings.ToLower(strings.TrimSpace(rest[digits:]))
	unit := unitWords[sym]
	for _, u := range intervalUnits {
		if sym == u.sym {
			unit = u.dur
		}
	}
	if unit == 0 {
		return nil, &ScheduleError{"schedule", fmt.Sprintf("unit %q is not one of s, m, h, d (or seconds, minutes, hours, days, weeks)", sym)}
	}
	n := 0
	for _, ch := range rest[:digits] {
		n = min(n*10+int(ch-'0'), 1e9) // saturate: anything this large is over the limit
	}
	return checkInterval(n, unit)
}

// checkInterval bounds n units to [minInterval, maxInterval].
func checkInterval(n int, unit time.Duration) (Schedule, error) {
	switch d := time.Duration(n) * unit; {
	case n < 1:
		return nil, &ScheduleError{"schedule", "the count must be at least 1"}
	case n > int(maxInterval/unit): // before d can overflow
		return nil, &ScheduleError{"schedule", "the interval must be at most 365d"}
	case d < minInterval:
		return nil, &ScheduleError{"schedule", "the interval must be at least 10s"}
	default:
		return interval(d), nil
	}
}

// parseSatisfiableCron is ParseCron that also refuses expressions that can
// never match, for schedules and recurrences users save.
func parseSatisfiableCron(expr string) (*Cron, error) {
	c, err := ParseCron(expr)
	if err != nil || c.possible() {
		return c, err
	}
	f := strings.Fields(c.expr)
	return nil, &ScheduleError{"day-of-month", fmt.Sprintf("%s never occurs in month %s", f[2], f[3])}
}

// possible reports whether any date matches. Over a 400-year cycle every
// date that exists falls on every weekday, and every month holds every
// weekday, so only "no selected day exists in a selected month" under the
// both-fields rule is impossible.
func (c *Cron) possible() bool {
	if !c.domStar && !c.dowStar {
		return true
	}
	for m := 1; m <= 12; m++ {
		if c.month&(1<<m) != 0 && c.dom&(1<<(daysIn(2000, m)+1)-2) != 0 { // 2000: leap year
			return true
		}
	}
	return false
}

// interval is an "every" schedule: due a fixed elapsed time after the last
// ping, independent of time zones.
type interval time.Duration

// Next returns after plus the interval.
func (d interval) Next(after time.Time) time.Time { return after.Add(time.Duration(d)) }

// String renders the interval in the largest unit that divides it.
func (d interval) String() string {
	for _, u := range intervalUnits {
		if time.Duration(d)%u.dur == 0 {
			return fmt.Sprintf("every %d%s", time.Duration(d)/u.dur, u.sym)
		}
	}
	return fmt.Sprintf("every %ds", time.Duration(d)/time.Second) // unreachable: parsed in whole seconds
}

// cronSchedule is a cron expression bound to the zone it is read in.
type cronSchedule struct {
	cron *Cron
	loc  *time.Location
}

// Next returns the first cron match strictly after after.
func (s cronSchedule) Next(after time.Time) time.Time { return s.cron.Next(after, s.loc) }

// String returns the canonical cron expression.
func (s cronSchedule) String() string { return s.cron.String() }

// maxZoneOffset exceeds any UTC offset in the tz database (the largest,
// local mean times and Pacific date-line zones, stay within ±16h).
const maxZoneOffset = 26 * 60 * 60

// wallInstant returns the instant at which loc's clocks show the wall time w
// (its fields read in UTC), with one DST rule for cron and recurrences:
//
//   - a wall time that occurs twice (clocks fall back) names its first
//     occurrence;
//   - a wall time that does not occur (clocks spring forward) names the
//     first instant after the gap, e.g. 02:30 on Berlin's spring-forward
//     day is 03:00 CEST.
//
// time.Date leaves both cases unspecified ("correct in one of the two zones
// involved"), hence this. Formally: the least instant u whose wall clock
// u+offset(u) reaches w. Wall times stay in order: w1 < w2 gives
// wallInstant(w1) <= wallInstant(w2).
func wallInstant(w time.Time, loc *time.Location) time.Time {
	if loc == time.UTC {
		return w
	}
	n := w.Unix()
	// Before n-maxZoneOffset every wall clock shows less than n; walk the
	// zone periods (constant offset) from there.
	u := n - maxZoneOffset
	for range 8 { // a few transitions at most within 2×maxZoneOffset
		t := time.Unix(u, 0).In(loc)
		_, off := t.Zone()
		start, end := t.ZoneBounds()
		cand := n - int64(off)
		if !start.IsZero() && cand < start.Unix() {
			// This period's wall clock starts past n: n fell in the gap
			// before it.
			return start
		}
		if end.IsZero() || cand < end.Unix() {
			return time.Unix(cand, int64(w.Nanosecond())).In(loc)
		}
		u = end.Unix()
	}
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}

package reports

import "time"

// Report frequencies (SPEC §11).
const (
	Weekly  = "weekly"
	Monthly = "monthly"
)

// runHour is the local hour a scheduled report is sent at (SPEC §11: 08:00).
const runHour = 8

// NextRun is the first send time of a report of the given frequency strictly after
// after, at 08:00 in loc: weekly on Mondays, monthly on the first business day of the
// month — the first Monday to Friday; public holidays are not known, so a month starting
// on New Year's Day (a Thursday in 2026) is still sent that day. 08:00 is built with
// time.Date, so it stays 08:00 on the wall clock across daylight-saving changes (08:00
// exists on every change day of every IANA zone: changes happen at night).
func NextRun(frequency string, loc *time.Location, after time.Time) time.Time {
	local := after.In(loc)
	y, m, d := local.Date()
	if frequency == Weekly {
		for day := d; ; day++ {
			t := time.Date(y, m, day, runHour, 0, 0, 0, loc)
			if t.Weekday() == time.Monday && t.After(after) {
				return t
			}
		}
	}
	for month := m; ; month++ {
		if t := firstBusinessDay(y, month, loc); t.After(after) {
			return t
		}
	}
}

// firstBusinessDay is 08:00 on the first Monday–Friday of month (normalized by
// time.Date, so month 13 is January of the next year).
func firstBusinessDay(year int, month time.Month, loc *time.Location) time.Time {
	t := time.Date(year, month, 1, runHour, 0, 0, 0, loc)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		y, m, d := t.Date()
		t = time.Date(y, m, d+1, runHour, 0, 0, 0, loc)
	}
	return t
}

// Period is the window a report sent at runAt covers, in loc: the previous Monday-to-
// Monday week for a weekly report, the previous calendar month for a monthly one, from
// local midnight to local midnight (so a week across a DST change is 167 or 169 hours).
func Period(frequency string, loc *time.Location, runAt time.Time) (from, to time.Time) {
	y, m, d := runAt.In(loc).Date()
	if frequency == Weekly {
		// The Monday of runAt's week (a weekly report runs on Monday; a late run still
		// reports the week before the one it runs in).
		back := (int(runAt.In(loc).Weekday()) + 6) % 7
		to = time.Date(y, m, d-back, 0, 0, 0, 0, loc)
		return time.Date(y, m, d-back-7, 0, 0, 0, 0, loc), to
	}
	return time.Date(y, m-1, 1, 0, 0, 0, 0, loc), time.Date(y, m, 1, 0, 0, 0, 0, loc)
}

package oncall

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Minutes in a day; a Clock of DayMinutes ("24:00") is only valid as a restriction end.
const DayMinutes = 24 * 60

// Clock is a wall-clock time of day in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM" (00:00 to 23:59, or 24:00 when allowMidnightEnd).
func ParseClock(s string, allowMidnightEnd bool) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("must be a time of day as HH:MM")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 {
		return 0, fmt.Errorf("must be a time of day as HH:MM")
	}
	c := Clock(hh*60 + mm)
	if c > DayMinutes || (c == DayMinutes && !allowMidnightEnd) {
		return 0, fmt.Errorf("must be from 00:00 to 23:59")
	}
	return c, nil
}

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// weekdayNames accepts both the short names of restrictions and the long ones of handoff_day.
var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// ParseWeekday reads "mon" or "monday" (any case).
func ParseWeekday(s string) (time.Weekday, error) {
	d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, fmt.Errorf("must be a day of the week (mon … sun)")
	}
	return d, nil
}

// civil is a wall-clock date and time held in a UTC time.Time, so that adding hours is
// plain wall-clock arithmetic with no daylight-saving change in the way.
type civil = time.Time

// civilDate is midnight of t's wall-clock date in its own location.
func civilDate(t time.Time) civil {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at is the wall-clock time c on date d.
func at(d civil, c Clock) civil { return d.Add(time.Duration(c) * time.Minute) }

// resolve turns a wall-clock time into the instant it names in loc. A time in the
// spring-forward gap resolves to the first instant after the gap; a time that occurs
// twice in the fall-back fold resolves to its first occurrence (see the package doc).
// time.Date leaves both choices unspecified, hence the explicit search.
func resolve(c civil, loc *time.Location) time.Time {
	offsets := make([]int, 0, 3)
	for _, d := range []time.Duration{-48 * time.Hour, 0, 48 * time.Hour} {
		_, off := c.Add(d).In(loc).Zone()
		if !containsInt(offsets, off) {
			offsets = append(offsets, off)
		}
	}
	var best time.Time
	found := false
	minOff := offsets[0]
	for _, off := range offsets {
		minOff = min(minOff, off)
		cand := c.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(cand, c) && (!found || cand.Before(best)) {
			best, found = cand, true
		}
	}
	if found {
		return best
	}
	// In a gap the clock jumps forward: read with the smaller (earlier) offset, the wall
	// time lands after the change, and the change itself is the first instant after the gap.
	after := c.Add(-time.Duration(minOff) * time.Second).In(loc)
	start, _ := after.ZoneBounds()
	if start.IsZero() {
		return after
	}
	return start
}

func sameWall(t time.Time, c civil) bool {
	y, m, d := t.Date()
	cy, cm, cd := c.Date()
	return y == cy && m == cm && d == cd && t.Hour() == c.Hour() && t.Minute() == c.Minute() && t.Second() == c.Second()
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

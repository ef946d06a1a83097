package alerting

import (
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// cronHorizonYears bounds Cron.Next's search. The Gregorian calendar repeats
// every 400 years, so an expression with no match in that span never
// matches; a shorter horizon (say 5 years) would wrongly give up on
// "0 0 29 2 *" across 2100 (no 29 February from 2096 to 2104) or on
// "0 0 29 2 */7" (29 February on a Sunday: 2004, 2032, 2060).
const cronHorizonYears = 400

// Cron is a parsed 5-field cron expression: one bitset per field.
type Cron struct {
	minute, hour, dom, month, dow uint64 // bit v set = value v allowed; dow 7 folded into 0
	// domStar and dowStar record a day field that starts with '*' (Vixie
	// cron's rule): then days must match both fields, otherwise either.
	domStar, dowStar bool
	expr             string // canonical text
}

// cronField describes one field: its name in messages, its range and,
// for month and day-of-week, the names of values min, min+1, ...
type cronField struct {
	name     string
	min, max int
	names    []string
}

var cronFields = [5]cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

var cronMacros = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// ParseCron parses "minute hour day-of-month month day-of-week". Each field
// is a comma list of *, n, a-b, */n or a-b/n; months may be JAN–DEC and days
// SUN–SAT (any case); day-of-week 0 and 7 are both Sunday. The macros
// @hourly, @daily (@midnight), @weekly, @monthly, @yearly (@annually) stand
// for their usual expressions. As in Vixie cron, when both day fields are
// restricted a day matching either is enough; a day field starting with '*'
// (even "*/2") makes the two fields both required. Errors are
// *ScheduleError naming the field. An expression may parse yet never match
// ("0 0 30 2 *"); Next then returns the zero time.
func ParseCron(expr string) (*Cron, error) {
	if len(expr) > maxScheduleLen {
		return nil, &ScheduleError{"expression", fmt.Sprintf("is longer than %d characters", maxScheduleLen)}
	}
	fields := strings.Fields(expr)
	if len(fields) == 1 && strings.HasPrefix(fields[0], "@") {
		name := strings.ToLower(fields[0])
		std, ok := cronMacros[name]
		if !ok {
			return nil, &ScheduleError{"expression", fmt.Sprintf("unknown macro %q (use @hourly, @daily, @weekly, @monthly or @yearly)", fields[0])}
		}
		c, err := ParseCron(std)
		if err == nil {
			c.expr = name
		}
		return c, err
	}
	if len(fields) != 5 {
		return nil, &ScheduleError{"expression", fmt.Sprintf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))}
	}
	c := &Cron{}
	sets := [5]*uint64{&c.minute, &c.hour, &c.dom, &c.month, &c.dow}
	for i, text := range fields {
		set, err := cronFields[i].parse(text)
		if err != nil {
			return nil, err
		}
		*sets[i] = set
		fields[i] = strings.ToUpper(text)
	}
	c.dow = c.dow&^(1<<7) | c.dow>>7 // 7 is Sunday too
	c.domStar = strings.HasPrefix(fields[2], "*")
	c.dowStar = strings.HasPrefix(fields[4], "*")
	c.expr = strings.Join(fields, " ")
	return c, nil
}

// String returns the canonical expression: single spaces, names in upper
// case, macros in lower case.
func (c *Cron) String() string { return c.expr }

// parse turns one field's text into its bitset.
func (f cronField) parse(text string) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(text, ",") {
		if item == "" {
			return 0, f.errorf("empty item in list %q", text)
		}
		rng, stepText, hasStep := strings.Cut(item, "/")
		lo, hi, step := f.min, f.max, 1
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a, item); err != nil {
				return 0, err
			}
			hi = lo
			if isRange {
				if hi, err = f.value(b, item); err != nil {
					return 0, err
				}
				if lo > hi {
					return 0, f.errorf("range %s runs backwards", item)
				}
			} else if hasStep {
				return 0, f.errorf("step in %q needs * or a range before the slash (*/%s or %s-%d/%s)", item, stepText, a, f.max, stepText)
			}
		}
		if hasStep {
			n, ok := number(stepText)
			if !ok {
				return 0, f.errorf("step %q is not a number", stepText)
			}
			if n < 1 || n > f.max-f.min+1 {
				return 0, f.errorf("step %s is out of range 1-%d", stepText, f.max-f.min+1)
			}
			step = n
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

// value parses one number or name of the field; item is the list item it
// came from, for the message.
func (f cronField) value(s, item string) (int, error) {
	if n, ok := number(s); ok {
		if n < f.min || n > f.max {
			return 0, f.errorf("%s is out of range %d-%d", s, f.min, f.max)
		}
		return n, nil
	}
	if s == "" {
		return 0, f.errorf("missing number in %q", item)
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	if f.names != nil {
		return 0, f.errorf("%q is not a number or a name %s-%s", s, f.names[0], f.names[len(f.names)-1])
	}
	return 0, f.errorf("%q is not a number", s)
}

func (f cronField) errorf(format string, args ...any) error {
	return &ScheduleError{Field: f.name, Msg: fmt.Sprintf(format, args...)}
}

// number parses ASCII digits only (no sign), saturating at a million so
// long inputs still read as "out of range".
func number(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = min(n*10+int(ch-'0'), 1e6)
	}
	return n, true
}

// Next returns the first time strictly after after that matches c, read on
// the wall clock of loc (nil = UTC), in loc. A matching wall time skipped by
// a DST jump runs at the first instant after the gap (several such times
// collapse into one run); one that occurs twice runs at its first
// occurrence only. Next searches 400 years ahead (cronHorizonYears) and
// returns the zero time if nothing matches — an expression that can never
// match, such as "0 0 30 2 *", costs a few thousand cheap steps.
func (c *Cron) Next(after time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	a := after.In(loc)
	// Wall times up to a's own minute name instants at or before after, so
	// the search starts at the next minute.
	w := time.Date(a.Year(), a.Month(), a.Day(), a.Hour(), a.Minute()+1, 0, 0, time.UTC)
	limit := w.Year() + cronHorizonYears
	for {
		var ok bool
		if w, ok = c.nextWall(w, limit); !ok {
			return time.Time{}
		}
		// After a fall-back, after may lie in the repeated hour, whose
		// first occurrence (where its wall times run) has already passed.
		if t := wallInstant(w, loc); t.After(after) {
			return t
		}
		w = w.Add(time.Minute)
	}
}

// nextWall returns the first matching wall-clock minute at or after w (a
// wall time read in UTC), or false when none comes before year limit ends.
func (c *Cron) nextWall(w time.Time, limit int) (time.Time, bool) {
	y, mon, d := w.Date()
	m, h, mi := int(mon), w.Hour(), w.Minute()
	for y <= limit {
		switch {
		case m > 12:
			y, m = y+1, 1
		case c.month&(1<<m) == 0:
			m, d, h, mi = nextBit(c.month, m), 1, 0, 0
		case d > daysIn(y, m):
			m, d, h, mi = m+1, 1, 0, 0
		case h > 23:
			d, h, mi = d+1, 0, 0
		case !c.dayMatches(y, m, d):
			if (c.domStar || c.dowStar) && c.dom&(1<<d) == 0 {
				d = nextBit(c.dom, d) // both fields must match: skip to a day-of-month that does
			} else {
				d++
			}
			h, mi = 0, 0
		case c.hour&(1<<h) == 0:
			h, mi = nextBit(c.hour, h), 0
		default:
			if next := nextBit(c.minute, mi); next <= 59 {
				return time.Date(y, time.Month(m), d, h, next, 0, 0, time.UTC), true
			}
			h, mi = h+1, 0
		}
	}
	return time.Time{}, false
}

// dayMatches applies the day-of-month / day-of-week rule to a date.
func (c *Cron) dayMatches(y, m, d int) bool {
	domOK := c.dom&(1<<d) != 0
	if domOK != (c.domStar || c.dowStar) {
		return domOK // decided without the weekday: "either" with dom, or "both" without it
	}
	return c.dow&(1<<time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Weekday()) != 0
}

// nextBit returns the lowest set bit of set at or above from (64 if none).
func nextBit(set uint64, from int) int {
	return bits.TrailingZeros64(set >> from << from)
}

// daysIn returns the number of days in month m of year y (Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

package alerting

import (
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	utc := time.UTC
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	howe := zone(t, "Australia/Lord_Howe")
	for _, tc := range []struct {
		name, expr  string
		loc         *time.Location
		after, want string // want "" = never
	}{
		{"every minute", "* * * * *", utc, "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"},
		{"seconds round up", "* * * * *", utc, "2024-01-01T00:00:30Z", "2024-01-01T00:01:00Z"},
		{"step", "*/5 * * * *", utc, "2024-01-01T00:07:00Z", "2024-01-01T00:10:00Z"},
		{"step wraps hour", "*/5 * * * *", utc, "2024-01-01T00:55:00Z", "2024-01-01T01:00:00Z"},
		{"range step", "5-20/5 * * * *", utc, "2024-01-01T00:20:00Z", "2024-01-01T01:05:00Z"},
		{"list", "7,19,42 * * * *", utc, "2024-01-01T00:19:00Z", "2024-01-01T00:42:00Z"},
		{"hour range and weekdays", "0,30 9-17 * * MON-FRI", utc, "2024-01-05T17:30:00Z", "2024-01-08T09:00:00Z"},
		{"month names any case", "0 12 * jan,Jul *", utc, "2024-02-01T00:00:00Z", "2024-07-01T12:00:00Z"},
		{"month range step", "0 0 1 JAN-DEC/3 *", utc, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"7 is sunday", "0 0 * * 7", utc, "2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z"},
		{"range to 7", "0 0 * * 5-7", utc, "2024-01-06T00:00:00Z", "2024-01-07T00:00:00Z"},
		{"@hourly", "@hourly", utc, "2024-01-01T10:15:00Z", "2024-01-01T11:00:00Z"},
		{"@daily", "@daily", utc, "2024-01-01T10:15:00Z", "2024-01-02T00:00:00Z"},
		{"@midnight", "@midnight", utc, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"},
		{"@weekly", "@weekly", utc, "2024-01-03T00:00:00Z", "2024-01-07T00:00:00Z"},
		{"@monthly", "@monthly", utc, "2024-01-15T00:00:00Z", "2024-02-01T00:00:00Z"},
		{"@yearly", "@yearly", utc, "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
		{"@annually", "@ANNUALLY", utc, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"},
		// Both day fields restricted: either is enough (Vixie).
		{"dom or dow: friday", "0 0 13 * FRI", utc, "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"},
		{"dom or dow: next friday", "0 0 13 * FRI", utc, "2024-01-05T00:00:00Z", "2024-01-12T00:00:00Z"},
		{"dom or dow: the 13th", "0 0 13 * FRI", utc, "2024-01-12T00:00:00Z", "2024-01-13T00:00:00Z"},
		// A day field starting with '*' makes both required (Vixie):
		// odd days that are Mondays.
		{"star step day: and", "0 0 */2 * 1", utc, "2024-01-01T00:00:00Z", "2024-01-15T00:00:00Z"},
		{"dom only", "0 0 13 * *", utc, "2024-01-14T00:00:00Z", "2024-02-13T00:00:00Z"},
		{"feb 29", "0 0 29 2 *", utc, "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"feb 29 across 2100", "0 0 29 2 *", utc, "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},
		{"feb 29 on a sunday", "0 0 29 2 */7", utc, "2004-03-01T00:00:00Z", "2032-02-29T00:00:00Z"},
		{"31st skips short months", "0 0 31 * *", utc, "2024-01-31T00:00:00Z", "2024-03-31T00:00:00Z"},
		{"30th skips february", "0 0 30 * *", utc, "2024-01-30T00:00:00Z", "2024-03-30T00:00:00Z"},
		{"last minute of the year", "59 23 31 12 *", utc, "2024-12-31T23:59:00Z", "2025-12-31T23:59:00Z"},
		{"never: 30 feb", "0 0 30 2 *", utc, "2024-01-01T00:00:00Z", ""},
		{"never: 31 apr", "0 0 31 4 *", berlin, "2024-01-01T00:00:00Z", ""},
		{"nil loc is UTC", "0 12 * * *", nil, "2024-01-01T06:00:00-05:00", "2024-01-01T12:00:00Z"},
		{"after in another zone", "0 12 * * *", berlin, "2024-01-01T06:00:00-05:00", "2024-01-02T12:00:00+01:00"},

		// Berlin: 2024-03-31 02:00 CET → 03:00 CEST; 2024-10-27 03:00 CEST → 02:00 CET.
		{"berlin gap runs after it", "30 2 * * *", berlin, "2024-03-31T00:00:00+01:00", "2024-03-31T03:00:00+02:00"},
		{"berlin day after gap", "30 2 * * *", berlin, "2024-03-31T03:00:00+02:00", "2024-04-01T02:30:00+02:00"},
		{"berlin gap collapses", "*/15 * * * *", berlin, "2024-03-31T01:45:00+01:00", "2024-03-31T03:00:00+02:00"},
		{"berlin gap collapses once", "*/15 * * * *", berlin, "2024-03-31T03:00:00+02:00", "2024-03-31T03:15:00+02:00"},
		{"berlin 3:00 exists", "0 3 * * *", berlin, "2024-03-31T00:00:00+01:00", "2024-03-31T03:00:00+02:00"},
		{"berlin overlap first", "30 2 * * *", berlin, "2024-10-27T00:00:00+02:00", "2024-10-27T02:30:00+02:00"},
		{"berlin overlap once", "30 2 * * *", berlin, "2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"},
		{"berlin repeated hour skipped", "*/15 * * * *", berlin, "2024-10-27T02:45:00+02:00", "2024-10-27T03:00:00+01:00"},
		{"berlin after in second pass", "*/15 * * * *", berlin, "2024-10-27T02:10:00+01:00", "2024-10-27T03:00:00+01:00"},
		{"berlin hourly over fall back", "0 * * * *", berlin, "2024-10-27T02:00:00+02:00", "2024-10-27T03:00:00+01:00"},

		// New York: 2024-03-10 02:00 EST → 03:00 EDT; 2024-11-03 02:00 EDT → 01:00 EST.
		{"new york gap", "30 2 * * *", ny, "2024-03-10T00:00:00-05:00", "2024-03-10T03:00:00-04:00"},
		{"new york overlap first", "30 1 * * *", ny, "2024-11-03T00:00:00-04:00", "2024-11-03T01:30:00-04:00"},
		{"new york overlap once", "30 1 * * *", ny, "2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"},
		{"new york weekdays over dst", "0 9 * * MON-FRI", ny, "2024-03-08T09:00:00-05:00", "2024-03-11T09:00:00-04:00"},

		// Lord Howe shifts by 30 minutes: 2024-04-07 02:00 +11 → 01:30 +10:30;
		// 2024-10-06 02:00 +10:30 → 02:30 +11.
		{"lord howe gap", "15 2 * * *", howe, "2024-10-06T00:00:00+10:30", "2024-10-06T02:30:00+11:00"},
		{"lord howe overlap first", "45 1 * * *", howe, "2024-04-07T00:00:00+11:00", "2024-04-07T01:45:00+11:00"},
		{"lord howe overlap once", "45 1 * * *", howe, "2024-04-07T01:45:00+11:00", "2024-04-08T01:45:00+10:30"},
		{"lord howe half hour repeated", "*/10 * * * *", howe, "2024-04-07T01:50:00+11:00", "2024-04-07T02:00:00+10:30"},
	} {
		c, err := ParseCron(tc.expr)
		if err != nil {
			t.Errorf("%s: ParseCron(%q): %v", tc.name, tc.expr, err)
			continue
		}
		got := c.Next(ts(t, tc.after), tc.loc)
		if tc.want == "" {
			if !got.IsZero() {
				t.Errorf("%s: Next = %v, want the zero time", tc.name, got)
			}
			continue
		}
		if s := got.Format(time.RFC3339); s != tc.want {
			t.Errorf("%s: %q.Next(%s) = %s, want %s", tc.name, tc.expr, tc.after, s, tc.want)
		}
	}
}

func TestCronString(t *testing.T) {
	for in, want := range map[string]string{
		"  */5   *  * * * ":          "*/5 * * * *",
		"0 9 * * mon-fri":            "0 9 * * MON-FRI",
		"0 0 1 jan,Jul *":            "0 0 1 JAN,JUL *",
		"@DAILY":                     "@daily",
		"\t0\t0\t29\t2\t*":           "0 0 29 2 *",
		"0-59/15 0-23 1-31 1-12 0-7": "0-59/15 0-23 1-31 1-12 0-7",
	} {
		c, err := ParseCron(in)
		if err != nil {
			t.Fatalf("ParseCron(%q): %v", in, err)
		}
		if c.String() != want {
			t.Errorf("ParseCron(%q).String() = %q, want %q", in, c.String(), want)
		}
	}
}

// An impossible expression gives up after the documented horizon, fast.
func TestCronNextImpossibleIsQuick(t *testing.T) {
	c, err := ParseCron("0 0 30 2 *")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 10 {
		if got := c.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), zone(t, "Europe/Berlin")); !got.IsZero() {
			t.Fatalf("Next = %v, want the zero time", got)
		}
	}
	if d := time.Since(start) / 10; d > 50*time.Millisecond {
		t.Errorf("Next on an impossible expression took %v", d)
	}
}

func BenchmarkCronNext(b *testing.B) {
	c, err := ParseCron("*/5 9-17 * * MON-FRI")
	if err != nil {
		b.Fatal(err)
	}
	loc := zone(b, "Europe/Berlin")
	t := time.Date(2024, 3, 29, 17, 58, 0, 0, loc)
	for b.Loop() {
		c.Next(t, loc)
	}
}

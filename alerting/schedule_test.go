package alerting

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zones below exist wherever the tests run
)

// zone loads an IANA zone or fails the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// ts parses an RFC 3339 time; its offset makes DST-ambiguous times exact.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseScheduleEvery(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	after := time.Date(2024, 3, 30, 12, 0, 0, 0, berlin) // a day before spring forward
	for _, tc := range []struct {
		in, want string
		d        time.Duration
	}{
		{"every 1h", "every 1h", time.Hour},
		{"every 10s", "every 10s", 10 * time.Second},
		{"every 90m", "every 90m", 90 * time.Minute},
		{"every 120m", "every 2h", 2 * time.Hour},
		{"every 86400s", "every 1d", 24 * time.Hour},
		{"every 48h", "every 2d", 48 * time.Hour},
		{"every 365d", "every 365d", 365 * 24 * time.Hour},
		{"EVERY 5 M", "every 5m", 5 * time.Minute},
		{"  every   30s ", "every 30s", 30 * time.Second},
		{"every5m", "every 5m", 5 * time.Minute},
		{"every 007m", "every 7m", 7 * time.Minute},
		// Words, as people write them (SPEC §3.14): the canonical form stays "every <n><unit>".
		{"every 5 minutes", "every 5m", 5 * time.Minute},
		{"every minute", "every 1m", time.Minute},
		{"every 1 minute", "every 1m", time.Minute},
		{"every 2 hours", "every 2h", 2 * time.Hour},
		{"every hour", "every 1h", time.Hour},
		{"every day", "every 1d", 24 * time.Hour},
		{"every 3 days", "every 3d", 3 * 24 * time.Hour},
		{"every week", "every 7d", 7 * 24 * time.Hour},
		{"every 2 weeks", "every 14d", 14 * 24 * time.Hour},
		{"every 30 seconds", "every 30s", 30 * time.Second},
		{"Every 10 Mins", "every 10m", 10 * time.Minute},
		{"every 15 min", "every 15m", 15 * time.Minute},
		{"every 12 hrs", "every 12h", 12 * time.Hour},
		{"every 45 secs", "every 45s", 45 * time.Second},
		{"every 90 minutes", "every 90m", 90 * time.Minute},
	} {
		s, err := ParseSchedule(tc.in, berlin)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("ParseSchedule(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		// Elapsed time, whatever the zone: "every 1d" across spring
		// forward lands at 13:00 local, not 12:00.
		if got := s.Next(after); got.Sub(after) != tc.d {
			t.Errorf("%q: Next(after) - after = %v, want %v", tc.in, got.Sub(after), tc.d)
		}
	}
}

func TestParseScheduleCron(t *testing.T) {
	ny := zone(t, "America/New_York")
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want string // canonical
		from string
		next string
	}{
		{"*/5 * * * *", nil, "*/5 * * * *", "2024-01-01T10:07:00Z", "2024-01-01T10:10:00Z"},
		{" 0  9 * *  mon-fri ", ny, "0 9 * * MON-FRI", "2024-03-08T09:00:00-05:00", "2024-03-11T09:00:00-04:00"},
		{"@Daily", ny, "@daily", "2024-11-02T12:00:00-04:00", "2024-11-03T00:00:00-04:00"},
	} {
		s, err := ParseSchedule(tc.in, tc.loc)
		if err != nil {
			t.Fatalf("ParseSchedule(%q): %v", tc.in, err)
		}
		if s.String() != tc.want {
			t.Errorf("ParseSchedule(%q).String() = %q, want %q", tc.in, s.String(), tc.want)
		}
		if got := s.Next(ts(t, tc.from)).Format(time.RFC3339); got != tc.next {
			t.Errorf("%q.Next(%s) = %s, want %s", tc.in, tc.from, got, tc.next)
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `schedule: is required; want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"hourly", `schedule: want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"every", `schedule: want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"every m", `schedule: want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"every 5", `schedule: unit "" is not one of s, m, h, d (or seconds, minutes, hours, days, weeks)`},
		{"every 5 fortnights", `schedule: unit "fortnights" is not one of s, m, h, d (or seconds, minutes, hours, days, weeks)`},
		{"every 1h30m", `schedule: unit "h30m" is not one of s, m, h, d (or seconds, minutes, hours, days, weeks)`},
		{"every minutes", `schedule: want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"every second", "schedule: the interval must be at least 10s"},
		{"every 5 seconds", "schedule: the interval must be at least 10s"},
		{"every 53 weeks", "schedule: the interval must be at most 365d"},
		{"every 0 minutes", "schedule: the count must be at least 1"},
		{"every -5m", `schedule: want "every <n><s|m|h|d>" (e.g. "every 5m") or a 5-field cron expression`},
		{"every 0m", "schedule: the count must be at least 1"},
		{"every 9s", "schedule: the interval must be at least 10s"},
		{"every 366d", "schedule: the interval must be at most 365d"},
		{"every 99999999999999999999d", "schedule: the interval must be at most 365d"},
		{"* * * *", "schedule: want 5 fields (minute hour day-of-month month day-of-week), got 4"},
		{"* * * * * *", "schedule: want 5 fields (minute hour day-of-month month day-of-week), got 6"},
		{"@reboot", `schedule: unknown macro "@reboot" (use @hourly, @daily, @weekly, @monthly or @yearly)`},
		{"61 * * * *", "minute: 61 is out of range 0-59"},
		{"99999999999 * * * *", "minute: 99999999999 is out of range 0-59"},
		{"-5 * * * *", `minute: missing number in "-5"`},
		{"1,,2 * * * *", `minute: empty item in list "1,,2"`},
		{"*/0 * * * *", "minute: step 0 is out of range 1-60"},
		{"*/61 * * * *", "minute: step 61 is out of range 1-60"},
		{"*/x * * * *", `minute: step "x" is not a number`},
		{"5/10 * * * *", `minute: step in "5/10" needs * or a range before the slash (*/10 or 5-59/10)`},
		{"? * * * *", `minute: "?" is not a number`},
		{"0 24 * * *", "hour: 24 is out of range 0-23"},
		{"0 17-9 * * *", "hour: range 17-9 runs backwards"},
		{"0 0 0 * *", "day-of-month: 0 is out of range 1-31"},
		{"0 0 32 * *", "day-of-month: 32 is out of range 1-31"},
		{"0 0 L * *", `day-of-month: "L" is not a number`},
		{"0 0 30 2 *", "day-of-month: 30 never occurs in month 2"},
		{"0 0 31 APR,JUN,SEP,NOV *", "day-of-month: 31 never occurs in month APR,JUN,SEP,NOV"},
		{"0 0 * 13 *", "month: 13 is out of range 1-12"},
		{"0 0 * FOO *", `month: "FOO" is not a number or a name JAN-DEC`},
		{"0 0 * * 8", "day-of-week: 8 is out of range 0-7"},
		{"0 0 * * fun", `day-of-week: "fun" is not a number or a name SUN-SAT`},
		{"0 0 * * FRI-MON", "day-of-week: range FRI-MON runs backwards"},
	} {
		_, err := ParseSchedule(tc.in, nil)
		var se *ScheduleError
		if !errors.As(err, &se) {
			t.Errorf("ParseSchedule(%q) = %v, want a *ScheduleError", tc.in, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("ParseSchedule(%q):\n got  %s\n want %s", tc.in, err, tc.want)
		}
	}
}

func TestWallInstant(t *testing.T) {
	berlin, howe := zone(t, "Europe/Berlin"), zone(t, "Australia/Lord_Howe")
	wall := func(s string) time.Time { return ts(t, s+"Z") } // wall clock read in UTC
	for _, tc := range []struct {
		loc        *time.Location
		wall, want string
	}{
		{berlin, "2024-03-31T01:59:59", "2024-03-31T01:59:59+01:00"},
		{berlin, "2024-03-31T02:00:00", "2024-03-31T03:00:00+02:00"}, // gap
		{berlin, "2024-03-31T02:59:00", "2024-03-31T03:00:00+02:00"},
		{berlin, "2024-03-31T03:00:00", "2024-03-31T03:00:00+02:00"},
		{berlin, "2024-10-27T02:30:00", "2024-10-27T02:30:00+02:00"}, // first of two
		{berlin, "2024-10-27T03:00:00", "2024-10-27T03:00:00+01:00"},
		{howe, "2024-10-06T02:15:00", "2024-10-06T02:30:00+11:00"},
		{howe, "2024-04-07T01:45:00", "2024-04-07T01:45:00+11:00"},
		{howe, "2024-04-07T02:00:00", "2024-04-07T02:00:00+10:30"},
		{zone(t, "Pacific/Apia"), "2011-12-30T12:00:00", "2011-12-31T00:00:00+14:00"}, // a skipped day
		{time.FixedZone("far", 30*3600), "2024-01-02T06:00:00", "2024-01-02T06:00:00+30:00"},
	} {
		if got := wallInstant(wall(tc.wall), tc.loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("wallInstant(%s, %s) = %s, want %s", tc.wall, tc.loc, got, tc.want)
		}
	}
	// Across each transition, wall minutes map to instants in order; a wall
	// time that exists maps to itself, and one that does not maps to the
	// end of a gap (a second earlier the clock showed less).
	naive := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"} {
		loc := zone(t, name)
		var prev time.Time
		for w := wall("2011-01-01T00:00:00"); w.Year() < 2012; w = w.Add(7 * time.Minute) {
			got := wallInstant(w, loc)
			shown := naive(got.In(loc))
			switch {
			case got.Before(prev):
				t.Fatalf("%s: wallInstant(%v) = %v, before %v", name, w, got, prev)
			case shown.Before(w):
				t.Fatalf("%s: wallInstant(%v) = %v shows an earlier wall time", name, w, got)
			case shown.After(w) && !naive(got.Add(-time.Second).In(loc)).Before(w):
				t.Fatalf("%s: wallInstant(%v) = %v is not the end of a gap", name, w, got)
			}
			prev = got
		}
	}
}

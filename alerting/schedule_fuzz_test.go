package alerting

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// FuzzParseSchedule: parsing never panics and fails only with a
// *ScheduleError; an accepted schedule's Next(t) lies after t (or is zero),
// and its String() parses back to the same schedule. t falls on or after
// 2000-01-01, where the DST rules of the zones below apply.
//
//	go test -run '^$' -fuzz FuzzParseSchedule -fuzztime 30s ./alerting/
func FuzzParseSchedule(f *testing.F) {
	zones := []*time.Location{time.UTC}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Pacific/Chatham"} {
		zones = append(zones, zone(f, name))
	}
	for _, seed := range []string{
		"every 1h", "EVERY 5 m", "every 90m", "every 86400s", "every 0s", "every 366d", "every",
		"* * * * *", "*/5 * * * *", "0,30 9-17 * * MON-FRI", "0 0 13 * FRI", "0 0 */2 * 1",
		"0 0 29 2 *", "0 0 30 2 *", "30 2 * * *", "@daily", "@Weekly", "@reboot", "5-20/5 * 1-31/7 JAN-DEC/2 0-7",
		"61 * * * *", "1,,2 * * * *", "5/10 * * * *", "", "hourly",
		"every 5 minutes", "every minute", "Every 2 Hours", "every day", "every 53 weeks", "every minutes",
	} {
		f.Add(seed, int64(0), uint8(1))
		f.Add(seed, int64(7_653_600), uint8(2)) // around DST changes
	}
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string, offset int64, zi uint8) {
		loc := zones[int(zi)%len(zones)]
		if offset < 0 {
			offset = -offset
		}
		at := epoch.Add(time.Duration(offset%(200*365*86400)) * time.Second).In(loc)

		s, err := ParseSchedule(in, loc)
		if err != nil {
			if !errors.As(err, new(*ScheduleError)) {
				t.Fatalf("ParseSchedule(%q) = %T %v, want a *ScheduleError", in, err, err)
			}
			return
		}
		next := s.Next(at)
		if !next.IsZero() && !next.After(at) {
			t.Fatalf("%q.Next(%v) = %v, not after it", in, at, next)
		}
		if _, isCron := s.(cronSchedule); isCron && next.IsZero() {
			t.Fatalf("%q.Next(%v) is zero, but impossible expressions are refused", in, at)
		}
		again, err := ParseSchedule(s.String(), loc)
		if err != nil {
			t.Fatalf("ParseSchedule(%q) (String of %q): %v", s.String(), in, err)
		}
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("%q → %q parses to %#v, want %#v", in, s.String(), again, s)
		}
		if n2 := again.Next(at); !n2.Equal(next) {
			t.Fatalf("%q: Next after re-parse %v, want %v", in, n2, next)
		}
	})
}

package alerting

import (
	"errors"
	"testing"
	"time"
)

func TestRecurrenceValidate(t *testing.T) {
	sunday := []time.Weekday{time.Sunday}
	for _, tc := range []struct {
		r    Recurrence
		want string // "" = valid
	}{
		{Recurrence{Type: "daily", DurationMinutes: 60}, ""},
		{Recurrence{Type: "daily", DurationMinutes: 60, DaysOfWeek: []time.Weekday{9}}, ""}, // ignored
		{Recurrence{Type: "WEEKLY", DaysOfWeek: []time.Weekday{time.Monday, time.Saturday}, DurationMinutes: 1}, ""},
		{Recurrence{Type: "monthly", DayOfMonth: 31, DurationMinutes: 525600}, ""},
		{Recurrence{Type: "cron", Expression: "0 2 * * SUN", DurationMinutes: 30}, ""},
		{Recurrence{DurationMinutes: 60}, `type: "" is not one of daily, weekly, monthly, cron`},
		{Recurrence{Type: "yearly", DurationMinutes: 60}, `type: "yearly" is not one of daily, weekly, monthly, cron`},
		{Recurrence{Type: "daily"}, "duration_minutes: must be between 1 and 525600"},
		{Recurrence{Type: "daily", DurationMinutes: 525601}, "duration_minutes: must be between 1 and 525600"},
		{Recurrence{Type: "weekly", DurationMinutes: 60}, "days_of_week: is required for a weekly recurrence"},
		{Recurrence{Type: "weekly", DaysOfWeek: append(sunday, 7), DurationMinutes: 60}, "days_of_week: 7 is out of range 0-6 (0 = Sunday)"},
		{Recurrence{Type: "weekly", DaysOfWeek: []time.Weekday{-1}, DurationMinutes: 60}, "days_of_week: -1 is out of range 0-6 (0 = Sunday)"},
		{Recurrence{Type: "monthly", DurationMinutes: 60}, "day_of_month: must be between 1 and 31 for a monthly recurrence"},
		{Recurrence{Type: "monthly", DayOfMonth: 32, DurationMinutes: 60}, "day_of_month: must be between 1 and 31 for a monthly recurrence"},
		{Recurrence{Type: "cron", Expression: " ", DurationMinutes: 60}, "expression: is required for a cron recurrence"},
		{Recurrence{Type: "cron", Expression: "61 * * * *", DurationMinutes: 60}, "expression: minute: 61 is out of range 0-59"},
		{Recurrence{Type: "cron", Expression: "0 0 30 2 *", DurationMinutes: 60}, "expression: day-of-month: 30 never occurs in month 2"},
		{Recurrence{Type: "cron", Expression: "every 5m", DurationMinutes: 60},
			"expression: want 5 fields (minute hour day-of-month month day-of-week), got 2"},
	} {
		err := tc.r.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: Validate() = %v, want nil", tc.r, err)
		case tc.want == "":
		case err == nil || err.Error() != tc.want:
			t.Errorf("%+v: Validate() = %v, want %s", tc.r, err, tc.want)
		case !errors.As(err, new(*ScheduleError)):
			t.Errorf("%+v: Validate() = %T, want *ScheduleError", tc.r, err)
		}
	}
}

func TestRecurrenceWindows(t *testing.T) {
	utc, berlin := time.UTC, zone(t, "Europe/Berlin")
	ny, howe := zone(t, "America/New_York"), zone(t, "Australia/Lord_Howe")
	daily := func(minutes int) Recurrence { return Recurrence{Type: "daily", DurationMinutes: minutes} }
	weekly := func(minutes int, days ...time.Weekday) Recurrence {
		return Recurrence{Type: "weekly", DaysOfWeek: days, DurationMinutes: minutes}
	}
	monthly := func(day, minutes int) Recurrence {
		return Recurrence{Type: "monthly", DayOfMonth: day, DurationMinutes: minutes}
	}
	cron := func(expr string, minutes int) Recurrence {
		return Recurrence{Type: "cron", Expression: expr, DurationMinutes: minutes}
	}
	until := func(r Recurrence, s string) Recurrence { u := ts(t, s); r.Until = &u; return r }

	for _, tc := range []struct {
		name  string
		r     Recurrence
		loc   *time.Location
		first string
		t     string
		// active is ActiveAt(t), next NextWindow(t): "start end", "" = none.
		active, next string
	}{
		// "every day at 02:00 Europe/Berlin": 2024-03-31 has no 02:00, 2024-10-27 two.
		{"berlin gap day starts after the gap", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-03-31T03:30:00+02:00",
			"2024-03-31T03:00:00+02:00 2024-03-31T04:00:00+02:00", "2024-04-01T02:00:00+02:00 2024-04-01T03:00:00+02:00"},
		{"berlin stays at 02:00 in summer", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-04-01T02:30:00+02:00",
			"2024-04-01T02:00:00+02:00 2024-04-01T03:00:00+02:00", "2024-04-02T02:00:00+02:00 2024-04-02T03:00:00+02:00"},
		{"berlin before the gap", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-03-31T01:30:00+01:00",
			"", "2024-03-31T03:00:00+02:00 2024-03-31T04:00:00+02:00"},
		{"berlin overlap first pass", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-10-27T02:30:00+02:00",
			"2024-10-27T02:00:00+02:00 2024-10-27T02:00:00+01:00", "2024-10-28T02:00:00+01:00 2024-10-28T03:00:00+01:00"},
		{"berlin overlap second pass", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-10-27T02:30:00+01:00",
			"", "2024-10-28T02:00:00+01:00 2024-10-28T03:00:00+01:00"},
		{"before first", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-02-28T02:30:00+01:00",
			"", "2024-03-01T02:00:00+01:00 2024-03-01T03:00:00+01:00"},
		{"at first", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-03-01T02:00:00+01:00",
			"2024-03-01T02:00:00+01:00 2024-03-01T03:00:00+01:00", "2024-03-02T02:00:00+01:00 2024-03-02T03:00:00+01:00"},
		{"end is exclusive", daily(60), berlin, "2024-03-01T02:00:00+01:00", "2024-03-01T03:00:00+01:00",
			"", "2024-03-02T02:00:00+01:00 2024-03-02T03:00:00+01:00"},
		{"crosses midnight", daily(120), utc, "2024-01-01T23:00:00Z", "2024-01-05T00:30:00Z",
			"2024-01-04T23:00:00Z 2024-01-05T01:00:00Z", "2024-01-05T23:00:00Z 2024-01-06T01:00:00Z"},
		{"crosses midnight, over", daily(120), utc, "2024-01-01T23:00:00Z", "2024-01-05T01:00:00Z",
			"", "2024-01-05T23:00:00Z 2024-01-06T01:00:00Z"},
		{"overlapping: earliest covering", daily(1500), utc, "2024-01-01T10:00:00Z", "2024-01-02T10:30:00Z",
			"2024-01-01T10:00:00Z 2024-01-02T11:00:00Z", "2024-01-03T10:00:00Z 2024-01-04T11:00:00Z"},
		{"nil loc is UTC, any case", Recurrence{Type: "Daily", DurationMinutes: 60}, nil, "2024-01-01T05:00:00Z", "2024-01-02T05:10:00Z",
			"2024-01-02T05:00:00Z 2024-01-02T06:00:00Z", "2024-01-03T05:00:00Z 2024-01-03T06:00:00Z"},

		{"weekly crosses midnight", weekly(180, time.Monday, time.Wednesday), ny, "2024-01-01T22:00:00-05:00", "2024-01-02T00:30:00-05:00",
			"2024-01-01T22:00:00-05:00 2024-01-02T01:00:00-05:00", "2024-01-03T22:00:00-05:00 2024-01-04T01:00:00-05:00"},
		{"weekly off day", weekly(180, time.Monday, time.Wednesday), ny, "2024-01-01T22:00:00-05:00", "2024-01-04T12:00:00-05:00",
			"", "2024-01-08T22:00:00-05:00 2024-01-09T01:00:00-05:00"},
		{"weekly new york gap", weekly(90, time.Sunday), ny, "2024-03-03T02:30:00-05:00", "2024-03-10T03:10:00-04:00",
			"2024-03-10T03:00:00-04:00 2024-03-10T04:30:00-04:00", "2024-03-17T02:30:00-04:00 2024-03-17T04:00:00-04:00"},
		{"weekly first not on a listed day", weekly(30, time.Friday), utc, "2024-01-03T10:00:00Z", "2024-01-03T10:00:00Z",
			"", "2024-01-05T10:00:00Z 2024-01-05T10:30:00Z"},
		{"weekly days in any order", weekly(60, time.Saturday, time.Tuesday), utc, "2024-01-01T08:00:00Z", "2024-01-06T08:59:00Z",
			"2024-01-06T08:00:00Z 2024-01-06T09:00:00Z", "2024-01-09T08:00:00Z 2024-01-09T09:00:00Z"},

		{"monthly 31 at first", monthly(31, 60), utc, "2024-01-31T03:00:00Z", "2024-01-31T03:00:00Z",
			"2024-01-31T03:00:00Z 2024-01-31T04:00:00Z", "2024-03-31T03:00:00Z 2024-03-31T04:00:00Z"},
		{"monthly 31 skips february", monthly(31, 60), utc, "2024-01-31T03:00:00Z", "2024-02-29T03:30:00Z",
			"", "2024-03-31T03:00:00Z 2024-03-31T04:00:00Z"},
		{"monthly 31 in march", monthly(31, 60), utc, "2024-01-31T03:00:00Z", "2024-03-31T03:30:00Z",
			"2024-03-31T03:00:00Z 2024-03-31T04:00:00Z", "2024-05-31T03:00:00Z 2024-05-31T04:00:00Z"},
		{"monthly 31 skips april", monthly(31, 60), utc, "2024-01-31T03:00:00Z", "2024-04-30T03:30:00Z",
			"", "2024-05-31T03:00:00Z 2024-05-31T04:00:00Z"},
		{"monthly 29 skips a common february", monthly(29, 60), utc, "2023-01-29T12:00:00Z", "2023-02-15T00:00:00Z",
			"", "2023-03-29T12:00:00Z 2023-03-29T13:00:00Z"},
		{"monthly 29 in a leap february", monthly(29, 60), utc, "2023-01-29T12:00:00Z", "2024-02-01T00:00:00Z",
			"", "2024-02-29T12:00:00Z 2024-02-29T13:00:00Z"},

		// Lord Howe: 01:30-02:00 occurs twice on 2024-04-07; 02:00-02:30 never on 2024-10-06.
		{"lord howe overlap", daily(60), howe, "2024-04-01T01:45:00+11:00", "2024-04-07T02:10:00+10:30",
			"2024-04-07T01:45:00+11:00 2024-04-07T02:15:00+10:30", "2024-04-08T01:45:00+10:30 2024-04-08T02:45:00+10:30"},
		{"lord howe overlap, over", daily(60), howe, "2024-04-01T01:45:00+11:00", "2024-04-07T02:20:00+10:30",
			"", "2024-04-08T01:45:00+10:30 2024-04-08T02:45:00+10:30"},
		{"lord howe gap", daily(30), howe, "2024-10-01T02:15:00+10:30", "2024-10-06T02:45:00+11:00",
			"2024-10-06T02:30:00+11:00 2024-10-06T03:00:00+11:00", "2024-10-07T02:15:00+11:00 2024-10-07T02:45:00+11:00"},

		{"cron berlin gap", cron("0 2 * * SUN", 120), berlin, "2024-01-01T00:00:00+01:00", "2024-03-31T03:30:00+02:00",
			"2024-03-31T03:00:00+02:00 2024-03-31T05:00:00+02:00", "2024-04-07T02:00:00+02:00 2024-04-07T04:00:00+02:00"},
		{"cron nothing before first", cron("0 * * * *", 30), utc, "2024-01-01T10:30:00Z", "2024-01-01T10:10:00Z",
			"", "2024-01-01T11:00:00Z 2024-01-01T11:30:00Z"},
		{"cron after first", cron("0 * * * *", 30), utc, "2024-01-01T10:30:00Z", "2024-01-01T11:10:00Z",
			"2024-01-01T11:00:00Z 2024-01-01T11:30:00Z", "2024-01-01T12:00:00Z 2024-01-01T12:30:00Z"},
		{"cron duration is elapsed time", cron("0 22 * * *", 240), ny, "2024-11-01T00:00:00-04:00", "2024-11-03T01:30:00-04:00",
			"2024-11-02T22:00:00-04:00 2024-11-03T01:00:00-05:00", "2024-11-03T22:00:00-05:00 2024-11-04T02:00:00-05:00"},
		{"cron duration is elapsed time, over", cron("0 22 * * *", 240), ny, "2024-11-01T00:00:00-04:00", "2024-11-03T01:30:00-05:00",
			"", "2024-11-03T22:00:00-05:00 2024-11-04T02:00:00-05:00"},

		{"until: last start", until(daily(60), "2024-01-03T00:00:00Z"), utc, "2024-01-01T00:00:00Z", "2024-01-03T00:30:00Z",
			"2024-01-03T00:00:00Z 2024-01-03T01:00:00Z", ""},
		{"until: before the last", until(daily(60), "2024-01-03T00:00:00Z"), utc, "2024-01-01T00:00:00Z", "2024-01-02T12:00:00Z",
			"", "2024-01-03T00:00:00Z 2024-01-03T01:00:00Z"},
		{"until: over", until(daily(60), "2024-01-03T00:00:00Z"), utc, "2024-01-01T00:00:00Z", "2024-01-04T00:30:00Z",
			"", ""},
		{"until: cron", until(cron("0 12 * * *", 60), "2024-01-02T11:59:00Z"), utc, "2024-01-01T00:00:00Z", "2024-01-01T12:30:00Z",
			"2024-01-01T12:00:00Z 2024-01-01T13:00:00Z", ""},
		{"invalid rule has no windows", Recurrence{Type: "hourly", DurationMinutes: 60}, utc, "2024-01-01T00:00:00Z", "2024-01-01T00:30:00Z",
			"", ""},
	} {
		first, at := ts(t, tc.first), ts(t, tc.t)
		w, ok := tc.r.ActiveAt(first, tc.loc, at)
		if got := windowString(w, ok); got != tc.active {
			t.Errorf("%s: ActiveAt(%s) = %q, want %q", tc.name, tc.t, got, tc.active)
		}
		w, ok = tc.r.NextWindow(first, tc.loc, at)
		if got := windowString(w, ok); got != tc.next {
			t.Errorf("%s: NextWindow(%s) = %q, want %q", tc.name, tc.t, got, tc.next)
		}
	}
}

// windowString renders a window as "start end" ("" when there is none).
func windowString(w Window, ok bool) string {
	if !ok {
		return ""
	}
	return w.Start.Format(time.RFC3339) + " " + w.End.Format(time.RFC3339)
}

package reports

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, ok := LoadZone(name)
	if !ok {
		t.Fatalf("no zone %s", name)
	}
	return loc
}

// TestNextRun pins next_run_at: Mondays and first business days at 08:00 local, across
// months starting on a weekend, DST changes and zones either side of UTC.
func TestNextRun(t *testing.T) {
	cases := []struct {
		name, freq, zone string
		after            string // RFC 3339
		want             string // RFC 3339 with the local offset
	}{
		// Monthly: Aug 1 2026 is a Saturday → Mon Aug 3.
		{"1st on Saturday", Monthly, "Europe/Berlin", "2026-07-15T12:00:00Z", "2026-08-03T08:00:00+02:00"},
		// Nov 1 2026 is a Sunday → Mon Nov 2; Berlin is back on CET (+01:00) by then.
		{"1st on Sunday, after the autumn change", Monthly, "Europe/Berlin", "2026-10-05T00:00:00Z", "2026-11-02T08:00:00+01:00"},
		// Oct 1 2026 is a Thursday.
		{"1st on a weekday", Monthly, "Europe/Berlin", "2026-09-01T07:00:00Z", "2026-10-01T08:00:00+02:00"},
		// Exactly at a run time: the next one, not the same one.
		{"at a run time", Monthly, "Europe/Berlin", "2026-10-01T06:00:00Z", "2026-11-02T08:00:00+01:00"},
		// One second before: that run.
		{"just before", Monthly, "Europe/Berlin", "2026-10-01T05:59:59Z", "2026-10-01T08:00:00+02:00"},
		// New Year: Jan 1 2027 is a Friday — a holiday, but holidays are not known.
		{"new year (holidays not known)", Monthly, "UTC", "2026-12-10T00:00:00Z", "2027-01-01T08:00:00Z"},
		// March 2027 in New York: 1 Mar is a Monday, before the 14 Mar change (EST).
		{"New York winter", Monthly, "America/New_York", "2027-02-10T00:00:00Z", "2027-03-01T08:00:00-05:00"},
		// April 2027: 1 Apr is a Thursday, after the change (EDT).
		{"New York summer", Monthly, "America/New_York", "2027-03-02T00:00:00Z", "2027-04-01T08:00:00-04:00"},
		// May 1 2027 is a Saturday → Mon May 3, Tokyo (+09:00): 08:00 local is 23:00 UTC the day before.
		{"Tokyo, weekend 1st", Monthly, "Asia/Tokyo", "2027-04-10T00:00:00Z", "2027-05-03T08:00:00+09:00"},
		// Weekly: Berlin springs forward on Sun 28 Mar 2027; the next Monday is 08:00 CEST.
		{"weekly across spring change", Weekly, "Europe/Berlin", "2027-03-25T12:00:00Z", "2027-03-29T08:00:00+02:00"},
		// New York falls back on Sun 7 Nov 2027.
		{"weekly across autumn change", Weekly, "America/New_York", "2027-11-05T12:00:00Z", "2027-11-08T08:00:00-05:00"},
		// A Monday before 08:00 local: that very day.
		{"weekly, Monday morning", Weekly, "Europe/Berlin", "2026-12-07T06:59:00Z", "2026-12-07T08:00:00+01:00"},
		// A Monday after 08:00 local: the next Monday.
		{"weekly, Monday after run", Weekly, "Europe/Berlin", "2026-12-07T07:00:00Z", "2026-12-14T08:00:00+01:00"},
		// Kolkata, +05:30 — half-hour zones keep 08:00 local.
		{"weekly, half-hour zone", Weekly, "Asia/Kolkata", "2026-12-08T00:00:00Z", "2026-12-14T08:00:00+05:30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after, _ := time.Parse(time.RFC3339, c.after)
			want, _ := time.Parse(time.RFC3339, c.want)
			got := NextRun(c.freq, zone(t, c.zone), after)
			if !got.Equal(want) {
				t.Errorf("NextRun(%s, %s, %s) = %s, want %s", c.freq, c.zone, c.after, got.Format(time.RFC3339), c.want)
			}
		})
	}
}

// TestPeriod pins what a run reports: the previous calendar month or Monday-to-Monday
// week, local midnight to local midnight.
func TestPeriod(t *testing.T) {
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	cases := []struct {
		name      string
		freq      string
		loc       *time.Location
		run       time.Time
		from, to  time.Time
		wantHours float64
	}{
		{"November, with the autumn change in October", Monthly, berlin, time.Date(2026, 11, 2, 8, 0, 0, 0, berlin),
			time.Date(2026, 10, 1, 0, 0, 0, 0, berlin), time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), 31*24 + 1},
		{"January reports December", Monthly, ny, time.Date(2027, 1, 1, 8, 0, 0, 0, ny),
			time.Date(2026, 12, 1, 0, 0, 0, 0, ny), time.Date(2027, 1, 1, 0, 0, 0, 0, ny), 31 * 24},
		{"week across spring change", Weekly, ny, time.Date(2027, 3, 15, 8, 0, 0, 0, ny),
			time.Date(2027, 3, 8, 0, 0, 0, 0, ny), time.Date(2027, 3, 15, 0, 0, 0, 0, ny), 7*24 - 1},
		{"late weekly run (Wednesday)", Weekly, berlin, time.Date(2026, 12, 9, 10, 0, 0, 0, berlin),
			time.Date(2026, 11, 30, 0, 0, 0, 0, berlin), time.Date(2026, 12, 7, 0, 0, 0, 0, berlin), 7 * 24},
	}
	for _, c := range cases {
		from, to := Period(c.freq, c.loc, c.run)
		if !from.Equal(c.from) || !to.Equal(c.to) || to.Sub(from).Hours() != c.wantHours {
			t.Errorf("%s: Period = %s – %s (%v h), want %s – %s (%v h)", c.name, from, to, to.Sub(from).Hours(), c.from, c.to, c.wantHours)
		}
	}
}

// TestBarSpansDST: the daily bars of a month with a DST change are the month's local
// days, one of them 25 hours long.
func TestBarSpansDST(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	spans, per := barSpans(time.Date(2026, 10, 1, 0, 0, 0, 0, berlin), time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), berlin)
	if per != 1 || len(spans) != 31 {
		t.Fatalf("%d spans of %d days, want 31 of 1", len(spans), per)
	}
	if h := spans[24][1].Sub(spans[24][0]).Hours(); h != 25 { // 25 Oct 2026
		t.Errorf("25 Oct is %v hours, want 25", h)
	}
	spans, per = barSpans(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	if per != 6 || len(spans) != 61 || !spans[60][1].Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a year: %d spans of %d days ending %s", len(spans), per, spans[len(spans)-1][1])
	}
}

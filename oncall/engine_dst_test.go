package oncall

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func wall(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return resolve(time.Date(y, m, d, h, min, 0, 0, time.UTC), loc)
}

// The two documented rules for wall-clock times that do not exist or exist twice.
func TestResolveGapAndFold(t *testing.T) {
	ny, berlin := mustLoc(t, "America/New_York"), mustLoc(t, "Europe/Berlin")
	cases := []struct {
		name string
		loc  *time.Location
		wall time.Time
		want string // UTC
	}{
		{"NY gap → first instant after", ny, time.Date(2027, 3, 14, 2, 30, 0, 0, time.UTC), "2027-03-14T07:00:00Z"},
		{"NY fold → first occurrence (EDT)", ny, time.Date(2027, 11, 7, 1, 30, 0, 0, time.UTC), "2027-11-07T05:30:00Z"},
		{"NY ordinary", ny, time.Date(2027, 3, 14, 9, 0, 0, 0, time.UTC), "2027-03-14T13:00:00Z"},
		{"Berlin gap", berlin, time.Date(2027, 3, 28, 2, 30, 0, 0, time.UTC), "2027-03-28T01:00:00Z"},
		{"Berlin fold → first occurrence (CEST)", berlin, time.Date(2027, 10, 31, 2, 30, 0, 0, time.UTC), "2027-10-31T00:30:00Z"},
	}
	for _, c := range cases {
		if got := resolve(c.wall, c.loc).UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func rotation(loc *time.Location, kind string, handoff Clock, startsAt time.Time, users ...string) Layer {
	return Layer{Name: kind, Rotation: kind, Handoff: handoff, StartsAt: startsAt, Users: users}
}

type wantShift struct {
	user  string
	start string // wall clock in the schedule's zone, "2006-01-02 15:04 MST"
	hours float64
}

func checkShifts(t *testing.T, name string, got []Shift, loc *time.Location, want []wantShift) {
	t.Helper()
	if len(got) != len(want) {
		for _, g := range got {
			t.Logf("  %s %s %v", g.UserID, g.Start.In(loc).Format("2006-01-02 15:04 MST"), g.End.Sub(g.Start))
		}
		t.Fatalf("%s: %d shifts, want %d", name, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.UserID != w.user || g.Start.In(loc).Format("2006-01-02 15:04 MST") != w.start || g.End.Sub(g.Start).Hours() != w.hours {
			t.Errorf("%s[%d]: got %q %s %vh, want %q %s %vh", name, i, g.UserID,
				g.Start.In(loc).Format("2006-01-02 15:04 MST"), g.End.Sub(g.Start).Hours(), w.user, w.start, w.hours)
		}
	}
}

// Rotations across the 2027 daylight-saving changes: the handoff stays at the same wall
// clock time, so the shift spanning a change lasts 23 or 25 hours (167 or 169 for a week).
func TestRotationsAcrossDST(t *testing.T) {
	ny, berlin := mustLoc(t, "America/New_York"), mustLoc(t, "Europe/Berlin")
	nine := Clock(9 * 60)
	cases := []struct {
		name     string
		loc      *time.Location
		layer    Layer
		from, to time.Time
		want     []wantShift
	}{
		{"NY daily spring", ny, rotation(ny, RotationDaily, nine, wall(ny, 2027, 3, 1, 9, 0), "a", "b", "c"),
			wall(ny, 2027, 3, 13, 9, 0), wall(ny, 2027, 3, 16, 9, 0), []wantShift{
				{"a", "2027-03-13 09:00 EST", 23}, {"b", "2027-03-14 09:00 EDT", 24}, {"c", "2027-03-15 09:00 EDT", 24}}},
		{"NY daily autumn", ny, rotation(ny, RotationDaily, nine, wall(ny, 2027, 11, 1, 9, 0), "a", "b"),
			wall(ny, 2027, 11, 6, 9, 0), wall(ny, 2027, 11, 8, 9, 0), []wantShift{
				{"b", "2027-11-06 09:00 EDT", 25}, {"a", "2027-11-07 09:00 EST", 24}}},
		{"Berlin daily spring", berlin, rotation(berlin, RotationDaily, nine, wall(berlin, 2027, 3, 27, 9, 0), "a", "b"),
			wall(berlin, 2027, 3, 27, 9, 0), wall(berlin, 2027, 3, 29, 9, 0), []wantShift{
				{"a", "2027-03-27 09:00 CET", 23}, {"b", "2027-03-28 09:00 CEST", 24}}},
		{"Berlin daily autumn", berlin, rotation(berlin, RotationDaily, nine, wall(berlin, 2027, 10, 30, 9, 0), "a", "b"),
			wall(berlin, 2027, 10, 30, 9, 0), wall(berlin, 2027, 11, 1, 9, 0), []wantShift{
				{"a", "2027-10-30 09:00 CEST", 25}, {"b", "2027-10-31 09:00 CET", 24}}},
		{"Berlin weekly Monday spring", berlin, func() Layer {
			l := rotation(berlin, RotationWeekly, nine, wall(berlin, 2027, 3, 15, 9, 0), "a", "b")
			l.HandoffDay = time.Monday
			return l
		}(), wall(berlin, 2027, 3, 22, 9, 0), wall(berlin, 2027, 4, 5, 9, 0), []wantShift{
			{"b", "2027-03-22 09:00 CET", 167}, {"a", "2027-03-29 09:00 CEST", 168}}},
		{"NY weekly Friday autumn", ny, func() Layer {
			l := rotation(ny, RotationWeekly, Clock(17*60), wall(ny, 2027, 11, 3, 12, 0), "a", "b")
			l.HandoffDay = time.Friday
			return l
		}(), wall(ny, 2027, 11, 3, 12, 0), wall(ny, 2027, 11, 12, 17, 0), []wantShift{
			{"a", "2027-11-03 12:00 EDT", 53}, {"b", "2027-11-05 17:00 EDT", 169}}},
		{"NY custom 12h spring", ny, func() Layer {
			l := rotation(ny, RotationCustom, nine, wall(ny, 2027, 3, 13, 9, 0), "a", "b", "c")
			l.ShiftHours = 12
			return l
		}(), wall(ny, 2027, 3, 13, 9, 0), wall(ny, 2027, 3, 14, 21, 0), []wantShift{
			{"a", "2027-03-13 09:00 EST", 12}, {"b", "2027-03-13 21:00 EST", 11}, {"c", "2027-03-14 09:00 EDT", 12}}},
		// A handoff inside the spring-forward gap happens at 03:00 EDT that day.
		{"NY handoff in the gap", ny, rotation(ny, RotationDaily, Clock(2*60+30), wall(ny, 2027, 3, 13, 2, 30), "a", "b", "c"),
			wall(ny, 2027, 3, 13, 2, 30), wall(ny, 2027, 3, 15, 2, 30), []wantShift{
				{"a", "2027-03-13 02:30 EST", 23.5}, {"b", "2027-03-14 03:00 EDT", 23.5}}},
		// A handoff inside the fall-back fold happens at its first occurrence (EDT).
		{"NY handoff in the fold", ny, rotation(ny, RotationDaily, Clock(90), wall(ny, 2027, 11, 6, 1, 30), "a", "b", "c"),
			wall(ny, 2027, 11, 6, 1, 30), wall(ny, 2027, 11, 8, 1, 30), []wantShift{
				{"a", "2027-11-06 01:30 EDT", 24}, {"b", "2027-11-07 01:30 EDT", 25}}},
	}
	for _, c := range cases {
		s := &Schedule{Location: c.loc, Layers: []Layer{c.layer}}
		checkShifts(t, c.name, s.Render(c.from, c.to), c.loc, c.want)
	}
}

// Restrictions limit a layer; a higher layer wins where it has someone; overrides win over
// everything and the later-created of two overlapping overrides wins.
func TestLayersRestrictionsOverrides(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	base := rotation(ny, RotationWeekly, Clock(9*60), wall(ny, 2027, 3, 1, 9, 0), "night")
	base.HandoffDay = time.Monday
	day := rotation(ny, RotationDaily, Clock(9*60), wall(ny, 2027, 3, 1, 9, 0), "d1", "d2")
	day.Restrictions = []Restriction{{Days: []time.Weekday{time.Friday, time.Monday}, Start: 9 * 60, End: 17 * 60}}
	weekend := rotation(ny, RotationDaily, 0, wall(ny, 2027, 3, 1, 0, 0), "w")
	// Saturday 22:00 to Sunday 06:00: crosses midnight and the spring-forward change.
	weekend.Restrictions = []Restriction{{Days: []time.Weekday{time.Saturday}, Start: 22 * 60, End: 6 * 60}}
	s := &Schedule{Location: ny, Layers: []Layer{base, day, weekend}, Overrides: []Override{
		{ID: "o1", UserID: "x", StartsAt: wall(ny, 2027, 3, 15, 12, 0), EndsAt: wall(ny, 2027, 3, 15, 14, 0)},
		{ID: "o2", UserID: "y", StartsAt: wall(ny, 2027, 3, 15, 13, 0), EndsAt: wall(ny, 2027, 3, 15, 15, 0)},
	}}
	checkShifts(t, "final", s.Render(wall(ny, 2027, 3, 12, 0, 0), wall(ny, 2027, 3, 16, 0, 0)), ny, []wantShift{
		{"night", "2027-03-12 00:00 EST", 9},
		{"d2", "2027-03-12 09:00 EST", 8}, // Friday, day 11 of the rotation → d2
		{"night", "2027-03-12 17:00 EST", 29},
		{"w", "2027-03-13 22:00 EST", 7}, // 22:00 EST → 06:00 EDT is 7 hours
		{"night", "2027-03-14 06:00 EDT", 27},
		{"d1", "2027-03-15 09:00 EDT", 3},
		{"x", "2027-03-15 12:00 EDT", 1},
		{"y", "2027-03-15 13:00 EDT", 2}, // overlapping: the later-created override wins
		{"d1", "2027-03-15 15:00 EDT", 2},
		{"night", "2027-03-15 17:00 EDT", 7},
	})
	if u, layer, o := s.Who(wall(ny, 2027, 3, 15, 13, 30)); u != "y" || layer != SourceOverride || o != "o2" {
		t.Errorf("Who in the overlap = %q %d %q", u, layer, o)
	}
	// The per-layer row shows the day layer's own windows and gaps.
	checkShifts(t, "day layer", s.RenderLayer(1, wall(ny, 2027, 3, 15, 0, 0), wall(ny, 2027, 3, 16, 0, 0)), ny, []wantShift{
		{"", "2027-03-15 00:00 EDT", 9}, {"d1", "2027-03-15 09:00 EDT", 8}, {"", "2027-03-15 17:00 EDT", 7}})
	// Before a layer starts it has nobody; a schedule with nothing on call renders one gap.
	empty := &Schedule{Location: ny, Layers: []Layer{rotation(ny, RotationDaily, 0, wall(ny, 2028, 1, 1, 0, 0), "a")}}
	checkShifts(t, "not started", empty.Render(wall(ny, 2027, 3, 1, 0, 0), wall(ny, 2027, 3, 2, 0, 0)), ny, []wantShift{
		{"", "2027-03-01 00:00 EST", 24}})
	sh := s.OnCallAt(wall(ny, 2027, 3, 15, 10, 0), 30*24*time.Hour)
	if sh.UserID != "d1" || sh.Layer != 1 || !sh.Start.Equal(wall(ny, 2027, 3, 15, 9, 0)) || !sh.End.Equal(wall(ny, 2027, 3, 15, 12, 0)) {
		t.Errorf("OnCallAt = %+v", sh)
	}
}

package oncall

import (
	"math/rand/v2"
	"testing"
	"time"
)

// randomSchedule builds a schedule of 1–3 layers with random rotations, restrictions and
// overrides around the 2027 daylight-saving changes of one of the test zones.
func randomSchedule(r *rand.Rand, loc *time.Location, around time.Time) *Schedule {
	s := &Schedule{Location: loc}
	users := []string{"u1", "u2", "u3", "u4"}
	for range 1 + r.IntN(3) {
		l := Layer{
			Rotation:   []string{RotationDaily, RotationWeekly, RotationCustom}[r.IntN(3)],
			ShiftHours: 1 + r.IntN(48),
			Handoff:    Clock(r.IntN(DayMinutes)),
			HandoffDay: time.Weekday(r.IntN(7)),
			StartsAt:   around.Add(time.Duration(r.IntN(20*24)-10*24) * time.Hour).Add(time.Duration(r.IntN(60)) * time.Minute),
			Users:      users[:1+r.IntN(len(users))],
		}
		for range r.IntN(3) {
			res := Restriction{Start: Clock(r.IntN(DayMinutes)), End: Clock(1 + r.IntN(DayMinutes))}
			for d := range 7 {
				if r.IntN(3) == 0 {
					res.Days = append(res.Days, time.Weekday(d))
				}
			}
			if !res.NeverMatches() {
				l.Restrictions = append(l.Restrictions, res)
			}
		}
		s.Layers = append(s.Layers, l)
	}
	for i := range r.IntN(4) {
		start := around.Add(time.Duration(r.IntN(14*24*60)-7*24*60) * time.Minute)
		s.Overrides = append(s.Overrides, Override{ID: string(rune('a' + i)), UserID: users[r.IntN(len(users))],
			StartsAt: start, EndsAt: start.Add(time.Duration(1+r.IntN(3*24*60)) * time.Minute)})
	}
	return s
}

// Property: the rendering tiles the window (no gap, no overlap, no empty segment, no two
// equal neighbours) and at every instant it names the same single person — or nobody —
// as Who. Instants are drawn at random and also just inside both ends of every segment,
// where a missing breakpoint would show.
func TestRenderTilesAndAgreesWithWho(t *testing.T) {
	r := rand.New(rand.NewPCG(2027, 11))
	zones := map[string][]time.Time{
		"America/New_York":    {time.Date(2027, 3, 14, 7, 0, 0, 0, time.UTC), time.Date(2027, 11, 7, 6, 0, 0, 0, time.UTC)},
		"Europe/Berlin":       {time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), time.Date(2027, 10, 31, 1, 0, 0, 0, time.UTC)},
		"Australia/Lord_Howe": {time.Date(2027, 4, 3, 15, 0, 0, 0, time.UTC)}, // a 30-minute change
	}
	for name, changes := range zones {
		loc := mustLoc(t, name)
		for iter := range 80 {
			around := changes[iter%len(changes)]
			s := randomSchedule(r, loc, around)
			from := around.Add(-time.Duration(r.IntN(5*24*60)) * time.Minute)
			to := around.Add(time.Duration(1+r.IntN(5*24*60)) * time.Minute)
			full := s.Render(from, to)
			checkTiling(t, s, from, to, full, s.Who)
			li := r.IntN(len(s.Layers))
			layerWho := func(at time.Time) (string, int, string) {
				if u := s.Layers[li].userAt(at, loc); u != "" {
					return u, li, ""
				}
				return "", SourceNobody, ""
			}
			checkTiling(t, s, from, to, s.RenderLayer(li, from, to), layerWho)
			for range 25 {
				at := from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))))
				sh := s.OnCallAt(at, 10*24*time.Hour)
				if u, _, _ := s.Who(at); sh.UserID != u || at.Before(sh.Start) || !at.Before(sh.End) {
					t.Fatalf("%s: OnCallAt(%v) = %+v, Who = %q", name, at, sh, u)
				}
				// Where the window's own segment is whole (inside it, within the lookaround),
				// OnCallAt's widening search finds the same bounds.
				for _, seg := range full {
					if !at.Before(seg.Start) && at.Before(seg.End) && seg.Start.After(from) && seg.End.Before(to) &&
						at.Sub(seg.Start) < 10*24*time.Hour && seg.End.Sub(at) < 10*24*time.Hour &&
						(!seg.Start.Equal(sh.Start) || !seg.End.Equal(sh.End)) {
						t.Fatalf("%s: OnCallAt(%v) = [%v, %v), the rendering says [%v, %v)", name, at, sh.Start, sh.End, seg.Start, seg.End)
					}
				}
			}
		}
	}
}

func checkTiling(t *testing.T, s *Schedule, from, to time.Time, shifts []Shift, who func(time.Time) (string, int, string)) {
	t.Helper()
	if len(shifts) == 0 || !shifts[0].Start.Equal(from) || !shifts[len(shifts)-1].End.Equal(to) {
		t.Fatalf("rendering of [%v, %v) does not cover it: %+v", from, to, shifts)
	}
	for i, sh := range shifts {
		if !sh.Start.Before(sh.End) {
			t.Fatalf("empty segment %+v", sh)
		}
		if i > 0 {
			prev := shifts[i-1]
			if !prev.End.Equal(sh.Start) {
				t.Fatalf("gap or overlap between %+v and %+v", prev, sh)
			}
			if prev.UserID == sh.UserID && prev.Layer == sh.Layer && prev.OverrideID == sh.OverrideID {
				t.Fatalf("equal neighbours not merged: %+v %+v", prev, sh)
			}
		}
		for _, at := range []time.Time{sh.Start, sh.End.Add(-time.Nanosecond), sh.Start.Add(sh.End.Sub(sh.Start) / 2)} {
			if u, layer, o := who(at); u != sh.UserID || layer != sh.Layer || o != sh.OverrideID {
				t.Fatalf("at %v the rendering says %+v but Who says %q/%d/%q (schedule %+v)", at, sh, u, layer, o, s)
			}
		}
	}
}

package oncall

import (
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzClock: ParseClock never panics, accepts only HH:MM within the day, and what it
// accepts formats back to itself.
func FuzzClock(f *testing.F) {
	for _, s := range []string{"09:00", "24:00", "23:59", "9:00", "-1:00", "12:60", "ab:cd", ""} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, end bool) {
		c, err := ParseClock(s, end)
		if err != nil {
			return
		}
		if c < 0 || c > DayMinutes || (c == DayMinutes && !end) {
			t.Fatalf("ParseClock(%q) = %d", s, c)
		}
		if back, err := ParseClock(c.String(), end); err != nil || back != c {
			t.Fatalf("%q → %v → %v, %v", s, c, back, err)
		}
	})
}

// FuzzRender: whatever schedule a seed makes, renderings tile the window and agree with Who.
func FuzzRender(f *testing.F) {
	for _, seed := range []uint64{1, 2027, 314, 1107} {
		f.Add(seed, uint16(600))
	}
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}
	f.Fuzz(func(t *testing.T, seed uint64, minutes uint16) {
		r := rand.New(rand.NewPCG(seed, 7))
		loc := mustLoc(t, zones[r.IntN(len(zones))])
		around := time.Date(2027, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.UTC)
		s := randomSchedule(r, loc, around)
		from := around.Add(-time.Duration(r.IntN(3*24*60)) * time.Minute)
		to := from.Add(time.Duration(1+int(minutes)%(10*24*60)) * time.Minute)
		checkTiling(t, s, from, to, s.Render(from, to), s.Who)
	})
}

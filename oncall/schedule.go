package oncall

import (
	"time"
)

// Rotation kinds of a layer (SPEC §11).
const (
	RotationDaily  = "daily"
	RotationWeekly = "weekly"
	RotationCustom = "custom"
)

// MaxShiftHours bounds a custom rotation's shift (four weeks).
const MaxShiftHours = 28 * 24

// Schedule is a compiled schedule: everything the engine needs and nothing else.
type Schedule struct {
	// Location is the schedule's time zone; every wall-clock time is read in it.
	Location *time.Location
	// Layers are listed bottom to top: a later layer wins where it has someone on call.
	Layers []Layer
	// Overrides in creation order: where two overlap, the later one wins.
	Overrides []Override
}

// Layer is one rotation of users, optionally restricted to windows of the week.
type Layer struct {
	Name         string
	Rotation     string       // daily, weekly or custom
	ShiftHours   int          // custom rotations only
	Handoff      Clock        // wall-clock handoff time
	HandoffDay   time.Weekday // weekly rotations only
	StartsAt     time.Time    // nobody from this layer is on call before it
	Users        []string     // user IDs in rotation order
	Restrictions []Restriction
}

// Restriction is a window of the day, on some days of the week (all when Days is empty).
// A window whose End is not after its Start crosses midnight into the next day.
type Restriction struct {
	Days       []time.Weekday
	Start, End Clock
}

// NeverMatches reports whether the window is empty (start == end), which would silently
// take the layer off the schedule; the API refuses it.
func (r Restriction) NeverMatches() bool { return r.Start == r.End }

// Override puts UserID on call over [StartsAt, EndsAt), above every layer.
type Override struct {
	ID               string
	UserID           string
	StartsAt, EndsAt time.Time
}

// period is the wall-clock length of one shift.
func (l *Layer) period() time.Duration {
	switch l.Rotation {
	case RotationWeekly:
		return 7 * 24 * time.Hour
	case RotationCustom:
		return time.Duration(max(l.ShiftHours, 1)) * time.Hour
	default:
		return 24 * time.Hour
	}
}

// anchor is the wall-clock time of the last handoff at or before StartsAt: handoff k of
// the rotation is anchor + k·period (wall clock), and shift k belongs to users[k mod n].
func (l *Layer) anchor(loc *time.Location) civil {
	start := l.StartsAt.In(loc)
	a := at(civilDate(start), l.Handoff)
	step := 24 * time.Hour
	if l.Rotation == RotationWeekly {
		back := (int(start.Weekday()) - int(l.HandoffDay) + 7) % 7
		a = a.AddDate(0, 0, -back)
		step = 7 * 24 * time.Hour
	}
	if resolve(a, loc).After(l.StartsAt) {
		a = a.Add(-step)
	}
	return a
}

// handoff is the instant of handoff k.
func (l *Layer) handoff(anchor civil, k int, loc *time.Location) time.Time {
	return resolve(anchor.Add(time.Duration(k)*l.period()), loc)
}

// shiftIndex is the largest k with handoff(k) ≤ t (t ≥ StartsAt, so k ≥ 0).
func (l *Layer) shiftIndex(anchor civil, t time.Time, loc *time.Location) int {
	first := resolve(anchor, loc)
	k := int(t.Sub(first) / l.period())
	k = max(k, 0)
	for k > 0 && l.handoff(anchor, k, loc).After(t) {
		k--
	}
	for !l.handoff(anchor, k+1, loc).After(t) {
		k++
	}
	return k
}

// userAt is the layer's own on-call user at t, or "" where the layer has nobody.
func (l *Layer) userAt(t time.Time, loc *time.Location) string {
	if len(l.Users) == 0 || t.Before(l.StartsAt) || !l.allowed(t, loc) {
		return ""
	}
	k := l.shiftIndex(l.anchor(loc), t, loc)
	return l.Users[k%len(l.Users)]
}

// allowed reports whether t falls in one of the layer's restriction windows (always,
// when it has none). A window may start the day before and cross midnight.
func (l *Layer) allowed(t time.Time, loc *time.Location) bool {
	if len(l.Restrictions) == 0 {
		return true
	}
	today := civilDate(t.In(loc))
	for _, r := range l.Restrictions {
		for _, d := range []civil{today.AddDate(0, 0, -1), today} {
			if !r.onDay(d.Weekday()) {
				continue
			}
			from, to := r.window(d, loc)
			if !t.Before(from) && t.Before(to) {
				return true
			}
		}
	}
	return false
}

func (r Restriction) onDay(d time.Weekday) bool {
	if len(r.Days) == 0 {
		return true
	}
	for _, x := range r.Days {
		if x == d {
			return true
		}
	}
	return false
}

// window is the restriction's window that starts on date d.
func (r Restriction) window(d civil, loc *time.Location) (time.Time, time.Time) {
	end := at(d, r.End)
	if r.End <= r.Start {
		end = end.Add(24 * time.Hour)
	}
	return resolve(at(d, r.Start), loc), resolve(end, loc)
}

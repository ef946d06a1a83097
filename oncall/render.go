package oncall

import (
	"slices"
	"time"
)

// Source values of a Shift that no layer index can take.
const (
	SourceNobody   = -1 // nobody is on call
	SourceOverride = -2 // an override put the user on call
)

// Shift is one segment of a rendering: UserID is on call over [Start, End) because of
// layer Layer (an index into Schedule.Layers) or an override (OverrideID); UserID is ""
// where nobody is on call.
type Shift struct {
	Start, End time.Time
	UserID     string
	Layer      int
	OverrideID string
}

// Who is on call at t: the winning user, the layer index (or SourceOverride /
// SourceNobody) and the override's ID when one applies. It is the point rule every
// rendering agrees with.
func (s *Schedule) Who(t time.Time) (user string, layer int, overrideID string) {
	for i := len(s.Overrides) - 1; i >= 0; i-- { // later-created overrides win
		o := s.Overrides[i]
		if !t.Before(o.StartsAt) && t.Before(o.EndsAt) {
			return o.UserID, SourceOverride, o.ID
		}
	}
	for i := len(s.Layers) - 1; i >= 0; i-- { // higher layers win
		if u := s.Layers[i].userAt(t, s.Location); u != "" {
			return u, i, ""
		}
	}
	return "", SourceNobody, ""
}

// Render tiles [from, to) with the final shifts: consecutive segments, each with the
// user on call (or nobody), with no gap and no overlap.
func (s *Schedule) Render(from, to time.Time) []Shift {
	return s.render(from, to, s.Who, s.breakpoints(from, to, -1))
}

// RenderLayer tiles [from, to) with layer i's own shifts, ignoring other layers and
// overrides (the per-layer rows of a timeline).
func (s *Schedule) RenderLayer(i int, from, to time.Time) []Shift {
	l := &s.Layers[i]
	who := func(t time.Time) (string, int, string) {
		if u := l.userAt(t, s.Location); u != "" {
			return u, i, ""
		}
		return "", SourceNobody, ""
	}
	return s.render(from, to, who, s.breakpoints(from, to, i))
}

// OnCallAt is the final shift containing t, its bounds looked for up to lookaround on
// each side (a shift longer than that is reported clipped to it). The search starts a day
// either side and widens only while the shift reaches the edge, so the usual answer
// renders two days, not the whole lookaround.
func (s *Schedule) OnCallAt(t time.Time, lookaround time.Duration) Shift {
	for look := min(24*time.Hour, lookaround); ; look = min(4*look, lookaround) {
		from, to := t.Add(-look), t.Add(look)
		for _, sh := range s.Render(from, to) {
			if t.Before(sh.Start) || !t.Before(sh.End) {
				continue
			}
			if look >= lookaround || (sh.Start.After(from) && sh.End.Before(to)) {
				return sh
			}
			break // clipped by the window: widen it
		}
		if look >= lookaround || look <= 0 {
			break
		}
	}
	u, layer, o := s.Who(t)
	return Shift{Start: t, End: t, UserID: u, Layer: layer, OverrideID: o}
}

func (s *Schedule) render(from, to time.Time, who func(time.Time) (string, int, string), cuts []time.Time) []Shift {
	if !from.Before(to) {
		return nil
	}
	var out []Shift
	for i := 0; i+1 < len(cuts); i++ {
		u, layer, o := who(cuts[i])
		if n := len(out); n > 0 && out[n-1].UserID == u && out[n-1].Layer == layer && out[n-1].OverrideID == o {
			out[n-1].End = cuts[i+1]
			continue
		}
		out = append(out, Shift{Start: cuts[i], End: cuts[i+1], UserID: u, Layer: layer, OverrideID: o})
	}
	return out
}

// breakpoints lists, sorted and once each, from, to and every instant in between where
// the answer of Who may change: layer starts, handoffs, restriction edges and override
// edges. only ≥ 0 limits it to that layer (and leaves overrides out).
func (s *Schedule) breakpoints(from, to time.Time, only int) []time.Time {
	cuts := []time.Time{from, to}
	add := func(t time.Time) {
		if t.After(from) && t.Before(to) {
			cuts = append(cuts, t)
		}
	}
	loc := s.Location
	for i := range s.Layers {
		if only >= 0 && i != only {
			continue
		}
		l := &s.Layers[i]
		if len(l.Users) == 0 || !l.StartsAt.Before(to) {
			continue
		}
		add(l.StartsAt)
		anchor := l.anchor(loc)
		k := 0
		if from.After(l.StartsAt) {
			k = l.shiftIndex(anchor, from, loc)
		}
		for ; ; k++ {
			h := l.handoff(anchor, k, loc)
			if !h.Before(to) {
				break
			}
			add(h)
		}
		first, last := civilDate(from.In(loc)).AddDate(0, 0, -1), civilDate(to.In(loc))
		for _, r := range l.Restrictions {
			for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
				if r.onDay(d.Weekday()) {
					a, b := r.window(d, loc)
					add(a)
					add(b)
				}
			}
		}
	}
	if only < 0 {
		for _, o := range s.Overrides {
			add(o.StartsAt)
			add(o.EndsAt)
		}
	}
	slices.SortFunc(cuts, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(cuts, func(a, b time.Time) bool { return a.Equal(b) })
}

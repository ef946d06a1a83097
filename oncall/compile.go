package oncall

import (
	"fmt"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Compile turns a stored schedule into the engine's form. The API validated it when it
// was written, so an error here means a damaged record (or a time zone the host's
// database no longer knows).
func Compile(s *store.OnCallSchedule) (*Schedule, error) {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: time zone: %w", s.ID, err)
	}
	out := &Schedule{Location: loc, Layers: make([]Layer, 0, len(s.Layers)), Overrides: make([]Override, 0, len(s.Overrides))}
	for i, l := range s.Layers {
		layer := Layer{Name: l.Name, Rotation: l.Rotation, ShiftHours: l.ShiftHours, StartsAt: l.StartsAt, Users: l.Users}
		if layer.Handoff, err = ParseClock(l.HandoffTime, false); err != nil {
			return nil, fmt.Errorf("schedule %s layer %d: handoff_time %w", s.ID, i, err)
		}
		if l.Rotation == RotationWeekly {
			if layer.HandoffDay, err = ParseWeekday(l.HandoffDay); err != nil {
				return nil, fmt.Errorf("schedule %s layer %d: handoff_day %w", s.ID, i, err)
			}
		}
		for _, r := range l.Restrictions {
			res, err := CompileRestriction(r)
			if err != nil {
				return nil, fmt.Errorf("schedule %s layer %d: %w", s.ID, i, err)
			}
			layer.Restrictions = append(layer.Restrictions, res)
		}
		out.Layers = append(out.Layers, layer)
	}
	for _, o := range s.Overrides {
		out.Overrides = append(out.Overrides, Override{ID: o.ID, UserID: o.UserID, StartsAt: o.StartsAt, EndsAt: o.EndsAt})
	}
	return out, nil
}

// CompileRestriction reads a stored restriction ("mon", "09:00", "17:00").
func CompileRestriction(r store.OnCallRestriction) (Restriction, error) {
	var out Restriction
	for _, d := range r.Days {
		wd, err := ParseWeekday(d)
		if err != nil {
			return out, fmt.Errorf("days: %w", err)
		}
		out.Days = append(out.Days, wd)
	}
	var err error
	if out.Start, err = ParseClock(r.Start, false); err != nil {
		return out, fmt.Errorf("start %w", err)
	}
	if out.End, err = ParseClock(r.End, true); err != nil {
		return out, fmt.Errorf("end %w", err)
	}
	return out, nil
}

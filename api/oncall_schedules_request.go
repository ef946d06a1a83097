package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// Bounds of a schedule (SPEC §11): they bound the work of one who-is-on-call answer,
// which the escalator runs inside an alert transaction.
const (
	maxScheduleLayers       = 10
	maxLayerUsers           = 50
	maxLayerRestrictions    = 14
	maxScheduleOverrides    = 200
	maxOverrideLength       = 90 * 24 * time.Hour
	overrideKeepAfterEnding = 90 * 24 * time.Hour
)

// scheduleRequest is the body of POST and PUT /on-call-schedules. On PUT absent fields keep
// their value; layers, when sent, replace the whole list. Overrides have their own routes.
type scheduleRequest struct {
	Name           *string         `json:"name"`
	Timezone       *string         `json:"timezone"`
	HandoffNotices *bool           `json:"handoff_notices"`
	Layers         *[]layerRequest `json:"layers"`
}

// layerRequest is one layer as a client sends it; starts_at is text so a bad time is a
// 422 naming the field, not a 400 for the whole body.
type layerRequest struct {
	Name         string               `json:"name"`
	Rotation     string               `json:"rotation"`
	ShiftHours   int                  `json:"shift_hours"`
	HandoffTime  string               `json:"handoff_time"`
	HandoffDay   string               `json:"handoff_day"`
	StartsAt     string               `json:"starts_at"`
	Users        []string             `json:"users"`
	Restrictions []restrictionRequest `json:"restrictions"`
}

type restrictionRequest struct {
	Days  []string `json:"days"`
	Start string   `json:"start"`
	End   string   `json:"end"`
}

// memberCheck reports whether a user is a member of the active organization.
type memberCheck func(userID string) (bool, error)

// orgMembers checks membership in organization orgID only.
func orgMembers(db *store.DB, orgID string) memberCheck {
	return func(userID string) (bool, error) {
		return found(db.Membership(orgID, userID))
	}
}

// apply validates the request onto s; create requires name, timezone and layers. Field
// keys name the offending element, e.g. "layers[1].restrictions[0].end".
func (r *scheduleRequest) apply(s *store.OnCallSchedule, create bool, member memberCheck) error {
	f := fieldErrors{}
	if r.Name != nil || create {
		s.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	if r.Timezone != nil || create {
		s.Timezone = validTimezone(f, "timezone", deref(r.Timezone))
	}
	if r.HandoffNotices != nil {
		s.HandoffNotices = *r.HandoffNotices
	}
	if r.Layers != nil || create {
		var layers []layerRequest
		if r.Layers != nil {
			layers = *r.Layers
		}
		out, err := validateLayers(f, layers, member)
		if err != nil {
			return err
		}
		s.Layers = out
	}
	if s.Overrides == nil {
		s.Overrides = []store.OnCallOverride{}
	}
	return f.err()
}

// validTimezone accepts an IANA zone name; "Local" (the host's zone) is refused, since
// it would change meaning with the machine.
func validTimezone(f fieldErrors, field, tz string) string {
	tz = strings.TrimSpace(tz)
	switch {
	case tz == "":
		f.add(field, "is required (an IANA time zone such as Europe/Berlin)")
	case tz == "Local":
		f.add(field, "must be an IANA time zone such as Europe/Berlin")
	default:
		if _, err := time.LoadLocation(tz); err != nil {
			f.add(field, "unknown time zone (use an IANA name such as Europe/Berlin)")
		}
	}
	return tz
}

func validateLayers(f fieldErrors, layers []layerRequest, member memberCheck) ([]store.OnCallLayer, error) {
	switch {
	case len(layers) == 0:
		f.add("layers", "must list at least one layer")
		return nil, nil
	case len(layers) > maxScheduleLayers:
		f.add("layers", "must list at most "+strconv.Itoa(maxScheduleLayers)+" layers")
		return nil, nil
	}
	out := make([]store.OnCallLayer, len(layers))
	for i, l := range layers {
		key := func(field string) string { return "layers[" + strconv.Itoa(i) + "]." + field }
		sl := store.OnCallLayer{Rotation: strings.ToLower(strings.TrimSpace(l.Rotation)), Users: []string{}, Restrictions: []store.OnCallRestriction{}}
		sl.Name = f.name(key("name"), l.Name, false, maxNameLen)
		if sl.Name == "" {
			sl.Name = "Layer " + strconv.Itoa(i+1)
		}
		switch sl.Rotation {
		case oncall.RotationDaily, oncall.RotationWeekly:
			if l.ShiftHours != 0 {
				f.add(key("shift_hours"), "is only for custom rotations")
			}
		case oncall.RotationCustom:
			if l.ShiftHours < 1 || l.ShiftHours > oncall.MaxShiftHours {
				f.add(key("shift_hours"), fmt.Sprintf("must be from 1 to %d hours", oncall.MaxShiftHours))
			}
			sl.ShiftHours = l.ShiftHours
		default:
			f.add(key("rotation"), "must be daily, weekly or custom")
		}
		sl.HandoffTime = strings.TrimSpace(l.HandoffTime)
		if sl.HandoffTime == "" {
			sl.HandoffTime = "09:00"
		}
		if _, err := oncall.ParseClock(sl.HandoffTime, false); err != nil {
			f.add(key("handoff_time"), err.Error())
		}
		if sl.Rotation == oncall.RotationWeekly {
			day := strings.TrimSpace(l.HandoffDay)
			if day == "" {
				day = "monday"
			}
			if wd, err := oncall.ParseWeekday(day); err != nil {
				f.add(key("handoff_day"), err.Error())
			} else {
				sl.HandoffDay = strings.ToLower(wd.String())
			}
		} else if strings.TrimSpace(l.HandoffDay) != "" {
			f.add(key("handoff_day"), "is only for weekly rotations")
		}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(l.StartsAt)); err != nil {
			f.add(key("starts_at"), "must be an RFC 3339 time such as 2027-03-01T09:00:00+01:00")
		} else {
			sl.StartsAt = t.UTC()
		}
		if err := validateLayerUsers(f, key("users"), l.Users, member, &sl); err != nil {
			return nil, err
		}
		if len(l.Restrictions) > maxLayerRestrictions {
			f.add(key("restrictions"), "must list at most "+strconv.Itoa(maxLayerRestrictions)+" windows")
		}
		for j, r := range l.Restrictions {
			rk := key("restrictions[" + strconv.Itoa(j) + "]")
			sr, ok := validateRestriction(f, rk, r)
			if ok {
				sl.Restrictions = append(sl.Restrictions, sr)
			}
		}
		out[i] = sl
	}
	return out, nil
}

func validateLayerUsers(f fieldErrors, field string, users []string, member memberCheck, sl *store.OnCallLayer) error {
	switch {
	case len(users) == 0:
		f.add(field, "must list at least one member (a layer without users pages nobody)")
		return nil
	case len(users) > maxLayerUsers:
		f.add(field, "must list at most "+strconv.Itoa(maxLayerUsers)+" members")
		return nil
	}
	for k, id := range users {
		id = strings.TrimSpace(id)
		ok, err := member(id)
		if err != nil {
			return err
		}
		if !ok {
			f.add(field+"["+strconv.Itoa(k)+"]", "is not a member of this organization")
		}
		sl.Users = append(sl.Users, id)
	}
	return nil
}

// validateRestriction checks one window; a window that can never match (start equal to
// end) is refused rather than silently taking its layer off the schedule.
func validateRestriction(f fieldErrors, key string, r restrictionRequest) (store.OnCallRestriction, bool) {
	out := store.OnCallRestriction{Days: []string{}, Start: strings.TrimSpace(r.Start), End: strings.TrimSpace(r.End)}
	ok := true
	for d, day := range r.Days {
		wd, err := oncall.ParseWeekday(day)
		if err != nil {
			f.add(key+".days["+strconv.Itoa(d)+"]", err.Error())
			ok = false
			continue
		}
		out.Days = append(out.Days, strings.ToLower(wd.String()[:3]))
	}
	start, err := oncall.ParseClock(out.Start, false)
	if err != nil {
		f.add(key+".start", err.Error())
		ok = false
	}
	end, err := oncall.ParseClock(out.End, true)
	if err != nil {
		f.add(key+".end", err.Error())
		ok = false
	}
	if ok && start == end {
		f.add(key+".end", "must differ from start: this window never matches (use 00:00 to 24:00 for whole days)")
		ok = false
	}
	return out, ok
}

// overrideRequest is the body of POST /on-call-schedules/{id}/overrides.
type overrideRequest struct {
	UserID   string `json:"user_id"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

// build validates the override; member must say the user belongs to the organization.
func (r *overrideRequest) build(member memberCheck, now time.Time) (*store.OnCallOverride, error) {
	f := fieldErrors{}
	o := &store.OnCallOverride{ID: store.NewID(), UserID: strings.TrimSpace(r.UserID), CreatedAt: now}
	if o.UserID == "" {
		f.add("user_id", "is required")
	} else if ok, err := member(o.UserID); err != nil {
		return nil, err
	} else if !ok {
		f.add("user_id", "is not a member of this organization")
	}
	var err error
	if o.StartsAt, err = time.Parse(time.RFC3339, strings.TrimSpace(r.StartsAt)); err != nil {
		f.add("starts_at", "must be an RFC 3339 time")
	}
	if o.EndsAt, err = time.Parse(time.RFC3339, strings.TrimSpace(r.EndsAt)); err != nil {
		f.add("ends_at", "must be an RFC 3339 time")
	}
	if len(f) == 0 {
		switch {
		case !o.EndsAt.After(o.StartsAt):
			f.add("ends_at", "must be after starts_at")
		case o.EndsAt.Sub(o.StartsAt) > maxOverrideLength:
			f.add("ends_at", "an override lasts at most 90 days")
		}
	}
	o.StartsAt, o.EndsAt = o.StartsAt.UTC(), o.EndsAt.UTC()
	return o, f.err()
}

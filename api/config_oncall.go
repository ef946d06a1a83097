package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// scheduleItem is an on-call schedule in a configuration document (SPEC §11): members are
// named by e-mail, so the document applies to another organization with the same people.
type scheduleItem struct {
	Name           string         `json:"name"`
	Timezone       string         `json:"timezone"`
	HandoffNotices bool           `json:"handoff_notices"`
	Layers         []layerItem    `json:"layers"`
	Overrides      []overrideItem `json:"overrides"`
}

type layerItem struct {
	Name         string                    `json:"name"`
	Rotation     string                    `json:"rotation"`
	ShiftHours   int                       `json:"shift_hours,omitempty"`
	HandoffTime  string                    `json:"handoff_time"`
	HandoffDay   string                    `json:"handoff_day,omitempty"`
	StartsAt     string                    `json:"starts_at"`
	Users        []string                  `json:"users"`
	Restrictions []store.OnCallRestriction `json:"restrictions"`
}

type overrideItem struct {
	User     string `json:"user"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

func newScheduleItem(s *store.OnCallSchedule, name nameFunc) scheduleItem {
	v := scheduleItem{Name: s.Name, Timezone: s.Timezone, HandoffNotices: s.HandoffNotices,
		Layers: make([]layerItem, 0, len(s.Layers)), Overrides: make([]overrideItem, 0, len(s.Overrides))}
	for _, l := range s.Layers {
		li := layerItem{Name: l.Name, Rotation: l.Rotation, ShiftHours: l.ShiftHours, HandoffTime: l.HandoffTime,
			HandoffDay: l.HandoffDay, StartsAt: l.StartsAt.UTC().Format(time.RFC3339), Users: make([]string, 0, len(l.Users)),
			Restrictions: l.Restrictions}
		if li.Restrictions == nil {
			li.Restrictions = []store.OnCallRestriction{}
		}
		for _, u := range l.Users {
			li.Users = append(li.Users, name(u))
		}
		v.Layers = append(v.Layers, li)
	}
	for _, o := range s.Overrides {
		v.Overrides = append(v.Overrides, overrideItem{User: name(o.UserID),
			StartsAt: o.StartsAt.UTC().Format(time.RFC3339), EndsAt: o.EndsAt.UTC().Format(time.RFC3339)})
	}
	return v
}

// scheduleImport is an on-call schedule element.
type scheduleImport struct {
	Name           *string        `json:"name"`
	Timezone       *string        `json:"timezone"`
	HandoffNotices *bool          `json:"handoff_notices"`
	Layers         *[]layerItem   `json:"layers"`
	Overrides      []overrideItem `json:"overrides"`
}

// planSchedules validates the schedules through scheduleRequest.apply and
// overrideRequest.build, the API's own validators, with members resolved by e-mail (import
// does not create people). Schedules come before escalation policies, whose steps may
// name them.
func (p *importPlan) planSchedules(items []json.RawMessage) {
	p.schedules = map[string]string{}
	existing := byName(p.st.schedules, func(s *store.OnCallSchedule) string { return s.Name })
	for i := range p.st.schedules {
		p.schedules[namekey(p.st.schedules[i].Name)] = p.st.schedules[i].ID
	}
	r := (&onCallScheduleHandlers{base: p.h.base}).schedules()
	known := func(id string) (bool, error) { return id != "", nil } // resolved by e-mail below
	for path, in := range elements(p, "on_call_schedules", items, func(r *scheduleImport) *string { return r.Name }) {
		req := &scheduleRequest{Name: in.Name, Timezone: in.Timezone, HandoffNotices: in.HandoffNotices}
		if in.Layers != nil {
			layers := make([]layerRequest, len(*in.Layers))
			for i, l := range *in.Layers {
				layers[i] = layerRequest{Name: l.Name, Rotation: l.Rotation, ShiftHours: l.ShiftHours, HandoffTime: l.HandoffTime,
					HandoffDay: l.HandoffDay, StartsAt: l.StartsAt}
				for k, email := range l.Users {
					field := path + ".layers[" + strconv.Itoa(i) + "].users[" + strconv.Itoa(k) + "]"
					layers[i].Users = append(layers[i].Users, p.ref(field, email, "the e-mail of a member of this organization", p.users))
				}
				for _, res := range l.Restrictions {
					layers[i].Restrictions = append(layers[i].Restrictions, restrictionRequest{Days: res.Days, Start: res.Start, End: res.End})
				}
			}
			req.Layers = &layers
		}
		fresh := &store.OnCallSchedule{}
		if !p.renamed(path, req.apply(fresh, true, known), nil) {
			continue
		}
		for j, o := range in.Overrides {
			field := path + ".overrides[" + strconv.Itoa(j) + "]"
			or := overrideRequest{UserID: p.ref(field+".user", o.User, "the e-mail of a member of this organization", p.users),
				StartsAt: o.StartsAt, EndsAt: o.EndsAt}
			ov, err := or.build(known, p.h.now())
			if !p.renamed(field, err, map[string]string{"user_id": "user"}) {
				continue
			}
			fresh.Overrides = append(fresh.Overrides, *ov)
		}
		name := nameOf(p.st.names)
		switch at, found := existing[namekey(fresh.Name)]; {
		case !found:
			fresh.ID = uuid.Must(uuid.NewV7()).String()
			p.schedules[namekey(fresh.Name)], p.st.names[fresh.ID] = fresh.ID, fresh.Name
			upsert(p, r, "on_call_schedule", fresh.Name, "", fresh, nil)
		case sameJSON(newScheduleItem(&p.st.schedules[at], name), newScheduleItem(fresh, name)):
			p.change("", "on_call_schedule", fresh.Name, nil)
		default:
			upsert(p, r, "on_call_schedule", fresh.Name, p.st.schedules[at].ID, fresh, copyScheduleConfig)
		}
	}
}

// copyScheduleConfig copies the configuration of src onto dst, leaving identity and times.
func copyScheduleConfig(dst, src *store.OnCallSchedule) {
	dst.Name, dst.Timezone, dst.HandoffNotices, dst.Layers, dst.Overrides = src.Name, src.Timezone, src.HandoffNotices, src.Layers, src.Overrides
}

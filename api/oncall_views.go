package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// Windows of the on-call views: a shifts query spans at most maxShiftWindow (beyond is a
// 422); shift bounds are looked for up to shiftLookaround either side of an instant; "my
// next shifts" look two weeks ahead, like the UI's timeline.
const (
	maxShiftWindow  = 90 * 24 * time.Hour
	shiftLookaround = 35 * 24 * time.Hour
	myShiftsAhead   = 14 * 24 * time.Hour
)

// personRef names a user in on-call answers.
type personRef struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
}

// shiftView is one rendered segment: user is null where nobody is on call; layer is the
// layer's name, "override", or null.
type shiftView struct {
	User       *personRef `json:"user"`
	Layer      *string    `json:"layer"`
	OverrideID string     `json:"override_id,omitempty"`
	Start      time.Time  `json:"start"`
	End        time.Time  `json:"end"`
}

// people resolves user IDs to references, once each per request; a user since deleted
// keeps a reference with the bare ID.
type people map[string]*personRef

func (p people) ref(db *store.DB, id string) *personRef {
	if id == "" {
		return nil
	}
	if r, ok := p[id]; ok {
		return r
	}
	r := &personRef{ID: id}
	if u, err := db.User(id); err == nil {
		r.Email, r.FullName = u.Email, u.FullName
	}
	p[id] = r
	return r
}

func layerName(s *store.OnCallSchedule, sh oncall.Shift) *string {
	var n string
	switch {
	case sh.Layer == oncall.SourceOverride:
		n = "override"
	case sh.Layer >= 0 && sh.Layer < len(s.Layers):
		n = s.Layers[sh.Layer].Name
	default:
		return nil
	}
	return &n
}

func (p people) shifts(db *store.DB, s *store.OnCallSchedule, in []oncall.Shift) []shiftView {
	out := make([]shiftView, 0, len(in))
	for _, sh := range in {
		out = append(out, shiftView{User: p.ref(db, sh.UserID), Layer: layerName(s, sh), OverrideID: sh.OverrideID,
			Start: sh.Start.UTC(), End: sh.End.UTC()})
	}
	return out
}

// onCallView is SPEC §11's answer of GET /{id}/on-call.
type onCallView struct {
	User       *personRef `json:"user"`
	Layer      *string    `json:"layer"`
	OverrideID string     `json:"override_id,omitempty"`
	ShiftStart time.Time  `json:"shift_start"`
	ShiftEnd   time.Time  `json:"shift_end"`
}

func (p people) onCall(db *store.DB, s *store.OnCallSchedule, sh oncall.Shift) onCallView {
	return onCallView{User: p.ref(db, sh.UserID), Layer: layerName(s, sh), OverrideID: sh.OverrideID,
		ShiftStart: sh.Start.UTC(), ShiftEnd: sh.End.UTC()}
}

// onCall answers who is on call at ?at= (default now) and the bounds of that shift.
func (h *onCallScheduleHandlers) onCall(c *gin.Context) error {
	s, eng, err := h.compiled(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	at := queryTimeOr(c, f, "at", h.now())
	if err := f.err(); err != nil {
		return err
	}
	c.JSON(http.StatusOK, people{}.onCall(h.store, s, eng.OnCallAt(at, shiftLookaround)))
	return nil
}

// shifts answers the final rendered shifts over [from, to) (default: two weeks from now)
// and each layer's own row, for a timeline.
func (h *onCallScheduleHandlers) shifts(c *gin.Context) error {
	s, eng, err := h.compiled(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	from := queryTimeOr(c, f, "from", h.now())
	to := queryTimeOr(c, f, "to", from.Add(myShiftsAhead))
	if err := f.err(); err != nil {
		return err
	}
	switch {
	case !to.After(from):
		f.add("to", "must be after from")
	case to.Sub(from) > maxShiftWindow:
		f.add("to", "the window spans at most 90 days")
	}
	if err := f.err(); err != nil {
		return err
	}
	p := people{}
	type layerRow struct {
		Name   string      `json:"name"`
		Shifts []shiftView `json:"shifts"`
	}
	rows := make([]layerRow, 0, len(s.Layers))
	for i, l := range s.Layers {
		rows = append(rows, layerRow{Name: l.Name, Shifts: p.shifts(h.store, s, eng.RenderLayer(i, from, to))})
	}
	c.JSON(http.StatusOK, gin.H{"from": from.UTC(), "to": to.UTC(), "timezone": s.Timezone,
		"shifts": p.shifts(h.store, s, eng.Render(from, to)), "layers": rows})
	return nil
}

// whoIsOnCall answers GET /on-call: who is on call now in every schedule of the
// organization, and the caller's own shifts of the next two weeks.
func (h *onCallScheduleHandlers) whoIsOnCall(c *gin.Context) error {
	a := actorOf(c)
	all, err := h.store.OnCallSchedules(a.org.ID)
	if err != nil {
		return err
	}
	now, p := h.now(), people{}
	type nowRow struct {
		Schedule gin.H `json:"schedule"`
		onCallView
	}
	type mine struct {
		ScheduleID   string    `json:"schedule_id"`
		ScheduleName string    `json:"schedule_name"`
		Layer        *string   `json:"layer"`
		Start        time.Time `json:"start"`
		End          time.Time `json:"end"`
	}
	rows, my := make([]nowRow, 0, len(all)), make([]mine, 0)
	for i := range all {
		s := &all[i]
		eng, err := oncall.Compile(s)
		if err != nil {
			return err
		}
		rows = append(rows, nowRow{Schedule: gin.H{"id": s.ID, "name": s.Name, "timezone": s.Timezone},
			onCallView: p.onCall(h.store, s, eng.OnCallAt(now, shiftLookaround))})
		if a.user == nil {
			continue
		}
		for _, sh := range eng.Render(now, now.Add(myShiftsAhead)) {
			if sh.UserID == a.user.ID {
				my = append(my, mine{ScheduleID: s.ID, ScheduleName: s.Name, Layer: layerName(s, sh), Start: sh.Start.UTC(), End: sh.End.UTC()})
			}
		}
	}
	slices.SortFunc(my, func(a, b mine) int { return a.Start.Compare(b.Start) })
	c.JSON(http.StatusOK, gin.H{"on_call": rows, "my_shifts": my})
	return nil
}

package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// onCallScheduleHandlers serves /api/v1/on-call-schedules (SPEC §11).
type onCallScheduleHandlers struct {
	*base
}

// scheduleView is a schedule as the API shows it: SPEC §11's object plus its times.
type scheduleView struct {
	ID             string                 `json:"id"`
	Name           string                 `json:"name"`
	Timezone       string                 `json:"timezone"`
	HandoffNotices bool                   `json:"handoff_notices"`
	Layers         []store.OnCallLayer    `json:"layers"`
	Overrides      []store.OnCallOverride `json:"overrides"`
	CreatedAt      time.Time              `json:"created_at"`
	UpdatedAt      time.Time              `json:"updated_at"`
}

func newScheduleView(s *store.OnCallSchedule) scheduleView {
	v := scheduleView{ID: s.ID, Name: s.Name, Timezone: s.Timezone, HandoffNotices: s.HandoffNotices,
		Layers: s.Layers, Overrides: s.Overrides, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
	if v.Layers == nil {
		v.Layers = []store.OnCallLayer{}
	}
	if v.Overrides == nil {
		v.Overrides = []store.OnCallOverride{}
	}
	return v
}

func scheduleRes(s *store.OnCallSchedule) store.AuditResource {
	return store.AuditResource{Type: "on_call_schedule", ID: s.ID, Name: s.Name}
}

func (h *onCallScheduleHandlers) schedules() resource[store.OnCallSchedule, scheduleView] {
	return resource[store.OnCallSchedule, scheduleView]{base: h.base, event: "on_call_schedule",
		load: h.store.OnCallSchedule, page: h.store.ListOnCallSchedules, insert: h.store.CreateOnCallSchedule,
		save: h.store.UpdateOnCallSchedule, remove: h.store.DeleteOnCallSchedule,
		id: func(s *store.OnCallSchedule) string { return s.ID }, audit: scheduleRes, view: newScheduleView}
}

// list answers the organization's schedules, paginated in creation order.
func (h *onCallScheduleHandlers) list(c *gin.Context) error { return h.schedules().list(c) }

// get answers one schedule.
func (h *onCallScheduleHandlers) get(c *gin.Context) error { return h.schedules().get(c) }

// delete removes a schedule; 409 while an escalation policy pages it.
func (h *onCallScheduleHandlers) delete(c *gin.Context) error { return h.schedules().delete(c) }

// create validates the schedule (every user must be a member) and stores it.
func (h *onCallScheduleHandlers) create(c *gin.Context) error {
	var req scheduleRequest
	return h.schedules().createFrom(c, &req, func() (*store.OnCallSchedule, error) {
		s := &store.OnCallSchedule{ID: store.NewID()}
		return s, req.apply(s, true, orgMembers(h.store, actorOf(c).org.ID))
	})
}

// update changes the fields sent. Membership is checked on a scratch copy first, outside
// the write transaction (the lookups open their own).
func (h *onCallScheduleHandlers) update(c *gin.Context) error {
	var req scheduleRequest
	check := func(*store.OnCallSchedule) error {
		var scratch store.OnCallSchedule
		return req.apply(&scratch, false, orgMembers(h.store, actorOf(c).org.ID))
	}
	return h.schedules().updateChecked(c, &req, check, func(s *store.OnCallSchedule) error {
		return req.apply(s, false, func(string) (bool, error) { return true, nil })
	})
}

// addOverride puts a member on call over a window, above every layer. Overrides that
// ended long ago are dropped as the new one is added, so the list stays bounded.
func (h *onCallScheduleHandlers) addOverride(c *gin.Context) error {
	r := h.schedules()
	var req overrideRequest
	if _, err := r.bind(c, &req); err != nil {
		return err
	}
	now := h.now()
	o, err := req.build(orgMembers(h.store, actorOf(c).org.ID), now)
	if err != nil {
		return err
	}
	s, err := r.modify(c, actorOf(c).org.ID, r.key(c), "override_added", map[string]any{"override_id": o.ID, "user_id": o.UserID},
		func(s *store.OnCallSchedule) error {
			kept := s.Overrides[:0]
			for _, x := range s.Overrides {
				if now.Sub(x.EndsAt) < overrideKeepAfterEnding {
					kept = append(kept, x)
				}
			}
			if len(kept) >= maxScheduleOverrides {
				return errValidation(map[string]string{"overrides": "a schedule holds at most 200 current overrides"})
			}
			s.Overrides = append(kept, *o)
			return nil
		})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"override": o, "schedule": newScheduleView(s)})
	return nil
}

// deleteOverride removes one override (DELETE /{id}/overrides/{override_id}).
func (h *onCallScheduleHandlers) deleteOverride(c *gin.Context) error {
	r := h.schedules()
	if _, err := r.one(c); err != nil {
		return err
	}
	oid := c.Param("override_id")
	entry := h.auditEntry(c, "on_call_schedule.override_removed", store.AuditResource{}, map[string]any{"override_id": oid})
	_, err := h.store.UpdateOnCallSchedule(actorOf(c).org.ID, r.key(c), func(s *store.OnCallSchedule) error {
		for i, o := range s.Overrides {
			if o.ID == oid {
				s.Overrides = append(s.Overrides[:i], s.Overrides[i+1:]...)
				entry.Resource = scheduleRes(s)
				return nil
			}
		}
		return errNotFound("Override")
	}, audited(entry))
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// compiled loads the :id schedule of the active organization in the engine's form.
func (h *onCallScheduleHandlers) compiled(c *gin.Context) (*store.OnCallSchedule, *oncall.Schedule, error) {
	s, err := h.schedules().one(c)
	if err != nil {
		return nil, nil, err
	}
	eng, err := oncall.Compile(s)
	return s, eng, err
}

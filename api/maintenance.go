package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// maintenanceHandlers serves /api/v1/maintenance-windows (SPEC §3.13).
type maintenanceHandlers struct {
	*base
}

// maintenanceView is a window as the API shows it. ends_at is null for a recurring
// window without a series end; next_window is set for recurring windows only.
type maintenanceView struct {
	ID                string          `json:"id"`
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	ServiceIDs        []string        `json:"service_ids"`
	StartsAt          time.Time       `json:"starts_at"`
	EndsAt            *time.Time      `json:"ends_at"`
	Recurrence        *recurrenceBody `json:"recurrence"`
	Timezone          string          `json:"timezone"`
	SuppressAlerts    bool            `json:"suppress_alerts"`
	ShowOnStatusPages bool            `json:"show_on_status_pages"`
	Active            bool            `json:"active"`
	NextWindow        *windowSpanView `json:"next_window"`
	EndedAt           *time.Time      `json:"ended_at"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// recurrenceBody is the recurrence object of SPEC §3.13, the same in requests and
// responses. In a response it is the stored rule and days_of_week is never null.
type recurrenceBody struct {
	Type            string     `json:"type"`
	DaysOfWeek      []int      `json:"days_of_week"`
	DayOfMonth      int        `json:"day_of_month"`
	Expression      string     `json:"expression"`
	DurationMinutes int        `json:"duration_minutes"`
	Until           *time.Time `json:"until"`
}

// windowSpanView is one occurrence.
type windowSpanView struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// utcPtr returns t in UTC, or nil for a nil or zero time (SPEC: absent times are null).
func utcPtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func newMaintenanceView(w *store.MaintenanceWindow, now time.Time) maintenanceView {
	v := maintenanceView{ID: w.ID, Name: w.Name, Description: w.Description, ServiceIDs: w.ServiceIDs,
		StartsAt: w.StartsAt.UTC(), EndsAt: utcPtr(&w.EndsAt), Timezone: w.Timezone,
		SuppressAlerts: w.SuppressAlerts, ShowOnStatusPages: w.ShowOnStatusPages,
		Active: alerting.MaintenanceActive(w, now), EndedAt: utcPtr(w.EndedAt),
		CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if v.ServiceIDs == nil {
		v.ServiceIDs = []string{}
	}
	if r := w.Recurrence; r != nil {
		days := r.DaysOfWeek
		if days == nil {
			days = []int{}
		}
		v.Recurrence = &recurrenceBody{Type: r.Type, DaysOfWeek: days, DayOfMonth: r.DayOfMonth,
			Expression: r.Expression, DurationMinutes: r.DurationMinutes, Until: utcPtr(r.Until)}
		if next, ok := alerting.NextMaintenance(w, now); ok {
			v.NextWindow = &windowSpanView{Start: next.Start.UTC(), End: next.End.UTC()}
		}
	}
	return v
}

// windows is the resource the window routes share; views say what is active at now.
func (h *maintenanceHandlers) windows(now time.Time) resource[store.MaintenanceWindow, maintenanceView] {
	return resource[store.MaintenanceWindow, maintenanceView]{base: h.base, event: "maintenance",
		load: h.store.MaintenanceWindow, page: h.store.ListMaintenanceWindows, insert: h.store.CreateMaintenanceWindow,
		save: h.store.UpdateMaintenanceWindow, remove: h.store.DeleteMaintenanceWindow,
		id: func(w *store.MaintenanceWindow) string { return w.ID }, audit: maintenanceRes,
		view: func(w *store.MaintenanceWindow) maintenanceView { return newMaintenanceView(w, now) }}
}

// request binds the body of POST and PUT and loads the organization's services, which
// maintenanceRequest.apply checks service_ids against.
func (h *maintenanceHandlers) request(c *gin.Context) (*maintenanceRequest, func(string) bool, error) {
	var req maintenanceRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, nil, err
	}
	known, err := h.serviceSet(actorOf(c).org.ID)
	if err != nil {
		return nil, nil, err
	}
	return &req, known, nil
}

// serviceSet returns a membership test over the organization's service IDs.
func (h *maintenanceHandlers) serviceSet(orgID string) (func(string) bool, error) {
	svcs, err := h.store.Services(orgID)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(svcs))
	for i := range svcs {
		ids[svcs[i].ID] = true
	}
	return func(id string) bool { return ids[id] }, nil
}

// maintenanceRes names a window in the audit log.
func maintenanceRes(w *store.MaintenanceWindow) store.AuditResource {
	return store.AuditResource{Type: "maintenance_window", ID: w.ID, Name: w.Name}
}

// list answers the organization's windows, paginated; ?active= keeps those that are (or
// are not) active now.
func (h *maintenanceHandlers) list(c *gin.Context) error {
	now := h.now()
	return h.windows(now).listWhere(c, func() (func(*store.MaintenanceWindow) bool, error) {
		switch q, ok := c.GetQuery("active"); {
		case !ok || q == "":
			return func(*store.MaintenanceWindow) bool { return true }, nil
		case q == "true" || q == "false":
			return func(w *store.MaintenanceWindow) bool { return alerting.MaintenanceActive(w, now) == (q == "true") }, nil
		default:
			return nil, errBadRequest("active must be true or false")
		}
	})
}

func (h *maintenanceHandlers) create(c *gin.Context) error {
	req, known, err := h.request(c)
	if err != nil {
		return err
	}
	org := actorOf(c).org
	w := &store.MaintenanceWindow{ID: store.NewID()}
	if err := req.apply(w, true, org.Settings.Timezone, known); err != nil {
		return err
	}
	return h.windows(h.now()).create(c, w, nil)
}

func (h *maintenanceHandlers) get(c *gin.Context) error { return h.windows(h.now()).get(c) }

func (h *maintenanceHandlers) update(c *gin.Context) error {
	r := h.windows(h.now())
	if _, err := r.one(c); err != nil {
		return err // 404 before the body is judged, like every other route of another org
	}
	req, known, err := h.request(c)
	if err != nil {
		return err
	}
	tz := actorOf(c).org.Settings.Timezone
	return r.update(c, "updated", nil, func(w *store.MaintenanceWindow) error {
		return req.apply(w, false, tz, known)
	})
}

func (h *maintenanceHandlers) delete(c *gin.Context) error { return h.windows(h.now()).delete(c) }

// end ends the window's current occurrence now (SPEC "end early"); 409 when it is not
// active. The check runs inside the update, so two concurrent ends cannot both succeed.
func (h *maintenanceHandlers) end(c *gin.Context) error {
	now := h.now()
	return h.windows(now).update(c, "ended", map[string]any{"ended_at": now.UTC()}, func(w *store.MaintenanceWindow) error {
		if !alerting.MaintenanceActive(w, now) {
			return errConflict("The maintenance window is not active.")
		}
		w.EndedAt = &now
		return nil
	})
}

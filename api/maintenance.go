package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

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
		Active: MaintenanceActive(w, now), EndedAt: utcPtr(w.EndedAt),
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
		if next, ok := nextWindow(w, now); ok {
			v.NextWindow = &windowSpanView{Start: next.Start.UTC(), End: next.End.UTC()}
		}
	}
	return v
}

// window loads the :id window of the active organization; any other is 404.
func (h *maintenanceHandlers) window(c *gin.Context) (*store.MaintenanceWindow, error) {
	return h.store.MaintenanceWindow(actorOf(c).org.ID, c.Param("id"))
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

func (h *maintenanceHandlers) list(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	var only *bool
	switch q, ok := c.GetQuery("active"); {
	case !ok || q == "":
	case q == "true" || q == "false":
		b := q == "true"
		only = &b
	default:
		return errBadRequest("active must be true or false")
	}
	windows, err := h.store.MaintenanceWindows(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	now := h.now()
	views := make([]maintenanceView, 0, len(windows))
	for i := range windows {
		if v := newMaintenanceView(&windows[i], now); only == nil || v.Active == *only {
			views = append(views, v)
		}
	}
	c.JSON(http.StatusOK, paginate(c, views, func(v maintenanceView) string { return v.ID }, p))
	return nil
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
	entry := h.auditEntry(c, "maintenance.created", maintenanceRes(w), nil)
	if err := h.store.CreateMaintenanceWindow(org.ID, w, audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newMaintenanceView(w, h.now()))
	return nil
}

func (h *maintenanceHandlers) get(c *gin.Context) error {
	w, err := h.window(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newMaintenanceView(w, h.now()))
	return nil
}

func (h *maintenanceHandlers) update(c *gin.Context) error {
	if _, err := h.window(c); err != nil {
		return err // 404 before the body is judged, like every other route of another org
	}
	req, known, err := h.request(c)
	if err != nil {
		return err
	}
	org := actorOf(c).org
	entry := h.auditEntry(c, "maintenance.updated", store.AuditResource{}, nil)
	w, err := h.store.UpdateMaintenanceWindow(org.ID, c.Param("id"), naming(entry, maintenanceRes, func(w *store.MaintenanceWindow) error {
		return req.apply(w, false, org.Settings.Timezone, known)
	}), audited(entry))
	if err != nil {
		return err // deleted since the check above
	}
	c.JSON(http.StatusOK, newMaintenanceView(w, h.now()))
	return nil
}

func (h *maintenanceHandlers) delete(c *gin.Context) error {
	w, err := h.window(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "maintenance.deleted", maintenanceRes(w), nil)
	if err := h.store.DeleteMaintenanceWindow(w.OrgID, w.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// end ends the window's current occurrence now (SPEC "end early"); 409 when it is not
// active. The check runs inside the update, so two concurrent ends cannot both succeed.
func (h *maintenanceHandlers) end(c *gin.Context) error {
	now := h.now()
	entry := h.auditEntry(c, "maintenance.ended", store.AuditResource{}, map[string]any{"ended_at": now.UTC()})
	w, err := h.store.UpdateMaintenanceWindow(actorOf(c).org.ID, c.Param("id"), naming(entry, maintenanceRes, func(w *store.MaintenanceWindow) error {
		if !MaintenanceActive(w, now) {
			return errConflict("The maintenance window is not active.")
		}
		w.EndedAt = &now
		return nil
	}), audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newMaintenanceView(w, now))
	return nil
}

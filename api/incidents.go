package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// maxIncidentMessage bounds an update's text and a postmortem.
const maxIncidentMessage = 20000

// incidentHandlers serves /api/v1/status-pages/:id/incidents (SPEC §3.16).
type incidentHandlers struct {
	*base
	cache *statusCache
}

// incidentView is an incident as the API shows it; resolved_at is null while open.
type incidentView struct {
	ID                   string               `json:"id"`
	StatusPageID         string               `json:"status_page_id"`
	Title                string               `json:"title"`
	Status               string               `json:"status"`
	Severity             string               `json:"severity"`
	AffectedComponentIDs []string             `json:"affected_component_ids"`
	Updates              []incidentUpdateView `json:"updates"`
	Postmortem           string               `json:"postmortem"`
	AlertID              *string              `json:"alert_id"`
	CreatedAt            time.Time            `json:"created_at"`
	UpdatedAt            time.Time            `json:"updated_at"`
	ResolvedAt           *time.Time           `json:"resolved_at"`
}

// incidentUpdateView is one timeline entry.
type incidentUpdateView struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

func newIncidentView(i *store.Incident) incidentView {
	v := incidentView{ID: i.ID, StatusPageID: i.PageID, Title: i.Title, Status: i.Status, Severity: i.Severity,
		AffectedComponentIDs: i.AffectedComponentIDs, Updates: make([]incidentUpdateView, 0, len(i.Updates)),
		Postmortem: i.Postmortem, AlertID: nullable(i.AlertID), CreatedAt: i.CreatedAt.UTC(), UpdatedAt: i.UpdatedAt.UTC(),
		ResolvedAt: utcPtr(i.ResolvedAt)}
	if v.AffectedComponentIDs == nil {
		v.AffectedComponentIDs = []string{}
	}
	for _, u := range i.Updates {
		v.Updates = append(v.Updates, incidentUpdateView{ID: u.ID, Status: u.Status, Message: u.Message,
			CreatedAt: u.CreatedAt.UTC(), CreatedBy: u.CreatedBy})
	}
	return v
}

// pageIncident loads the :id page and its :iid incident (404 naming whichever is missing);
// every single-incident handler starts with it.
func (h *incidentHandlers) pageIncident(c *gin.Context) (*store.StatusPage, *store.Incident, error) {
	p, err := h.statusPage(c)
	if err != nil {
		return nil, nil, err
	}
	inc, err := h.store.Incident(p.OrgID, p.ID, c.Param("iid"))
	if err != nil {
		return nil, nil, err
	}
	return p, inc, nil
}

// incidentRes names an incident in the audit log.
func incidentRes(i *store.Incident) store.AuditResource {
	return store.AuditResource{Type: "incident", ID: i.ID, Name: i.Title}
}

func (h *incidentHandlers) list(c *gin.Context) error {
	pp, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	list, err := h.store.Incidents(p.OrgID, p.ID)
	if err != nil {
		return err
	}
	views := make([]incidentView, 0, len(list))
	for i := range list {
		views = append(views, newIncidentView(&list[i]))
	}
	c.JSON(http.StatusOK, paginate(c, views, func(v incidentView) string { return v.ID }, pp))
	return nil
}

func (h *incidentHandlers) create(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	var req incidentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	inc := &store.Incident{ID: store.NewID()}
	req.apply(f, inc, p, true)
	status := store.IncidentInvestigating
	if req.Status != nil {
		status = incidentStatus(f, *req.Status)
	}
	msg := f.text("message", deref(req.Message), true, maxIncidentMessage)
	if req.Postmortem != nil {
		f.add("postmortem", "is set with PUT once the incident exists")
	}
	if err := f.err(); err != nil {
		return err
	}
	first := store.IncidentUpdate{Status: status, Message: msg, CreatedBy: actorOf(c).id()}
	entry := h.auditEntry(c, "incident.created", incidentRes(inc), map[string]any{"status_page_id": p.ID, "status": status})
	if err := h.store.CreateIncident(p.OrgID, p.ID, inc, first, audited(entry)); err != nil {
		return err
	}
	h.cache.invalidate()
	c.JSON(http.StatusCreated, newIncidentView(inc))
	return nil
}

func (h *incidentHandlers) get(c *gin.Context) error {
	_, inc, err := h.pageIncident(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newIncidentView(inc))
	return nil
}

// addUpdate posts a timeline entry; the incident takes its status (resolved sets
// resolved_at). Responders may do this (SPEC §2.1 "post incident updates").
func (h *incidentHandlers) addUpdate(c *gin.Context) error {
	p, cur, err := h.pageIncident(c)
	if err != nil {
		return err
	}
	var req incidentUpdateRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	u := store.IncidentUpdate{Status: incidentStatus(f, req.Status), Message: f.text("message", req.Message, true, maxIncidentMessage),
		CreatedBy: actorOf(c).id()}
	if err := f.err(); err != nil {
		return err
	}
	event := "incident.updated"
	if u.Status == store.IncidentResolved {
		event = "incident.resolved"
	}
	// An update does not change the title, so the incident as loaded names it.
	entry := h.auditEntry(c, event, incidentRes(cur), map[string]any{"status_page_id": p.ID, "status": u.Status})
	inc, err := h.store.AddIncidentUpdate(p.OrgID, p.ID, cur.ID, u, audited(entry))
	if err != nil {
		return err
	}
	h.cache.invalidate()
	c.JSON(http.StatusCreated, newIncidentView(inc))
	return nil
}

func (h *incidentHandlers) update(c *gin.Context) error {
	p, _, err := h.pageIncident(c)
	if err != nil {
		return err
	}
	var req incidentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if req.Status != nil || req.Message != nil {
		f.add("status", "changes by posting an update (POST …/updates), which also carries the message")
	}
	entry := h.auditEntry(c, "incident.updated", store.AuditResource{}, map[string]any{"status_page_id": p.ID})
	inc, err := h.store.UpdateIncident(p.OrgID, p.ID, c.Param("iid"), naming(entry, incidentRes, func(inc *store.Incident) error {
		req.apply(f, inc, p, false)
		return f.err()
	}), audited(entry))
	if err != nil {
		return err
	}
	h.cache.invalidate()
	c.JSON(http.StatusOK, newIncidentView(inc))
	return nil
}

func (h *incidentHandlers) delete(c *gin.Context) error {
	p, inc, err := h.pageIncident(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "incident.deleted", incidentRes(inc), map[string]any{"status_page_id": p.ID})
	if err := h.store.DeleteIncident(p.OrgID, p.ID, inc.ID, audited(entry)); err != nil {
		return err
	}
	h.cache.invalidate()
	c.Status(http.StatusNoContent)
	return nil
}

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

// incidents is the resource of page p's incidents (the :iid routes); every write drops the
// public view cache, so visitors see it at once.
func (h *incidentHandlers) incidents(p *store.StatusPage) resource[store.Incident, incidentView] {
	return resource[store.Incident, incidentView]{base: h.base, event: "incident", param: "iid",
		load: func(orgID, id string) (*store.Incident, error) { return h.store.Incident(orgID, p.ID, id) },
		save: func(orgID, id string, fn func(*store.Incident) error, change *store.Change) (*store.Incident, error) {
			return h.store.UpdateIncident(orgID, p.ID, id, fn, change)
		},
		remove: func(orgID, id string, change *store.Change) error {
			return h.store.DeleteIncident(orgID, p.ID, id, change)
		},
		id: func(i *store.Incident) string { return i.ID }, audit: incidentRes,
		meta: func(*store.Incident) map[string]any { return map[string]any{"status_page_id": p.ID} },
		view: newIncidentView, written: h.cache.invalidate}
}

// pageIncidents loads the status page of the route (404 when the organization has none)
// and answers it with the resource of its incidents, as the :iid routes begin.
func (h *incidentHandlers) pageIncidents(c *gin.Context) (*store.StatusPage, resource[store.Incident, incidentView], error) {
	p, err := h.statusPage(c)
	if err != nil {
		return nil, resource[store.Incident, incidentView]{}, err
	}
	return p, h.incidents(p), nil
}

// incidentRes names an incident in the audit log.
func incidentRes(i *store.Incident) store.AuditResource {
	return store.AuditResource{Type: "incident", ID: i.ID, Name: i.Title}
}

// list answers the page's incidents, paginated; the page is looked up after the paging
// parameters are checked.
func (h *incidentHandlers) list(c *gin.Context) error {
	r := h.incidents(nil)
	r.page = func(_ string, q store.ListQuery, _ func(*store.Incident) bool) ([]store.Incident, string, error) {
		p, err := h.statusPage(c)
		if err != nil {
			return nil, "", err
		}
		return h.store.ListIncidents(p.OrgID, p.ID, q)
	}
	return r.list(c)
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
	r := h.incidents(p)
	r.insert = func(orgID string, inc *store.Incident, change *store.Change) error {
		return h.store.CreateIncident(orgID, p.ID, inc, first, change)
	}
	return r.create(c, inc, map[string]any{"status": status})
}

func (h *incidentHandlers) get(c *gin.Context) error {
	_, r, err := h.pageIncidents(c)
	if err != nil {
		return err
	}
	return r.get(c)
}

// addUpdate posts a timeline entry; the incident takes its status (resolved sets
// resolved_at). Responders may do this (SPEC §2.1 "post incident updates").
func (h *incidentHandlers) addUpdate(c *gin.Context) error {
	p, r, err := h.pageIncidents(c)
	if err != nil {
		return err
	}
	var req incidentUpdateRequest
	cur, err := r.bind(c, &req)
	if err != nil {
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
	return r.answer(c, http.StatusCreated, inc)
}

func (h *incidentHandlers) update(c *gin.Context) error {
	p, r, err := h.pageIncidents(c)
	if err != nil {
		return err
	}
	var req incidentRequest
	if _, err := r.bind(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if req.Status != nil || req.Message != nil {
		f.add("status", "changes by posting an update (POST …/updates), which also carries the message")
	}
	return r.update(c, "updated", nil, func(inc *store.Incident) error {
		req.apply(f, inc, p, false)
		return f.err()
	})
}

func (h *incidentHandlers) delete(c *gin.Context) error {
	_, r, err := h.pageIncidents(c)
	if err != nil {
		return err
	}
	return r.delete(c)
}

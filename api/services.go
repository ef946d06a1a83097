package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// serviceHandlers serves /api/v1/services (SPEC §3.6): monitored endpoints of the active
// organization. Credentials are sealed before they reach the store and never answered.
type serviceHandlers struct {
	*base
}

// list answers the organization's services, filtered by ?status=, ?tag=, ?environment=,
// ?check_type= (aliases allowed) and ?q= (substring of name, endpoint or description), one
// page at a time.
func (h *serviceHandlers) list(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	match, err := parseServiceFilter(c)
	if err != nil {
		return err
	}
	all, err := h.store.Services(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	matched := make([]*store.Service, 0, len(all))
	for i := range all {
		if match(&all[i]) {
			matched = append(matched, &all[i])
		}
	}
	matched = paginate(c, matched, func(s *store.Service) string { return s.ID }, p)
	out := make([]serviceView, 0, len(matched))
	for _, s := range matched {
		out = append(out, newServiceView(s))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// get answers one service.
func (h *serviceHandlers) get(c *gin.Context) error {
	s, err := h.store.Service(actorOf(c).org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newServiceView(s))
	return nil
}

// create adds a service (201). A body organization_id has already selected the
// organization (authenticate), so validation, sealing, the plan cap and the
// permission check all apply to that organization.
func (h *serviceHandlers) create(c *gin.Context) error {
	var req serviceRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	// The ID is chosen here, before sealing, because every seal is bound to it.
	s := &store.Service{ID: store.NewID()}
	if err := h.applyRequest(orgID, &req, s, applyCreate); err != nil {
		return err
	}
	entry := h.auditEntry(c, "service.created", serviceResource(s), serviceMeta(s))
	if err := h.store.CreateService(orgID, s, audited(entry)); err != nil {
		return serviceNameTaken(err)
	}
	h.scheduleChanged()
	c.JSON(http.StatusCreated, newServiceView(s))
	return nil
}

// replace is PUT: a full update validated like a create (auth and paused are kept unless
// given).
func (h *serviceHandlers) replace(c *gin.Context) error {
	return h.update(c, applyReplace)
}

// patch is PATCH: only the given fields change; a new check type re-validates the endpoint
// and the options.
func (h *serviceHandlers) patch(c *gin.Context) error {
	return h.update(c, applyPatch)
}

// update applies a PUT or PATCH inside the store's update transaction, so it validates
// against the current record and never loses a concurrent change.
func (h *serviceHandlers) update(c *gin.Context, mode applyMode) error {
	var req serviceRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	// The entry is completed inside the transaction, naming the service as it is stored.
	entry := h.auditEntry(c, "service.updated", store.AuditResource{}, nil)
	s, err := h.store.UpdateService(orgID, c.Param("id"), func(s *store.Service) error {
		if err := h.applyRequest(orgID, &req, s, mode); err != nil {
			return err
		}
		entry.Resource, entry.Metadata = serviceResource(s), serviceMeta(s)
		return nil
	}, audited(entry))
	if err != nil {
		return serviceNameTaken(err)
	}
	h.scheduleChanged()
	c.JSON(http.StatusOK, newServiceView(s))
	return nil
}

// delete removes a service (204).
func (h *serviceHandlers) delete(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	s, err := h.store.Service(orgID, c.Param("id"))
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "service.deleted", serviceResource(s), serviceMeta(s))
	if err := h.store.DeleteService(orgID, s.ID, audited(entry)); err != nil {
		return err
	}
	h.scheduleChanged()
	if h.purger != nil {
		h.purger.Enqueue(orgID, s.ID) // history goes in the background
	}
	c.Status(http.StatusNoContent)
	return nil
}

// pause stops checking a service; its status becomes PAUSED.
func (h *serviceHandlers) pause(c *gin.Context) error {
	return h.setPaused(c, true, "service.paused")
}

// resume checks a paused service again; it is PENDING until the next check.
func (h *serviceHandlers) resume(c *gin.Context) error {
	return h.setPaused(c, false, "service.resumed")
}

// errUnchanged aborts an update transaction that would change nothing.
var errUnchanged = errors.New("unchanged")

// setPaused pauses or resumes; repeating it is a harmless no-op (200, no write, no audit).
func (h *serviceHandlers) setPaused(c *gin.Context, paused bool, event string) error {
	orgID, id := actorOf(c).org.ID, c.Param("id")
	entry := h.auditEntry(c, event, store.AuditResource{}, nil)
	s, err := h.store.UpdateService(orgID, id, func(s *store.Service) error {
		if s.Paused == paused {
			return errUnchanged
		}
		setPaused(s, paused)
		entry.Resource, entry.Metadata = serviceResource(s), serviceMeta(s)
		return nil
	}, audited(entry))
	if errors.Is(err, errUnchanged) {
		s, err = h.store.Service(orgID, id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, newServiceView(s))
		return nil
	}
	if err != nil {
		return err
	}
	h.scheduleChanged()
	c.JSON(http.StatusOK, newServiceView(s))
	return nil
}

// serviceNameTaken marks the name field on the store's name conflict, so the form can
// point at it (the store's sentence already names the service); other errors pass unchanged.
func serviceNameTaken(err error) error {
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	e, _ := toAPIError(err)
	e.Fields = map[string]string{"name": "is already used by another service"}
	return e
}

// serviceResource and serviceMeta are what the audit log records: the name and check type,
// never the endpoint's credentials.
func serviceResource(s *store.Service) store.AuditResource {
	return store.AuditResource{Type: "service", ID: s.ID, Name: s.Name}
}

func serviceMeta(s *store.Service) map[string]any {
	return map[string]any{"name": s.Name, "check_type": s.CheckType}
}

// scheduleChanged tells the scheduler to reload now rather than at its next
// poll, so a change shows in the schedule within moments.
func (b *base) scheduleChanged() {
	if b.engine != nil {
		b.engine.Scheduler.Notify()
	}
}

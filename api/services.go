package api

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// serviceHandlers serves /api/v1/services (SPEC §3.6): monitored endpoints of the active
// organization. Credentials are sealed before they reach the store and never answered.
type serviceHandlers struct {
	*base
}

// services is the resource the service routes share. Every write wakes the scheduler;
// a name conflict marks the name field.
func (h *serviceHandlers) services() resource[store.Service, serviceView] {
	return resource[store.Service, serviceView]{base: h.base, event: "service",
		load: h.store.Service, page: h.store.ListServices,
		insert: func(orgID string, s *store.Service, change *store.Change) error {
			return nameTaken(h.store.CreateService(orgID, s, change), "service")
		},
		save: func(orgID, id string, fn func(*store.Service) error, change *store.Change) (*store.Service, error) {
			s, err := h.store.UpdateService(orgID, id, fn, change)
			return s, nameTaken(err, "service")
		},
		remove: h.store.DeleteService,
		id:     func(s *store.Service) string { return s.ID }, audit: serviceResource, meta: serviceMeta,
		view: h.serviceView, written: h.scheduleChanged}
}

// serviceView renders a service with this server's built-in location.
func (h *serviceHandlers) serviceView(s *store.Service) serviceView {
	return newServiceView(s, h.cfg.BuiltinLocation())
}

// list answers the organization's services, filtered by ?status=, ?tag=, ?environment=,
// ?check_type= (aliases allowed) and ?q= (substring of name, endpoint or description), one
// page at a time.
func (h *serviceHandlers) list(c *gin.Context) error {
	return h.services().listWhere(c, func() (func(*store.Service) bool, error) { return parseServiceFilter(c) })
}

// get answers one service.
func (h *serviceHandlers) get(c *gin.Context) error { return h.services().get(c) }

// create adds a service (201). A body organization_id has already selected the
// organization (authenticate), so validation, sealing, the plan cap and the
// permission check all apply to that organization.
func (h *serviceHandlers) create(c *gin.Context) error {
	var req serviceRequest
	return h.services().createFrom(c, &req, func() (*store.Service, error) {
		lc, err := h.locationChoice(actorOf(c).org)
		if err != nil {
			return nil, err
		}
		problems, err := h.serviceSecretProblems(actorOf(c).org.ID, &req)
		if err != nil {
			return nil, err
		}
		// The ID is chosen here, before sealing, because every seal is bound to it.
		s := &store.Service{ID: store.NewID()}
		return s, withSecretProblems(problems, h.applyRequest(actorOf(c).org.ID, &req, s, applyCreate, lc))
	})
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
	lc, err := h.locationChoice(actorOf(c).org)
	if err != nil {
		return err
	}
	problems, err := h.serviceSecretProblems(orgID, &req)
	if err != nil {
		return err
	}
	return h.services().update(c, "updated", nil, func(s *store.Service) error {
		return withSecretProblems(problems, h.applyRequest(orgID, &req, s, mode, lc))
	})
}

// delete removes a service (204); its history goes in the background.
func (h *serviceHandlers) delete(c *gin.Context) error {
	r := h.services()
	r.written = func() {
		h.scheduleChanged()
		if h.purger != nil {
			h.purger.Enqueue(actorOf(c).org.ID, c.Param("id"))
		}
	}
	return r.delete(c)
}

// pause stops checking a service; its status becomes PAUSED.
func (h *serviceHandlers) pause(c *gin.Context) error {
	return h.setPaused(c, true, "paused")
}

// resume checks a paused service again; it is PENDING until the next check.
func (h *serviceHandlers) resume(c *gin.Context) error {
	return h.setPaused(c, false, "resumed")
}

// errUnchanged aborts an update transaction that would change nothing.
var errUnchanged = errors.New("unchanged")

// setPaused pauses or resumes; repeating it is a harmless no-op (200, no write, no audit).
func (h *serviceHandlers) setPaused(c *gin.Context, paused bool, action string) error {
	return h.services().update(c, action, nil, func(s *store.Service) error {
		if s.Paused == paused {
			return errUnchanged
		}
		setPaused(s, paused)
		return nil
	})
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
// poll, and the agent hub to re-assign, so a change shows in the schedule and reaches the
// agents within moments (SPEC §8: an assignment change reaches its agent in ≤ 5 s).
func (b *base) scheduleChanged() {
	if b.engine != nil {
		b.engine.Scheduler.Notify()
	}
	if b.agents != nil {
		b.agents.Notify()
	}
}

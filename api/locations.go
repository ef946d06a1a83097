package api

import (
	"crypto/sha1"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// AgentHub is the agent channel's server side as the API uses it (*agent.Hub).
type AgentHub interface {
	Serve(w http.ResponseWriter, r *http.Request, p agent.Peer)
	Agents(locationID string) (status string, agents []agent.AgentInfo)
	Revoke(tokenID string)
	RevokeLocation(locationID string)
	Notify()
}

// locationHandlers serves the probe locations (SPEC §8): /api/v1/locations for an
// organization — what it may use (the built-in location, the instance's, its own), and
// its own to manage (admin and owner) — and /api/v1/admin/locations, the instance admin's
// twin for instance locations. Agent tokens are in location_tokens.go.
type locationHandlers struct {
	*base
	alerter *alerting.Alerter // says which locations are degraded; nil in tests that need none
}

// locationView is a location as every answer shows it.
type locationView struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	DisplayName string            `json:"display_name"`
	Scope       string            `json:"scope"` // "instance" or "organization"
	Builtin     bool              `json:"builtin"`
	Status      string            `json:"status"` // "online", "offline" or "degraded"
	Agents      []agent.AgentInfo `json:"agents"`
	CreatedAt   *time.Time        `json:"created_at"`
}

func (h *locationHandlers) view(l *store.Location) locationView {
	status, agents := "offline", []agent.AgentInfo{}
	if h.agents != nil {
		status, agents = h.agents.Agents(l.ID)
	}
	if status == "online" && h.alerter != nil && h.alerter.LocationDegraded(l.OrgID, l.Name) {
		status = "degraded" // most of its checks failing at once (SPEC §8)
	}
	created := l.CreatedAt.UTC()
	return locationView{ID: l.ID, Name: l.Name, DisplayName: l.DisplayName, Scope: l.Scope(), Status: status,
		Agents: agents, CreatedAt: &created}
}

// builtinView is the appliance's own location (LOCATION_NAME): always online while the
// server answers; it has no tokens. A cluster's nodes are its agents (SPEC §9), as the
// leader's hub sees them; a single node has none.
func (h *locationHandlers) builtinView() locationView {
	name := h.cfg.BuiltinLocation()
	agents := []agent.AgentInfo{}
	if h.agents != nil && h.cluster != nil {
		_, agents = h.agents.Agents(builtinLocationID(name))
	}
	return locationView{ID: builtinLocationID(name), Name: name, DisplayName: name, Scope: "instance", Builtin: true,
		Status: "online", Agents: agents}
}

// builtinLocationID is the built-in location's ID: derived from its name, so it is stable
// across restarts without being stored.
func builtinLocationID(name string) string {
	return uuid.NewHash(sha1.New(), uuid.NameSpaceOID, []byte("alertifypro-location/"+name), 5).String()
}

// list answers the locations the organization may use: the built-in one, the instance's
// and its own, in that order.
func (h *locationHandlers) list(c *gin.Context) error {
	inst, err := h.store.InstanceLocations()
	if err != nil {
		return err
	}
	own, err := h.store.Locations(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	out := []locationView{h.builtinView()}
	for _, l := range append(inst, own...) {
		out = append(out, h.view(&l))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// get answers one location the organization may use.
func (h *locationHandlers) get(c *gin.Context) error {
	id := c.Param("id")
	if id == builtinLocationID(h.cfg.BuiltinLocation()) {
		c.JSON(http.StatusOK, h.builtinView())
		return nil
	}
	l, err := h.store.Location(actorOf(c).org.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		l, err = h.store.InstanceLocation(id)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(l))
	return nil
}

// locationRequest is the body of a create (name required) and of a PATCH (display_name
// only: services name locations, so a name never changes).
type locationRequest struct {
	Name        *string `json:"name"`
	DisplayName *string `json:"display_name"`
}

// create adds an organization location (201).
func (h *locationHandlers) create(c *gin.Context) error {
	return h.createIn(c, h.orgScope(c))
}

// update changes an organization location's display name.
func (h *locationHandlers) update(c *gin.Context) error {
	return h.inOwnLocation(c, h.updateIn)
}

// delete removes an organization location with its tokens; its agents are disconnected.
func (h *locationHandlers) delete(c *gin.Context) error {
	return h.inOwnLocation(c, h.deleteIn)
}

// inOwnLocation serves c with serve in the organization scope once :id is known to be
// one of the organization's own locations (ownLocation's answer otherwise).
func (h *locationHandlers) inOwnLocation(c *gin.Context, serve func(*gin.Context, locationScope) error) error {
	sc, err := h.ownLocation(c)
	if err != nil {
		return err
	}
	return serve(c, sc)
}

// ownLocation is the organization scope when :id is one of the organization's own
// locations; the built-in and instance locations, which it may use but not manage, are
// 403, any other ID 404.
func (h *locationHandlers) ownLocation(c *gin.Context) (locationScope, error) {
	sc := h.orgScope(c)
	id := c.Param("id")
	_, err := sc.load(id)
	switch {
	case err == nil:
		return sc, nil
	case !errors.Is(err, store.ErrNotFound):
		return sc, err
	case id == builtinLocationID(h.cfg.BuiltinLocation()):
		return sc, errForbidden("The built-in location is the server itself; it has no settings or tokens here.")
	}
	if _, ierr := h.store.InstanceLocation(id); ierr == nil {
		return sc, errForbidden("Instance locations are managed by the instance admin.")
	}
	return sc, err
}

// createIn validates the body and creates a location in sc.
func (h *locationHandlers) createIn(c *gin.Context, sc locationScope) error {
	var req locationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	name := ""
	switch {
	case req.Name == nil || *req.Name == "":
		f.add("name", "is required")
	case !config.ValidLocationName(*req.Name):
		f.add("name", "must be 2 to 60 characters of a-z, 0-9 and inner dashes, such as eu-west or home-lab")
	case *req.Name == h.cfg.BuiltinLocation():
		f.add("name", "is the built-in location's name")
	default:
		name = *req.Name
	}
	display := name
	if req.DisplayName != nil {
		if d := f.name("display_name", *req.DisplayName, false, maxNameLen); d != "" {
			display = d
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	l := &store.Location{ID: store.NewID(), Name: name, DisplayName: display, CreatedBy: actorOf(c).id()}
	entry := h.auditEntry(c, "location.created", locationResource(l), map[string]any{"scope": sc.scope()})
	if err := sc.create(l, sc.change(entry)); err != nil {
		return nameTaken(err, "location")
	}
	c.JSON(http.StatusCreated, h.view(l))
	return nil
}

// updateIn changes the display name of :id in sc.
func (h *locationHandlers) updateIn(c *gin.Context, sc locationScope) error {
	if _, err := sc.load(c.Param("id")); err != nil {
		return err
	}
	var req locationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if req.Name != nil {
		f.add("name", "cannot be changed: services name their locations")
	}
	display := ""
	if req.DisplayName != nil {
		display = f.name("display_name", *req.DisplayName, true, maxNameLen)
	}
	if err := f.err(); err != nil {
		return err
	}
	entry := h.auditEntry(c, "location.updated", store.AuditResource{}, nil)
	l, err := sc.update(c.Param("id"), func(l *store.Location) error {
		if display != "" {
			l.DisplayName = display
		}
		entry.Resource, entry.Metadata = locationResource(l), map[string]any{"display_name": l.DisplayName}
		return nil
	}, sc.change(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(l))
	return nil
}

// deleteIn removes :id of sc with its tokens and disconnects its agents.
func (h *locationHandlers) deleteIn(c *gin.Context, sc locationScope) error {
	l, err := sc.load(c.Param("id"))
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "location.deleted", locationResource(l), map[string]any{"scope": sc.scope()})
	if err := sc.remove(l.ID, sc.change(entry)); err != nil {
		return err
	}
	if h.agents != nil {
		h.agents.RevokeLocation(l.ID)
	}
	c.Status(http.StatusNoContent)
	return nil
}

// locationResource names a location in the audit log.
func locationResource(l *store.Location) store.AuditResource {
	return store.AuditResource{Type: "location", ID: l.ID, Name: l.Name}
}

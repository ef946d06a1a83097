package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// locationScope is one scope's store methods — an organization's locations, or the
// instance's — so the organization routes and the instance admin's twin share their
// handlers.
type locationScope struct {
	orgID string // "" for the instance
	// logOrg is the organization whose audit log records the writes: the organization
	// itself, or for instance locations the admin's active organization ("" records none).
	logOrg      string
	load        func(id string) (*store.Location, error)
	create      func(l *store.Location, ch *store.Change) error
	update      func(id string, fn func(*store.Location) error, ch *store.Change) (*store.Location, error)
	remove      func(id string, ch *store.Change) error
	tokens      func(locationID string) ([]store.AgentToken, error)
	addToken    func(locationID string, t *store.AgentToken, ch *store.Change) error
	revokeToken func(locationID, tokenID string, ch *store.Change) (*store.AgentToken, error)
}

// scope is "organization" or "instance", as audit entries say.
func (sc locationScope) scope() string {
	if sc.orgID == "" {
		return "instance"
	}
	return "organization"
}

// change is the store.Change that records entry in the scope's audit log, if it has one.
func (sc locationScope) change(entry *store.AuditEntry) *store.Change {
	if sc.logOrg == "" {
		return nil
	}
	return audited(entry)
}

// orgScope is the active organization's locations.
func (h *locationHandlers) orgScope(c *gin.Context) locationScope {
	org := actorOf(c).org.ID
	return locationScope{orgID: org, logOrg: org,
		load:   func(id string) (*store.Location, error) { return h.store.Location(org, id) },
		create: func(l *store.Location, ch *store.Change) error { return h.store.CreateLocation(org, l, ch) },
		update: func(id string, fn func(*store.Location) error, ch *store.Change) (*store.Location, error) {
			return h.store.UpdateLocation(org, id, fn, ch)
		},
		remove: func(id string, ch *store.Change) error { return h.store.DeleteLocation(org, id, ch) },
		tokens: func(loc string) ([]store.AgentToken, error) { return h.store.AgentTokens(org, loc) },
		addToken: func(loc string, t *store.AgentToken, ch *store.Change) error {
			return h.store.CreateAgentToken(org, loc, t, ch)
		},
		revokeToken: func(loc, id string, ch *store.Change) (*store.AgentToken, error) {
			return h.store.DeleteAgentToken(org, loc, id, ch)
		},
	}
}

// instanceScope is the instance's locations; writes are audited in the admin's active
// organization.
func (h *locationHandlers) instanceScope(c *gin.Context) locationScope {
	logOrg := ""
	if org := actorOf(c).org; org != nil {
		logOrg = org.ID
	}
	return locationScope{logOrg: logOrg,
		load: h.store.InstanceLocation,
		create: func(l *store.Location, ch *store.Change) error {
			return h.store.CreateInstanceLocation(l, logOrg, ch)
		},
		update: func(id string, fn func(*store.Location) error, ch *store.Change) (*store.Location, error) {
			return h.store.UpdateInstanceLocation(id, fn, logOrg, ch)
		},
		remove: func(id string, ch *store.Change) error { return h.store.DeleteInstanceLocation(id, logOrg, ch) },
		tokens: h.store.InstanceAgentTokens,
		addToken: func(loc string, t *store.AgentToken, ch *store.Change) error {
			return h.store.CreateInstanceAgentToken(loc, t, logOrg, ch)
		},
		revokeToken: func(loc, id string, ch *store.Change) (*store.AgentToken, error) {
			return h.store.DeleteInstanceAgentToken(loc, id, logOrg, ch)
		},
	}
}

// The instance admin's twin (/api/v1/admin/locations): instance locations and their
// tokens. The router hides these routes from everyone else.

// adminList answers the built-in location and the instance's.
func (h *locationHandlers) adminList(c *gin.Context) error {
	inst, err := h.store.InstanceLocations()
	if err != nil {
		return err
	}
	out := []locationView{h.builtinView()}
	for i := range inst {
		out = append(out, h.view(&inst[i]))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminGet answers one instance location.
func (h *locationHandlers) adminGet(c *gin.Context) error {
	l, err := h.store.InstanceLocation(c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(l))
	return nil
}

func (h *locationHandlers) adminCreate(c *gin.Context) error {
	return h.createIn(c, h.instanceScope(c))
}
func (h *locationHandlers) adminUpdate(c *gin.Context) error {
	return h.updateIn(c, h.instanceScope(c))
}
func (h *locationHandlers) adminDelete(c *gin.Context) error {
	return h.deleteIn(c, h.instanceScope(c))
}

func (h *locationHandlers) adminListTokens(c *gin.Context) error {
	return h.listTokensIn(c, h.instanceScope(c))
}

func (h *locationHandlers) adminCreateToken(c *gin.Context) error {
	return h.createTokenIn(c, h.instanceScope(c))
}

func (h *locationHandlers) adminRevokeToken(c *gin.Context) error {
	return h.revokeTokenIn(c, h.instanceScope(c))
}

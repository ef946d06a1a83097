package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// teamHandlers serves /api/v1/teams (SPEC §3.5).
type teamHandlers struct {
	*base
}

// teamView is a team as the API shows it.
type teamView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	MemberCount int       `json:"member_count"`
	CreatedAt   time.Time `json:"created_at"`
}

func newTeamView(t *store.Team, count int) teamView {
	return teamView{ID: t.ID, Name: t.Name, Description: t.Description, MemberCount: count,
		CreatedAt: t.CreatedAt.UTC()}
}

// teamMemberView is one member of a team with their organization role.
type teamMemberView struct {
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	FullName string    `json:"full_name"`
	Role     string    `json:"role"`
	AddedAt  time.Time `json:"added_at"`
}

// teamRequest is the body of POST and PUT; absent fields keep their value
// on PUT.
type teamRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// validate checks the fields present; create requires a name.
func (r *teamRequest) validate(create bool) error {
	f := fieldErrors{}
	if r.Name != nil || create {
		var name string
		if r.Name != nil {
			name = *r.Name
		}
		name = f.name("name", name, true, maxNameLen)
		r.Name = &name
	}
	if r.Description != nil {
		d := f.text("description", *r.Description, false, maxDescriptionLen)
		r.Description = &d
	}
	return f.err()
}

// team loads the :id team of the active organization; any other is 404.
func (h *teamHandlers) team(c *gin.Context) (*store.Team, error) {
	return h.store.Team(actorOf(c).org.ID, c.Param("id"))
}

func (h *teamHandlers) list(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	teams, err := h.store.Teams(orgID)
	if err != nil {
		return err
	}
	counts, err := h.store.TeamMemberCounts(orgID)
	if err != nil {
		return err
	}
	views := make([]teamView, 0, len(teams))
	for i := range teams {
		views = append(views, newTeamView(&teams[i], counts[teams[i].ID]))
	}
	c.JSON(http.StatusOK, paginate(c, views, func(v teamView) string { return v.ID }, p))
	return nil
}

func (h *teamHandlers) create(c *gin.Context) error {
	var req teamRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := req.validate(true); err != nil {
		return err
	}
	t := &store.Team{ID: store.NewID(), Name: *req.Name}
	if req.Description != nil {
		t.Description = *req.Description
	}
	entry := h.auditEntry(c, "team.created", store.AuditResource{Type: "team", ID: t.ID, Name: t.Name}, nil)
	if err := h.store.CreateTeam(actorOf(c).org.ID, t, audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newTeamView(t, 0))
	return nil
}

func (h *teamHandlers) get(c *gin.Context) error {
	t, err := h.team(c)
	if err != nil {
		return err
	}
	members, err := h.store.TeamMembers(t.OrgID, t.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTeamView(t, len(members)))
	return nil
}

func (h *teamHandlers) update(c *gin.Context) error {
	var req teamRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := req.validate(false); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	var changed []string
	change := &store.Change{} // audited only when a field changed
	t, err := h.store.UpdateTeam(orgID, c.Param("id"), func(t *store.Team) error {
		if req.Name != nil && *req.Name != t.Name {
			t.Name = *req.Name
			changed = append(changed, "name")
		}
		if req.Description != nil && *req.Description != t.Description {
			t.Description = *req.Description
			changed = append(changed, "description")
		}
		if len(changed) > 0 {
			change.Audit = append(change.Audit, h.auditEntry(c, "team.updated",
				store.AuditResource{Type: "team", ID: t.ID, Name: t.Name}, map[string]any{"changed": changed}))
		}
		return nil
	}, change)
	if err != nil {
		return err
	}
	members, err := h.store.TeamMembers(orgID, t.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTeamView(t, len(members)))
	return nil
}

func (h *teamHandlers) delete(c *gin.Context) error {
	t, err := h.team(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "team.deleted", store.AuditResource{Type: "team", ID: t.ID, Name: t.Name}, nil)
	if err := h.store.DeleteTeam(t.OrgID, t.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

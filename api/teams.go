package api

import (
	"maps"
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
		name := f.name("name", deref(r.Name), true, maxNameLen)
		r.Name = &name
	}
	if r.Description != nil {
		d := f.text("description", *r.Description, false, maxDescriptionLen)
		r.Description = &d
	}
	return f.err()
}

// teams is the resource the team routes share; a view counts the team's members from
// counts (nil: none, as for a new team).
func (h *teamHandlers) teams(counts map[string]int) resource[store.Team, teamView] {
	return resource[store.Team, teamView]{base: h.base, event: "team",
		load: h.store.Team, page: h.store.ListTeams, insert: h.store.CreateTeam, remove: h.store.DeleteTeam,
		id: func(t *store.Team) string { return t.ID }, audit: teamRes,
		view: func(t *store.Team) teamView { return newTeamView(t, counts[t.ID]) }}
}

// teamRes names a team in the audit log.
func teamRes(t *store.Team) store.AuditResource {
	return store.AuditResource{Type: "team", ID: t.ID, Name: t.Name}
}

// answer answers t with its member count.
func (h *teamHandlers) answer(c *gin.Context, t *store.Team) error {
	members, err := h.store.TeamMembers(t.OrgID, t.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTeamView(t, len(members)))
	return nil
}

func (h *teamHandlers) list(c *gin.Context) error {
	counts := map[string]int{}
	r := h.teams(counts)
	r.page = func(orgID string, q store.ListQuery, keep func(*store.Team) bool) ([]store.Team, string, error) {
		teams, next, err := h.store.ListTeams(orgID, q, keep)
		if err != nil {
			return nil, "", err
		}
		ids := make([]string, 0, len(teams))
		for _, t := range teams {
			ids = append(ids, t.ID)
		}
		n, err := h.store.CountTeamMembers(orgID, ids)
		maps.Copy(counts, n)
		return teams, next, err
	}
	return r.list(c)
}

// bindTeam decodes and checks the body of POST (create) and PUT.
func bindTeam(c *gin.Context, create bool) (*teamRequest, error) {
	var req teamRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return &req, req.validate(create)
}

func (h *teamHandlers) create(c *gin.Context) error {
	req, err := bindTeam(c, true)
	if err != nil {
		return err
	}
	t := &store.Team{ID: store.NewID(), Name: *req.Name}
	if req.Description != nil {
		t.Description = *req.Description
	}
	return h.teams(nil).create(c, t, nil)
}

func (h *teamHandlers) get(c *gin.Context) error {
	t, err := h.teams(nil).one(c)
	if err != nil {
		return err
	}
	return h.answer(c, t)
}

// update changes the fields sent; the audit log records it only when a field changed.
func (h *teamHandlers) update(c *gin.Context) error {
	req, err := bindTeam(c, false)
	if err != nil {
		return err
	}
	var changed []string
	change := &store.Change{} // audited only when a field changed
	t, err := h.store.UpdateTeam(actorOf(c).org.ID, c.Param("id"), func(t *store.Team) error {
		if req.Name != nil && *req.Name != t.Name {
			t.Name = *req.Name
			changed = append(changed, "name")
		}
		if req.Description != nil && *req.Description != t.Description {
			t.Description = *req.Description
			changed = append(changed, "description")
		}
		if len(changed) > 0 {
			change.Audit = append(change.Audit, h.auditEntry(c, "team.updated", teamRes(t), map[string]any{"changed": changed}))
		}
		return nil
	}, change)
	if err != nil {
		return err
	}
	return h.answer(c, t)
}

func (h *teamHandlers) delete(c *gin.Context) error { return h.teams(nil).delete(c) }

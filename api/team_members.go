package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// teamMemberViewOf joins a team row with the member's account and role.
func (h *teamHandlers) teamMemberViewOf(orgID string, tm *store.TeamMember) (teamMemberView, error) {
	u, err := h.store.User(tm.UserID)
	if err != nil {
		return teamMemberView{}, err
	}
	m, err := h.store.Membership(orgID, tm.UserID)
	if err != nil {
		return teamMemberView{}, err
	}
	return teamMemberView{UserID: u.ID, Email: u.Email, FullName: u.FullName, Role: m.Role,
		AddedAt: tm.AddedAt.UTC()}, nil
}

// listMembers answers the team's members in user ID order, paginated.
func (h *teamHandlers) listMembers(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	return respondListJoined(c, func(q store.ListQuery) ([]store.TeamMember, string, error) {
		t, err := h.teams(nil).one(c) // after the paging parameters, as every list
		if err != nil {
			return nil, "", err
		}
		return h.store.ListTeamMembers(t.OrgID, t.ID, q)
	}, func(tm *store.TeamMember) (teamMemberView, error) {
		return h.teamMemberViewOf(orgID, tm)
	})
}

// addMember puts an organization member in the team. Someone who is not a
// member of the organization is a validation error on user_id (the team
// itself exists), whether or not they have an account elsewhere.
func (h *teamHandlers) addMember(c *gin.Context) error {
	var req struct {
		UserID string `json:"user_id"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	userID := f.text("user_id", req.UserID, true, 64)
	if err := f.err(); err != nil {
		return err
	}
	t, err := h.teams(nil).one(c)
	if err != nil {
		return err
	}
	// A user who is not a member is a mistake in the body, not a missing route target.
	if _, err := h.store.Membership(t.OrgID, userID); errors.Is(err, store.ErrNotFound) {
		return errValidation(map[string]string{"user_id": "is not a member of this organization"})
	} else if err != nil {
		return err
	}
	u, err := h.store.User(userID)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "team.member_added", teamRes(t),
		map[string]any{"user_id": u.ID, "email": u.Email})
	tm, err := h.store.AddTeamMember(t.OrgID, t.ID, userID, audited(entry))
	if err != nil {
		return err // the team or the member gone meanwhile is a 404 naming which
	}
	v, err := h.teamMemberViewOf(t.OrgID, tm)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, v)
	return nil
}

func (h *teamHandlers) removeMember(c *gin.Context) error {
	t, err := h.teams(nil).one(c)
	if err != nil {
		return err
	}
	userID := c.Param("userID")
	entry := h.auditEntry(c, "team.member_removed", teamRes(t),
		map[string]any{"user_id": userID})
	if err := h.store.RemoveTeamMember(t.OrgID, t.ID, userID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// memberHandlers serves /api/v1/members and the invitations (SPEC §3.4).
type memberHandlers struct {
	*base
}

// memberView is a member as the API shows it: the membership with the
// user's e-mail and name, never anything else of the account.
type memberView struct {
	ID       string    `json:"id"` // the membership
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	FullName string    `json:"full_name"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

func newMemberView(m *store.Membership, u *store.User) memberView {
	return memberView{ID: m.ID, UserID: m.UserID, Email: u.Email, FullName: u.FullName,
		Role: m.Role, JoinedAt: m.JoinedAt.UTC()}
}

// memberRole validates a requested role (any case; "editor" means member)
// and returns it normalized.
func memberRole(f fieldErrors, field, value string) string {
	r, ok := normalizeRole(value)
	if !ok {
		f.add(field, "must be one of viewer, responder, member (or editor), admin, owner")
	}
	return r
}

// mayGrant refuses to hand out a role above the caller's own, so an admin
// cannot make anyone (themselves included) an owner.
func mayGrant(a *actor, role string) error {
	if !roleAtLeast(a.role, role) {
		return errForbidden("You cannot grant the " + role + " role; it is above your own (" + a.role + ").")
	}
	return nil
}

// mayManage refuses to change or remove a member whose role is above the
// caller's: only an owner touches an owner.
func mayManage(a *actor, target *store.Membership) error {
	if !roleAtLeast(a.role, target.Role) {
		return errForbidden("Only an owner can change or remove an owner.")
	}
	return nil
}

// list answers the organization's members, paginated, each with the account's e-mail and name.
func (h *memberHandlers) list(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	return respondListJoined(c, func(q store.ListQuery) ([]store.Membership, string, error) { return h.store.ListMembers(orgID, q) },
		func(m *store.Membership) (memberView, error) {
			u, err := h.store.User(m.UserID)
			if err != nil {
				return memberView{}, err
			}
			return newMemberView(m, u), nil
		})
}

// refuseKeyGrants keeps API keys from granting access (SPEC §12): a leaked
// admin key that could add accounts, invite addresses or raise roles would
// entrench itself beyond its own revocation. Taking access away (removing a
// member, revoking an invitation) stays open to keys for offboarding scripts;
// an owner can only be touched by an owner's key.
func refuseKeyGrants(a *actor) error {
	if a.apiKey != nil {
		return errForbidden("API keys cannot add members, send invitations or change roles; sign in to manage members.")
	}
	return nil
}

// add adds an account whose holder proved the address at once; any other
// address — no account, or an account that never confirmed it — gets an
// invitation mailed to the address, so only whoever reads that mailbox can
// join. A registration alone proves nothing (profile_email.go), and adding
// such an account directly would hand the membership to whoever typed the
// address first.
func (h *memberHandlers) add(c *gin.Context) error {
	if err := refuseKeyGrants(actorOf(c)); err != nil {
		return err
	}
	var req struct {
		Email string  `json:"email"`
		Role  *string `json:"role"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	email := f.email("email", req.Email)
	role := roleMember
	if req.Role != nil {
		role = memberRole(f, "role", *req.Role)
	}
	if err := f.err(); err != nil {
		return err
	}
	if err := mayGrant(actorOf(c), role); err != nil {
		return err
	}
	user, err := h.store.UserByEmail(email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return h.invite(c, email, role)
	case err != nil:
		return err
	}
	if _, err := h.store.Membership(actorOf(c).org.ID, user.ID); err == nil {
		return errMemberExists()
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !user.EmailConfirmed() {
		return h.invite(c, email, role)
	}
	m := &store.Membership{UserID: user.ID, Role: role}
	entry := h.auditEntry(c, "member.added", memberRes(user),
		map[string]any{"role": role})
	event := h.webhookEvent("member.invited", memberEvent(c, map[string]any{"user_id": user.ID, "email": user.Email,
		"role": role, "status": "added"}))
	if err := h.store.AddMember(actorOf(c).org.ID, m, audited(entry, event)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": m.ID, "user_id": user.ID, "email": user.Email, "role": m.Role})
	return nil
}

// errMemberExists is the 409 for adding someone who is already a member.
func errMemberExists() *Error {
	return errConflict("That user is already a member of this organization.")
}

// target loads the membership a :userID route names in the active organization (anyone
// else is 404) with its account, and refuses one the caller may not manage (mayManage).
func (h *memberHandlers) target(c *gin.Context) (*store.Membership, *store.User, error) {
	m, err := h.store.Membership(actorOf(c).org.ID, c.Param("userID"))
	if err != nil {
		return nil, nil, err
	}
	u, err := h.store.User(m.UserID)
	if err != nil {
		return nil, nil, err
	}
	return m, u, mayManage(actorOf(c), m)
}

// memberRes names a member in the audit log.
func memberRes(u *store.User) store.AuditResource {
	return store.AuditResource{Type: "member", ID: u.ID, Name: u.Email}
}

func (h *memberHandlers) setRole(c *gin.Context) error {
	if err := refuseKeyGrants(actorOf(c)); err != nil {
		return err
	}
	var req struct {
		Role string `json:"role"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	role := memberRole(f, "role", req.Role)
	if err := f.err(); err != nil {
		return err
	}
	m, u, err := h.target(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	if err := mayGrant(a, role); err != nil {
		return err
	}
	from := m.Role
	if role != from {
		// The store refuses to demote the last owner (409).
		entry := h.auditEntry(c, "member.role_changed", memberRes(u),
			map[string]any{"from": from, "to": role})
		if m, err = h.store.SetMemberRole(a.org.ID, m.UserID, role, audited(entry)); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, newMemberView(m, u))
	return nil
}

func (h *memberHandlers) remove(c *gin.Context) error {
	m, u, err := h.target(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	// The store refuses to remove the last owner (409); it also drops the
	// user's team rows and the API keys they created here.
	entry := h.auditEntry(c, "member.removed", memberRes(u),
		map[string]any{"role": m.Role})
	event := h.webhookEvent("member.removed", memberEvent(c, map[string]any{"user_id": u.ID, "email": u.Email,
		"role": m.Role, "status": "removed"}))
	if err := h.store.RemoveMember(a.org.ID, m.UserID, audited(entry, event)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

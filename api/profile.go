package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// userView is how the API shows an account; never the password hash.
type userView struct {
	ID              string    `json:"id"`
	Email           string    `json:"email"`
	FullName        string    `json:"full_name"`
	CreatedAt       time.Time `json:"created_at"`
	IsInstanceAdmin bool      `json:"is_instance_admin"`
}

func newUserView(u *store.User) userView {
	return userView{ID: u.ID, Email: u.Email, FullName: u.FullName,
		CreatedAt: u.CreatedAt.UTC(), IsInstanceAdmin: u.IsInstanceAdmin}
}

// profileOrganization is one entry of the profile's organization list.
type profileOrganization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	Role string `json:"role"`
}

// profileView is GET /profile: the account, whether its address is
// confirmed, an e-mail change waiting for confirmation (null when none) and
// the organizations it belongs to with its role in each.
type profileView struct {
	userView
	EmailConfirmed bool                  `json:"email_confirmed"`
	PendingEmail   *pendingEmailView     `json:"pending_email"`
	Organizations  []profileOrganization `json:"organizations"`
}

// profileHandlers serves /profile: the caller's own account.
type profileHandlers struct {
	*base
}

// get shows the caller's account. For an API key it lists only the key's
// organization: a key must not reveal its creator's other organizations.
func (h *profileHandlers) get(c *gin.Context) error {
	return h.render(c, actorOf(c).user)
}

func (h *profileHandlers) render(c *gin.Context, u *store.User) error {
	a := actorOf(c)
	orgs := make([]profileOrganization, 0)
	if a.apiKey != nil {
		orgs = append(orgs, profileOrganization{ID: a.org.ID, Name: a.org.Name, Slug: a.org.Slug, Role: a.role})
	} else {
		list, err := h.store.UserOrganizations(u.ID)
		if err != nil {
			return err
		}
		for _, uo := range list {
			o := uo.Organization
			orgs = append(orgs, profileOrganization{ID: o.ID, Name: o.Name, Slug: o.Slug, Role: uo.Role})
		}
	}
	pending, err := h.pendingEmail(u.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, profileView{userView: newUserView(u), EmailConfirmed: u.EmailConfirmed(),
		PendingEmail: pending, Organizations: orgs})
	return nil
}

type profileUpdate struct {
	FullName *string `json:"full_name"`
	Email    *string `json:"email"`
	// CurrentPassword is required when Email names a new address.
	CurrentPassword *string `json:"current_password"`
}

// update changes the caller's name at once and (absent fields are kept)
// starts a change of e-mail: a new address needs the current password and
// takes effect only when its holder follows the link mailed to it
// (profile_email.go); until then the old address stays the login. An API key
// may change the name but never the e-mail.
func (h *profileHandlers) update(c *gin.Context) error {
	a := actorOf(c)
	var req profileUpdate
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	var name, email string
	if req.FullName != nil {
		name = f.name("full_name", *req.FullName, true, maxNameLen)
	}
	if req.Email != nil {
		email = f.email("email", *req.Email)
	}
	// The unchanged address (as the profile form always sends it) is no change.
	newEmail := req.Email != nil && !sameEmail(email, a.user.Email)
	if newEmail && a.apiKey != nil {
		return errSessionOnly()
	}
	if newEmail && (req.CurrentPassword == nil || *req.CurrentPassword == "") {
		f.add("current_password", "is required to change the e-mail address")
	}
	if err := f.err(); err != nil {
		return err
	}
	if newEmail {
		if err := h.requestEmailChange(c, a.user, email, *req.CurrentPassword); err != nil {
			return err
		}
	}
	user := a.user
	if req.FullName != nil && name != user.FullName {
		var err error
		if user, err = h.updateAccount(c, "user.updated", map[string]any{"changed": []string{"full_name"}}, func(u *store.User) error {
			u.FullName = name
			return nil
		}); err != nil {
			return err
		}
	}
	return h.render(c, user)
}

// errWrongPassword is the answer to a current password that does not verify.
func errWrongPassword() *Error {
	e := errBadRequest("The current password is incorrect.")
	e.Fields = map[string]string{"current_password": "is incorrect"}
	return e
}

type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword replaces the caller's password after checking the current
// one. It bumps the token version, so every other session ends, and answers
// with a fresh token for the active organization. API keys are refused.
func (h *profileHandlers) changePassword(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	var req passwordChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if req.CurrentPassword == "" {
		f.add("current_password", "is required")
	}
	if p := passwordProblem(req.NewPassword); p != "" {
		f.add("new_password", p)
	}
	if err := f.err(); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if !h.passwords.Verify(ctx, a.user.PasswordHash, req.CurrentPassword) {
		return errWrongPassword()
	}
	hash, err := h.passwords.Hash(ctx, req.NewPassword)
	if err != nil {
		return err
	}
	user, err := h.updateAccount(c, "auth.password_changed", nil, func(u *store.User) error {
		if u.PasswordHash != a.user.PasswordHash {
			// Changed by a concurrent request since we checked the
			// current password: that check no longer holds.
			return errConflict("The password was changed meanwhile; sign in again.")
		}
		u.PasswordHash = hash
		u.TokenVersion++
		return nil
	})
	if err != nil {
		return err
	}
	tenant := ""
	if a.org != nil {
		tenant = a.org.ID
	}
	token, err := h.tokens.Issue(user.ID, tenant, user.Email, user.TokenVersion)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"token": token})
	return nil
}

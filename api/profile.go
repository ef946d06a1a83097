package api

import (
	"errors"
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

// profileView is GET /profile: the account and the organizations it
// belongs to with its role in each.
type profileView struct {
	userView
	Organizations []profileOrganization `json:"organizations"`
}

// profileHandlers serves /profile: the caller's own account.
type profileHandlers struct {
	*base
}

// get shows the caller's account. For an API key it lists only the key's
// organization: a key must not reveal its creator's other organizations.
func (x *profileHandlers) get(c *gin.Context) error {
	return x.render(c, actorOf(c).user)
}

func (x *profileHandlers) render(c *gin.Context, u *store.User) error {
	a := actorOf(c)
	orgs := make([]profileOrganization, 0)
	if a.apiKey != nil {
		orgs = append(orgs, profileOrganization{ID: a.org.ID, Name: a.org.Name, Slug: a.org.Slug, Role: a.role})
	} else {
		list, err := x.store.UserOrganizations(u.ID)
		if err != nil {
			return err
		}
		for _, uo := range list {
			o := uo.Organization
			orgs = append(orgs, profileOrganization{ID: o.ID, Name: o.Name, Slug: o.Slug, Role: uo.Role})
		}
	}
	c.JSON(http.StatusOK, profileView{userView: newUserView(u), Organizations: orgs})
	return nil
}

type profileUpdate struct {
	FullName *string `json:"full_name"`
	Email    *string `json:"email"`
}

// update changes the caller's name and/or e-mail (absent fields are kept).
// The e-mail is re-indexed; one another account uses answers 409. An API
// key may change the name but never the e-mail, which is the login.
func (x *profileHandlers) update(c *gin.Context) error {
	a := actorOf(c)
	var req profileUpdate
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Email != nil && a.apiKey != nil {
		return errSessionOnly()
	}
	f := fieldErrors{}
	var name, email string
	if req.FullName != nil {
		name = f.name("full_name", *req.FullName, true, maxNameLen)
	}
	if req.Email != nil {
		email = f.email("email", *req.Email)
	}
	if err := f.err(); err != nil {
		return err
	}
	changed := []string{}
	user, err := x.store.UpdateUser(a.user.ID, func(u *store.User) error {
		if req.FullName != nil && name != u.FullName {
			u.FullName = name
			changed = append(changed, "full_name")
		}
		if req.Email != nil && email != u.Email {
			u.Email = email
			changed = append(changed, "email")
		}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return errEmailTaken()
	} else if err != nil {
		return err
	}
	if len(changed) > 0 {
		x.audit(c, "user.updated", userResource(user), map[string]any{"changed": changed})
	}
	return x.render(c, user)
}

type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword replaces the caller's password after checking the current
// one. It bumps the token version, so every other session ends, and answers
// with a fresh token for the active organization. API keys are refused.
func (x *profileHandlers) changePassword(c *gin.Context) error {
	a := actorOf(c)
	if a.apiKey != nil {
		return errSessionOnly()
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
	if !x.passwords.Verify(ctx, a.user.PasswordHash, req.CurrentPassword) {
		e := errBadRequest("The current password is incorrect.")
		e.Fields = map[string]string{"current_password": "is incorrect"}
		return e
	}
	hash, err := x.passwords.Hash(ctx, req.NewPassword)
	if err != nil {
		return err
	}
	user, err := x.store.UpdateUser(a.user.ID, func(u *store.User) error {
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
	token, err := x.tokens.Issue(user.ID, tenant, user.Email, user.TokenVersion)
	if err != nil {
		return err
	}
	x.audit(c, "auth.password_changed", userResource(user), nil)
	c.JSON(http.StatusOK, gin.H{"token": token})
	return nil
}

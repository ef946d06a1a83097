package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// invitationPreview is what the invitation landing page shows before anyone signs up: who
// invites whom, into which organization, with which role. Only the holder of the token can
// ask, and the token proves the link reached the invited address (it was mailed there).
type invitationPreview struct {
	Email            string    `json:"email"`
	Role             string    `json:"role"`
	OrganizationName string    `json:"organization_name"`
	InvitedByName    string    `json:"invited_by_name"`
	ExpiresAt        time.Time `json:"expires_at"`
	// AccountExists says the address already has an account: the page offers to log in
	// and accept instead of a sign-up that would answer 409.
	AccountExists bool `json:"account_exists"`
}

// previewInvitation answers POST /auth/invitation {token} (a POST keeps the token out of
// logs of query strings). Unknown, used and expired tokens all answer the same 404.
func (h *authHandlers) previewInvitation(c *gin.Context) error {
	// Limited per IP before anything is read, like login and sign-up (SPEC §2.4).
	d, err := h.guard.beginInvitationPreview(clientBucket(c))
	setRateHeaders(c, d)
	if err != nil {
		return err
	}
	token, err := bindInvitationToken(c)
	if err != nil {
		return err
	}
	inv, err := h.store.InvitationByDigest(crypto.Digest(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !h.now().Before(inv.ExpiresAt)) {
		return errNotFound("Invitation")
	} else if err != nil {
		return err
	}
	org, err := h.store.Organization(inv.OrgID)
	if err != nil {
		return err
	}
	view := invitationPreview{Email: inv.Email, Role: inv.Role, OrganizationName: org.Name, ExpiresAt: inv.ExpiresAt.UTC()}
	if inviter, err := h.store.User(inv.InvitedBy); err == nil {
		view.InvitedByName = displayName(inviter)
	}
	if _, err := h.store.UserByEmail(inv.Email); err == nil {
		view.AccountExists = true
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	c.JSON(http.StatusOK, view)
	return nil
}

// displayName is how the UI names a person: the full name, else the e-mail address.
func displayName(u *store.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Email
}

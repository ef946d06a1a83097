package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// setupView is the answer to GET /auth/setup: what the sign-in pages need to know before
// anyone has signed in.
type setupView struct {
	// FirstRun is true while no account exists: the next sign-up becomes the instance
	// admin (SPEC §2.5), and the UI greets it with the "create the administrator" screen.
	FirstRun bool `json:"first_run"`
	// RegistrationOpen says whether a sign-up without an invitation is accepted now
	// (REGISTRATION_MODE), so the UI offers the sign-up link only where it can succeed.
	RegistrationOpen bool `json:"registration_open"`
}

// setup answers GET /auth/setup. It tells nothing a sign-up attempt would not (201 or
// registration_closed), and costs one cursor step and no account data.
func (h *authHandlers) setup(c *gin.Context) error {
	any, err := h.store.HasUsers()
	if err != nil {
		return err
	}
	open, err := h.freeRegistration()
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, setupView{FirstRun: !any, RegistrationOpen: open})
	return nil
}

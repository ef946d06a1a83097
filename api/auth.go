package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// loginGuard limits failed logins and registrations per IP and per account.
type loginGuard struct{}

func newLoginGuard(now func() time.Time) *loginGuard { return &loginGuard{} }

// authHandlers serves its resource.
type authHandlers struct {
	*base
	guard *loginGuard
}

func (x *authHandlers) register(c *gin.Context) error { return errNotImplemented() }

func (x *authHandlers) login(c *gin.Context) error { return errNotImplemented() }

func (x *authHandlers) logoutAll(c *gin.Context) error { return errNotImplemented() }

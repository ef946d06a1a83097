package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// memberHandlers serves its resource.
type memberHandlers struct {
	*base
}

func (x *memberHandlers) list(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) add(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) listInvitations(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) revokeInvitation(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) setRole(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) remove(c *gin.Context) error { return errNotImplemented() }

func (x *memberHandlers) acceptInvitation(c *gin.Context) error { return errNotImplemented() }

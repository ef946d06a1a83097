package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// adminHandlers serves its resource.
type adminHandlers struct {
	*base
}

func (x *adminHandlers) listOrganizations(c *gin.Context) error { return errNotImplemented() }

func (x *adminHandlers) updateOrganization(c *gin.Context) error { return errNotImplemented() }

package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// organizationHandlers serves its resource.
type organizationHandlers struct {
	*base
}

func (x *organizationHandlers) get(c *gin.Context) error { return errNotImplemented() }

func (x *organizationHandlers) update(c *gin.Context) error { return errNotImplemented() }

func (x *organizationHandlers) delete(c *gin.Context) error { return errNotImplemented() }

package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// profileHandlers serves its resource.
type profileHandlers struct {
	*base
}

func (x *profileHandlers) get(c *gin.Context) error { return errNotImplemented() }

func (x *profileHandlers) update(c *gin.Context) error { return errNotImplemented() }

func (x *profileHandlers) changePassword(c *gin.Context) error { return errNotImplemented() }

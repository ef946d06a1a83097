package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// auditHandlers serves its resource.
type auditHandlers struct {
	*base
}

func (x *auditHandlers) list(c *gin.Context) error { return errNotImplemented() }

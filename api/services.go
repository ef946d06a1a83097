package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// serviceHandlers serves its resource.
type serviceHandlers struct {
	*base
}

func (x *serviceHandlers) list(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) create(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) get(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) replace(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) patch(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) delete(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) pause(c *gin.Context) error { return errNotImplemented() }

func (x *serviceHandlers) resume(c *gin.Context) error { return errNotImplemented() }

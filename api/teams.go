package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// teamHandlers serves its resource.
type teamHandlers struct {
	*base
}

func (x *teamHandlers) list(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) create(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) get(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) update(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) delete(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) listMembers(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) addMember(c *gin.Context) error { return errNotImplemented() }

func (x *teamHandlers) removeMember(c *gin.Context) error { return errNotImplemented() }

package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// apiKeyPrefix starts every API key secret (SPEC §2.3).
const apiKeyPrefix = "ak_"

// apiKeyHandlers serves its resource.
type apiKeyHandlers struct {
	*base
}

func (x *apiKeyHandlers) list(c *gin.Context) error { return errNotImplemented() }

func (x *apiKeyHandlers) create(c *gin.Context) error { return errNotImplemented() }

func (x *apiKeyHandlers) revoke(c *gin.Context) error { return errNotImplemented() }

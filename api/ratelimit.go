package api

// STUB: replaced by the engineer who owns this resource.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

var _ = time.Now
var _ = http.StatusNotImplemented

// rateLimiter applies the per-caller limits of SPEC §2.4.
type rateLimiter struct{}

func newRateLimiter(now func() time.Time) *rateLimiter { return &rateLimiter{} }

// perCaller limits the authenticated caller.
func (l *rateLimiter) perCaller() gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

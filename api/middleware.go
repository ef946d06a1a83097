package api

import (
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

const (
	ctxRequestID = "request_id"
	ctxLogger    = "logger"
	// maxBodyBytes caps every request body (SPEC §2: 1 MiB).
	maxBodyBytes = 1 << 20
)

// validRequestID accepts a caller's X-Request-ID only when it is short and
// plain, so it cannot inject anything into our logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID tags every request with an ID (the caller's X-Request-ID when it
// is sane) and a logger that carries it.
func requestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, base.With("request_id", id))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// loggerFrom returns the request-scoped logger.
func loggerFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog writes one structured line per request once it is answered.
// The query string is left out: it may hold tokens (acknowledge links).
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		loggerFrom(c).Log(c.Request.Context(), level, "request",
			"method", c.Request.Method,
			"path", c.Request.URL.Path,
			"status", status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"bytes", c.Writer.Size(),
			"ip", c.ClientIP())
	}
}

// recovery turns a panic into the flat internal error; the stack goes to
// the log only, never to the client.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				loggerFrom(c).Error("panic", "panic", r, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					writeError(c, &Error{Status: http.StatusInternalServerError, Code: "internal",
						Message: "Something went wrong on our side. The request ID identifies it in the server log."})
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// bodyLimit caps request bodies; bindJSON reports the overflow as 413.
func bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// apiHeaders marks API answers as uncacheable and not to be sniffed.
func apiHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Next()
	}
}

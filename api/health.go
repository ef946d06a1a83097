package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// health answers plain OK while the process serves HTTP (liveness).
func health(c *gin.Context) {
	c.String(http.StatusOK, "OK")
}

// ready answers whether the database can be read (readiness).
func (b *base) ready(c *gin.Context) {
	if err := b.store.Ping(); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": "database unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

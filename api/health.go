package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// health answers plain OK while the process serves HTTP (liveness).
func health(c *gin.Context) {
	c.String(http.StatusOK, "OK")
}

// ready answers whether the database can be read and written (readiness), and when it
// cannot, why, with what the operator must do about it.
func (b *base) ready(c *gin.Context) {
	err := b.store.Ping()
	if err == nil && b.cluster != nil {
		if cerr := b.cluster.Ready(); cerr != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": "cluster",
				"message": "This node is not in step with the cluster: " + cerr.Error()})
			return
		}
	}
	switch {
	case err == nil:
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	case errors.Is(err, store.ErrDiskFull):
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": "disk full",
			"message": "The disk holding the database is full: writes are refused (507) until space is freed " +
				"in DATA_DIR; no restart is needed. Reads go on."})
	case errors.Is(err, store.ErrDamaged):
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": "database damaged",
			"message": "The database file is damaged: stop the server, run `alertifypro check`, " +
				"and restore the newest backup."})
	default:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": "database unavailable"})
	}
}

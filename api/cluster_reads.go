package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/store"
)

// minIndexWait is how long a read with X-AlertifyPro-Min-Index waits for this node to
// apply that index before the leader serves it (SPEC §9).
const minIndexWait = time.Second

// awaitMinIndex holds a read that asks for X-AlertifyPro-Min-Index until this node has
// applied that index, for at most minIndexWait, and returns true to serve it here. A node
// still behind forwards the read to the leader, which waits as long again; a leader (or a
// node with no leader to ask, or whose forward failed) still behind refuses it with 503
// index_not_applied, and a header that is not an index with 422. Then it returns false: the answer is written.
//
// An index comes from an earlier answer's X-AlertifyPro-Index, which every node's reads and
// writes carry, so a client that passes on the highest index it has seen reads at least
// what it saw, through any node.
func awaitMinIndex(c *gin.Context, cl Cluster, db *store.DB) bool {
	min, err := strconv.ParseUint(c.GetHeader(headerMinIndex), 10, 64)
	if err != nil {
		writeError(c, errValidation(map[string]string{headerMinIndex: "must be a Raft index (a whole number)"}))
		c.Abort()
		return false
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), minIndexWait)
	err = db.WaitApplied(ctx, min)
	cancel()
	if err == nil {
		return true
	}
	if !cluster.IsForwarded(c.Request.Context()) && cl.Writable() != nil {
		c.Writer.Header().Del("X-Request-ID")
		c.Writer.Header().Del("Vary")
		c.Request.Header.Set("X-Request-ID", c.GetString(ctxRequestID))
		ferr := cl.Forward(c.Writer, c.Request, c.ClientIP(), func(err error) {
			// A read changes nothing whichever way the forward failed: the answer is that
			// the index was not reached, not leader_unreachable's "may have been saved".
			loggerFrom(c).Warn("forwarding a read to the cluster's leader failed", "error", err.Error())
			c.Header("X-Request-ID", c.GetString(ctxRequestID))
			writeError(c, errIndexNotApplied(min, db.AppliedIndex()))
		})
		if ferr == nil {
			c.Abort()
			return false
		}
	}
	c.Header(headerNode, cl.NodeID())
	writeError(c, errIndexNotApplied(min, db.AppliedIndex()))
	c.Abort()
	return false
}

// errIndexNotApplied answers a read whose X-AlertifyPro-Min-Index neither this node nor
// the leader reached in time (or the leader could not be asked).
func errIndexNotApplied(min, applied uint64) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "index_not_applied",
		Message: "This node has applied the cluster's log up to index " + strconv.FormatUint(applied, 10) +
			", not yet " + strconv.FormatUint(min, 10) + ", and the leader could not serve the read either. " +
			"Send it again in a moment."}
}

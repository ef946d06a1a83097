package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/store"
)

// Cluster is what the API needs of this node's cluster membership (SPEC §9); a
// *cluster.Node is one. nil in Deps: a single node, and none of this runs.
type Cluster interface {
	NodeID() string
	// Ready is nil while the node has a leader and has applied the log up to it.
	Ready() error
	Status() (*cluster.Status, error)
}

// Response headers of a clustered node (SPEC §9).
const (
	headerNode  = "X-AlertifyPro-Node"  // the node that answered
	headerIndex = "X-AlertifyPro-Index" // after a write: the Raft index this node had applied
)

// clusterHeaders names the answering node on every response and, on a request that may
// write, the Raft index this node had applied when it answered: at or above the write's
// own entry, since a write answers only after its entry applied here, so a client can
// later ask any node for at least that index.
func clusterHeaders(cl Cluster, db *store.DB) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header(headerNode, cl.NodeID())
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			c.Writer = &indexStamper{ResponseWriter: c.Writer, db: db}
		}
		c.Next()
	}
}

// indexStamper sets X-AlertifyPro-Index when the response's header is about to be sent,
// that is after the handler did its write.
type indexStamper struct {
	gin.ResponseWriter
	db      *store.DB
	stamped bool
}

func (w *indexStamper) stamp() {
	if !w.stamped {
		w.stamped = true
		w.Header().Set(headerIndex, strconv.FormatUint(w.db.AppliedIndex(), 10))
	}
}

func (w *indexStamper) WriteHeader(code int) { w.stamp(); w.ResponseWriter.WriteHeader(code) }

func (w *indexStamper) WriteHeaderNow() { w.stamp(); w.ResponseWriter.WriteHeaderNow() }

func (w *indexStamper) Write(p []byte) (int, error) { w.stamp(); return w.ResponseWriter.Write(p) }

func (w *indexStamper) WriteString(s string) (int, error) {
	w.stamp()
	return w.ResponseWriter.WriteString(s)
}

// clusterHandlers serve the instance admin's view of the cluster.
type clusterHandlers struct {
	*base
	cluster Cluster
}

// status answers GET /admin/cluster: {"clustered": false} on a single node, else the
// cluster as this node sees it (cluster.Status).
func (h *clusterHandlers) status(c *gin.Context) error {
	if h.cluster == nil {
		c.JSON(http.StatusOK, gin.H{"clustered": false})
		return nil
	}
	s, err := h.cluster.Status()
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, struct {
		Clustered bool `json:"clustered"`
		*cluster.Status
	}{true, s})
	return nil
}

// errNotLeader answers a write that reached a node that does not lead the cluster.
func errNotLeader() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "not_leader",
		Message: "This node of the cluster is not its leader, so it cannot save the change (nothing was saved). " +
			"Send the request to the leader, or again in a moment if an election is under way."}
}

// errCommitUnknown answers a write whose commit the cluster could not confirm.
func errCommitUnknown() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "commit_unknown",
		Message: "The cluster lost its leader while saving this change: it may or may not have been saved. " +
			"Check before sending it again."}
}

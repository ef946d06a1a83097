package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// Writable is nil while this node leads (it serves writes itself).
	Writable() error
	// Forward sends the request to the leader and copies its answer (cluster.Node.Forward);
	// cluster.ErrNoLeader, having written nothing, while no leader is known.
	Forward(w http.ResponseWriter, r *http.Request, clientIP string, fail func(error)) error
	// AddVoter and RemoveServer change the configuration (on the leader only).
	AddVoter(id, addr string) error
	RemoveServer(id string) error
	// Followers asks every other node for its progress (the leader's view of lag).
	Followers(ctx context.Context) []cluster.FollowerState
	// Metrics is what /metrics shows of the cluster (prometheus_cluster.go).
	Metrics(ctx context.Context) cluster.Metrics
}

// Response headers of a clustered node (SPEC §9).
const (
	headerNode  = "X-AlertifyPro-Node"  // the node that answered
	headerIndex = "X-AlertifyPro-Index" // the Raft index the answer reflects
	// headerMinIndex on a read asks for a node that has applied at least that index.
	headerMinIndex = "X-AlertifyPro-Min-Index"
)

// clusterHeaders makes a follower forward a request that writes to the leader, whose
// answer — with its own headers — the client gets as if it had asked the leader (SPEC §9).
// Every other request it serves here: it names the answering node and the Raft index its
// answer reflects — after a write, the index this node had applied when it answered: at or
// above the write's own entry, since a write answers only after its entry applied here; after
// a read, at or above every entry the read can have seen (store.DB.ReadIndex) — so a client
// can later ask any node for at least that index (X-AlertifyPro-Min-Index, awaitMinIndex). A request another node forwarded is
// never forwarded again; while no leader is known it is served here and a write is refused
// as not the leader's.
func clusterHeaders(cl Cluster, db *store.DB, trusted []netip.Prefix) gin.HandlerFunc {
	return func(c *gin.Context) {
		channel := agentChannel(c.Request)
		if (writes(c.Request) || channel) && !cluster.IsForwarded(c.Request.Context()) && cl.Writable() != nil {
			if channel {
				// The agent channel goes to the leader's hub, which alone records results
				// (SPEC §9): its WebSocket is proxied like any forward, for as long as it
				// lasts, so an agent may connect to any node. The leader judges credentials
				// by what this node saw of the agent's connection.
				if connectionSecure(c, trusted) {
					c.Request = c.Request.WithContext(cluster.WithSecureClient(c.Request.Context()))
				}
				rc := http.NewResponseController(c.Writer)
				_ = rc.SetReadDeadline(time.Time{})
				_ = rc.SetWriteDeadline(time.Time{})
			}
			// One request ID in both nodes' logs, and one in the answer: the leader's,
			// which is this one. Vary comes with the leader's answer too.
			c.Request.Header.Set("X-Request-ID", c.GetString(ctxRequestID))
			c.Writer.Header().Del("X-Request-ID")
			c.Writer.Header().Del("Vary")
			err := cl.Forward(c.Writer, c.Request, c.ClientIP(), func(err error) {
				loggerFrom(c).Warn("forwarding a request to the cluster's leader failed", "error", err.Error())
				c.Header("X-Request-ID", c.GetString(ctxRequestID))
				writeError(c, forwardError(err))
			})
			if err == nil {
				c.Abort()
				return
			}
		}
		if !writes(c.Request) && c.GetHeader(headerMinIndex) != "" && !awaitMinIndex(c, cl, db) {
			return // answered: forwarded to the leader, or refused
		}
		c.Header(headerNode, cl.NodeID())
		index := db.AppliedIndex
		if !writes(c.Request) {
			index = db.ReadIndex
		}
		c.Writer = &indexStamper{ResponseWriter: c.Writer, index: index}
		c.Next()
	}
}

// agentChannel reports whether r opens the agent channel (SPEC §8).
func agentChannel(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/api/v1/agent/connect"
}

// writes reports whether r may write: every method but GET, HEAD and OPTIONS, and the GET
// endpoints that record something (heartbeat pings, subscription confirmations). The
// agent channel is forwarded too, as a channel (agentChannel).
func writes(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		p := r.URL.Path
		return strings.HasPrefix(p, "/api/v1/heartbeat/") || p == "/api/v1/public/subscriptions/confirm"
	case http.MethodOptions:
		return false
	}
	return !strings.HasPrefix(r.URL.Path, "/api/v1/agent/")
}

// indexStamper sets X-AlertifyPro-Index when the response's header is about to be sent,
// that is after the handler did its write or its read.
type indexStamper struct {
	gin.ResponseWriter
	index   func() uint64
	stamped bool
}

func (w *indexStamper) stamp() {
	if !w.stamped {
		w.stamped = true
		w.Header().Set(headerIndex, strconv.FormatUint(w.index(), 10))
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
	// Every other node's progress as this node sees it (the leader's view is the one that
	// means lag; a follower's lags its own commit index by moments), so the admin's view is
	// whole whichever node answers; a request another node sent is answered with this
	// node's own view only.
	var followers []cluster.FollowerState
	if !cluster.IsForwarded(c.Request.Context()) {
		followers = h.cluster.Followers(c.Request.Context())
		slices.SortFunc(followers, func(a, b cluster.FollowerState) int { return strings.Compare(a.ID, b.ID) })
	}
	c.JSON(http.StatusOK, struct {
		Clustered bool `json:"clustered"`
		*cluster.Status
		Followers []cluster.FollowerState `json:"followers,omitempty"`
	}{true, s, followers})
	return nil
}

// addVoter answers POST /admin/cluster/voters {"id","address"}: the node joins as a voter
// (forwarded to the leader like every write).
func (h *clusterHandlers) addVoter(c *gin.Context) error {
	if h.cluster == nil {
		return errConflict("This appliance is a single node, not a member of a cluster (CLUSTER_PEERS is unset).")
	}
	var req struct {
		ID      string `json:"id"`
		Address string `json:"address"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if strings.TrimSpace(req.ID) == "" || len(req.ID) > 128 {
		f.add("id", "is required: the node's CLUSTER_NODE_ID")
	}
	if host, port, err := net.SplitHostPort(req.Address); err != nil || host == "" || port == "" {
		f.add("address", "must be host:port, the node's CLUSTER_ADVERTISE_ADDR")
	}
	if err := f.err(); err != nil {
		return err
	}
	if err := h.cluster.AddVoter(req.ID, req.Address); err != nil {
		return err
	}
	return h.status(c)
}

// removeNode answers DELETE /admin/cluster/nodes/{id}: the node leaves the configuration.
func (h *clusterHandlers) removeNode(c *gin.Context) error {
	if h.cluster == nil {
		return errConflict("This appliance is a single node, not a member of a cluster (CLUSTER_PEERS is unset).")
	}
	if err := h.cluster.RemoveServer(c.Param("id")); errors.Is(err, cluster.ErrUnknownNode) {
		return errNotFound("Cluster node")
	} else if err != nil {
		return err
	}
	return h.status(c)
}

// errNotLeader answers a write that reached a node that does not lead the cluster.
func errNotLeader() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "not_leader",
		Message: "This node of the cluster is not its leader, so it cannot save the change (nothing was saved). " +
			"Send the request to the leader, or again in a moment if an election is under way."}
}

// forwardError is the answer to a request this node could not forward: nothing was sent
// to the leader (it could not be connected to: it died, an election is under way), which
// is not_leader's "nothing was saved"; or the connection broke after the request left,
// when the leader may have saved it.
func forwardError(err error) *Error {
	if cluster.NotSent(err) {
		return errNotLeader()
	}
	return errLeaderUnreachable()
}

// errLeaderUnreachable answers a write this node could not forward to the leader.
func errLeaderUnreachable() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "leader_unreachable",
		Message: "This node could not reach the cluster's leader to save the change. If the connection broke " +
			"after the request was sent, the change may have been saved: check before sending it again."}
}

// errCommitUnknown answers a write whose commit the cluster could not confirm.
func errCommitUnknown() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "commit_unknown",
		Message: "The cluster lost its leader while saving this change: it may or may not have been saved. " +
			"Check before sending it again."}
}

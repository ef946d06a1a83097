package cluster

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/hashicorp/raft"
)

// progressPath is where a node answers the other nodes' question about its progress, on
// the forwarding channel only (ServeForwarded): the cluster's mutual TLS is its
// authentication, so the leader asks its followers without anyone's credentials — for
// the admin view's lag, for the metrics, and for the schema gate (schema.go).
const progressPath = "/_cluster/progress"

// Progress is what a node tells the others of itself.
type Progress struct {
	AppliedIndex uint64 `json:"applied_index"`
	// LastContact is when it last heard from the leader (nil on the leader, and before
	// any contact).
	LastContact *time.Time `json:"last_contact"`
	// SchemaVersion is the store schema this node's binary knows.
	SchemaVersion uint64 `json:"schema_version"`
}

// serveProgress answers GET progressPath.
func (n *Node) serveProgress(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	p := Progress{AppliedIndex: n.raft.AppliedIndex(), SchemaVersion: n.SchemaVersion()}
	if t := n.raft.LastContact(); !t.IsZero() && n.raft.State() != raft.Leader {
		t = t.UTC()
		p.LastContact = &t
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(p)
}

package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/raft"
)

// The rolling-upgrade gate (SPEC §9). Every node advertises the schema version its
// binary knows (Progress, Status, /metrics). A clustered node does not migrate its own
// file (store: migrate's deferred case); the leader migrates the cluster's, through the
// cluster's write path, only once every voter runs a binary that knows the new version —
// until then it logs who holds the migration up, and writes what its predecessor's schema
// holds. A node that meets an entry or a snapshot of a newer schema than it knows refuses
// it, applies nothing more and is not ready (store.DB.SchemaHeld). Hence the upgrade rule:
// followers first, one at a time (each back and ready before the next), then the leader.

// schemaGatePoll is how often a leader whose binary knows a newer schema than the file
// asks the voters again.
const schemaGatePoll = 2 * time.Second

// SchemaVersion is the store schema this node's binary knows.
func (n *Node) SchemaVersion() uint64 {
	if n.fsm == nil {
		return 0
	}
	return n.fsm.db.KnownSchema()
}

// RunSchemaGate runs while this node leads (a leader-only worker): when its binary knows
// a newer schema than the cluster's file, it waits until every voter's binary knows it
// too, then migrates the file through the cluster; it returns once the file is at the
// binary's version, or when ctx ends.
func (n *Node) RunSchemaGate(ctx context.Context) error {
	tick := time.NewTicker(schemaGatePoll)
	defer tick.Stop()
	held := ""
	for {
		file, err := n.fsm.db.FileSchema()
		known := n.fsm.db.KnownSchema()
		switch {
		case err != nil:
			n.log.Error("cluster: schema version unreadable", "error", err)
		case file >= known:
			return nil
		default:
			behind := n.votersBehind(ctx, known)
			if len(behind) == 0 {
				v, err := n.fsm.db.MigratePending()
				if err != nil {
					n.log.Error("cluster: schema migration through the cluster failed; trying again", "error", err)
					break
				}
				n.log.Info("cluster: schema migrated through the cluster: every voter runs a binary that knows it",
					"from", file, "to", v)
				return nil
			}
			if why := strings.Join(behind, ", "); why != held {
				held = why
				n.log.Warn(fmt.Sprintf("cluster: schema migration to version %d HELD: not every voter runs a binary "+
					"that knows it (%s); upgrade them (followers first, one at a time, then the leader)", known, why),
					"file_version", file, "binary_version", known)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// votersBehind names the voters (other than this node) whose binary does not know schema
// version want, or that did not answer: each as "id (why)".
func (n *Node) votersBehind(ctx context.Context, want uint64) []string {
	f := n.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return []string{"the configuration is unreadable: " + err.Error()}
	}
	var behind []string
	for _, s := range f.Configuration().Servers {
		if s.Suffrage != raft.Voter || string(s.ID) == n.cfg.NodeID {
			continue
		}
		st := n.followerState(ctx, string(s.ID), string(s.Address), n.raft.CommitIndex())
		switch {
		case !st.Reachable:
			behind = append(behind, string(s.ID)+" unreachable")
		case st.SchemaVersion < want:
			behind = append(behind, fmt.Sprintf("%s knows version %d", s.ID, st.SchemaVersion))
		}
	}
	return behind
}

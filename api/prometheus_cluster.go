package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/alertifypro/alertifypro/cluster"
)

// writeClusterMetrics writes the cluster's families (SPEC §9) of a clustered node: its
// Raft term and indexes, whether it leads and whom it knows as leader, its last contact
// with the leader, the commits it made while leading, its binary's schema version, and on
// the leader each follower's lag and reachability.
func writeClusterMetrics(ctx context.Context, w io.Writer, cl Cluster) {
	m := cl.Metrics(ctx)
	node := promLabels("node_id", m.NodeID)
	gauge := func(name, help string, labels string, v float64) {
		family(w, name, "gauge", help, bytesLine(name+labels+" "+strconv.FormatFloat(v, 'g', -1, 64)))
	}
	gauge("alertifypro_cluster_term", "The Raft term this node is in.", node, float64(m.Term))
	gauge("alertifypro_cluster_is_leader", "1 while this node leads the cluster, else 0.", node, boolFloat(m.Leader))
	var leader bytes.Buffer
	if m.LeaderID != "" {
		fmt.Fprintf(&leader, "alertifypro_cluster_leader_info%s 1\n", promLabels("node_id", m.NodeID, "leader_id", m.LeaderID))
	}
	family(w, "alertifypro_cluster_leader_info", "gauge", "Always 1 while a leader is known; leader_id names it (no sample during an election).", &leader)
	gauge("alertifypro_cluster_commit_index", "The last Raft entry this node knows committed.", node, float64(m.CommitIndex))
	gauge("alertifypro_cluster_applied_index", "The last Raft entry this node's state machine applied.", node, float64(m.AppliedIndex))
	var contact bytes.Buffer
	if m.LastContact >= 0 {
		fmt.Fprintf(&contact, "alertifypro_cluster_last_contact_seconds%s %g\n", node, m.LastContact.Seconds())
	}
	family(w, "alertifypro_cluster_last_contact_seconds", "gauge", "Seconds since this node last heard from the leader (0 on the leader; no sample before any contact).", &contact)
	gauge("alertifypro_cluster_schema_version", "The store schema version this node's binary knows (the rolling-upgrade gate compares them).", node, float64(m.SchemaVersion))
	family(w, "alertifypro_cluster_commit_latency_seconds", "histogram", "Writes this node committed through Raft while leading: from the write set handed to Raft to its commit by a quorum and its apply here.", histogramLines("alertifypro_cluster_commit_latency_seconds", m.CommitLatency))
	var lag, reach bytes.Buffer
	for _, f := range m.Followers {
		labels := promLabels("follower", f.ID)
		fmt.Fprintf(&reach, "alertifypro_cluster_follower_reachable%s %g\n", labels, boolFloat(f.Reachable))
		if f.Reachable {
			fmt.Fprintf(&lag, "alertifypro_cluster_follower_lag_entries%s %d\n", labels, f.Lag)
		}
	}
	family(w, "alertifypro_cluster_follower_lag_entries", "gauge", "On the leader: entries a follower has yet to apply of those the leader knows committed.", &lag)
	family(w, "alertifypro_cluster_follower_reachable", "gauge", "On the leader: 1 when a follower answered the leader within a second, else 0.", &reach)
}

// histogramLines are a histogram's _bucket, _sum and _count samples.
func histogramLines(name string, h cluster.Histogram) io.Reader {
	var b bytes.Buffer
	for i, le := range h.Bounds {
		fmt.Fprintf(&b, "%s_bucket%s %d\n", name, promLabels("le", strconv.FormatFloat(le, 'g', -1, 64)), h.Cumulative[i])
	}
	fmt.Fprintf(&b, "%s_bucket%s %d\n%s_sum %g\n%s_count %d\n", name, promLabels("le", "+Inf"), h.Count, name, h.Sum, name, h.Count)
	return &b
}

func bytesLine(s string) io.Reader { return bytes.NewBufferString(s + "\n") }

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

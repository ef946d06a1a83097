package main

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const clusterMetricsToken = "cluster-test-metrics-token-0123456789"

// scrapeMetrics reads node n's /metrics into sample line (name with labels) → value.
func scrapeMetrics(t *testing.T, n *clusterNode) map[string]float64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+n.httpAddr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+clusterMetricsToken)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", n.id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", n.id, resp.Status)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	out := map[string]float64{}
	sc := bufio.NewScanner(&body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("scrape %s: bad sample %q", n.id, line)
		}
		out[line[:i]] = v
	}
	return out
}

// metric is the value of sample key, failing the test when it is absent.
func metric(t *testing.T, samples map[string]float64, key string) float64 {
	t.Helper()
	v, ok := samples[key]
	if !ok {
		var names []string
		for k := range samples {
			if strings.HasPrefix(k, "alertifypro_cluster") {
				names = append(names, k)
			}
		}
		t.Fatalf("no sample %s; the cluster's are %v", key, names)
	}
	return v
}

// The cluster's metrics on /metrics (SPEC §9): every node shows its term, whether it
// leads and whom it knows as leader, its indexes, its last contact and its binary's schema
// version; the leader its commit latency histogram and each follower's lag and
// reachability. They move: writes raise the indexes and the histogram's count, and a
// killed follower turns unreachable.
func TestClusterMetrics(t *testing.T) {
	c := newTestCluster(t, 3, "METRICS_TOKEN="+clusterMetricsToken)
	c.startAll()
	leader := c.register()
	var follower, other *clusterNode
	for _, n := range c.nodes {
		switch {
		case n == leader:
		case follower == nil:
			follower = n
		default:
			other = n
		}
	}
	term := c.status(leader).Term
	lead := `{node_id="` + leader.id + `"}`
	before := scrapeMetrics(t, leader)
	if metric(t, before, "alertifypro_cluster_is_leader"+lead) != 1 || metric(t, before, "alertifypro_cluster_term"+lead) != float64(term) {
		t.Fatalf("the leader's metrics: is_leader %v, term %v (want 1, %d)", before["alertifypro_cluster_is_leader"+lead],
			before["alertifypro_cluster_term"+lead], term)
	}
	for i := range 20 {
		c.createTeam(5*time.Second, "metrics-"+strconv.Itoa(i))
	}
	after := scrapeMetrics(t, leader)
	if got, was := metric(t, after, "alertifypro_cluster_commit_latency_seconds_count"), metric(t, before, "alertifypro_cluster_commit_latency_seconds_count"); got < was+20 {
		t.Fatalf("the commit latency histogram counted %v commits after 20 writes, from %v", got, was)
	}
	if metric(t, after, `alertifypro_cluster_commit_latency_seconds_bucket{le="+Inf"}`) != metric(t, after, "alertifypro_cluster_commit_latency_seconds_count") {
		t.Fatal("the +Inf bucket differs from the count")
	}
	if got, was := metric(t, after, "alertifypro_cluster_commit_index"+lead), metric(t, before, "alertifypro_cluster_commit_index"+lead); got < was+20 {
		t.Fatalf("the commit index moved from %v to %v over 20 writes", was, got)
	}
	for _, f := range []*clusterNode{follower, other} {
		fl := `{follower="` + f.id + `"}`
		if metric(t, after, "alertifypro_cluster_follower_reachable"+fl) != 1 {
			t.Fatalf("follower %s not reachable in the leader's metrics", f.id)
		}
		if lag := metric(t, after, "alertifypro_cluster_follower_lag_entries"+fl); lag > 20 {
			t.Fatalf("follower %s lags %v entries while idle", f.id, lag)
		}
	}
	if metric(t, after, "alertifypro_cluster_schema_version"+lead) < 1 {
		t.Fatal("no schema version")
	}

	// A follower: not leading, knows the leader, heard from it within moments, applied
	// the writes.
	fs := scrapeMetrics(t, follower)
	fol := `{node_id="` + follower.id + `"}`
	if metric(t, fs, "alertifypro_cluster_is_leader"+fol) != 0 {
		t.Fatal("the follower says it leads")
	}
	metric(t, fs, `alertifypro_cluster_leader_info{node_id="`+follower.id+`",leader_id="`+leader.id+`"}`)
	if contact := metric(t, fs, "alertifypro_cluster_last_contact_seconds"+fol); contact < 0 || contact > 5 {
		t.Fatalf("the follower's last contact was %vs ago", contact)
	}
	if applied := metric(t, fs, "alertifypro_cluster_applied_index"+fol); applied < metric(t, after, "alertifypro_cluster_commit_index"+lead)-5 {
		t.Fatalf("the follower applied %v, the leader committed %v", applied, after["alertifypro_cluster_commit_index"+lead])
	}
	if _, ok := fs["alertifypro_cluster_follower_lag_entries"+`{follower="`+other.id+`"}`]; ok {
		t.Fatal("a follower reports followers' lag")
	}

	// A killed follower turns unreachable on the leader.
	other.kill()
	waitForCond(t, 10*time.Second, "the killed follower unreachable in the leader's metrics", func() bool {
		return scrapeMetrics(t, leader)["alertifypro_cluster_follower_reachable"+`{follower="`+other.id+`"}`] == 0
	})
}

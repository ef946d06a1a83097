package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A read with X-AlertifyPro-Min-Index (SPEC §9): a follower serves it once it has applied
// that index, and its answer carries the index it reflects; an index no node reaches is
// forwarded to the leader after a second, which refuses it after its own second with 503
// index_not_applied; a header that is not an index is refused with 422.
func TestClusterReadsWaitForMinIndex(t *testing.T) {
	c := newTestCluster(t, 3)
	c.startAll()
	leader := c.register()
	follower := c.others(leader)[0]

	for i := range 5 {
		id, _, index := c.createTeam(5*time.Second, "read me "+strconv.Itoa(i))
		// Straight after the write, through a follower: the team is there.
		min := http.Header{"X-Alertifypro-Min-Index": {strconv.FormatUint(index, 10)}}
		status, header, raw := follower.callFrom("", http.MethodGet, "/api/v1/teams/"+id, c.key, nil, min)
		if status != http.StatusOK {
			t.Fatalf("read of a team written at %d, through %s: %d %s", index, follower.id, status, raw)
		}
		got, err := strconv.ParseUint(header.Get("X-AlertifyPro-Index"), 10, 64)
		if err != nil || got < index {
			t.Errorf("the read's answer carries index %q, want at least %d", header.Get("X-AlertifyPro-Index"), index)
		}
	}

	status, header, _ := leader.call(http.MethodGet, "/api/v1/teams", c.key, nil)
	current, _ := strconv.ParseUint(header.Get("X-AlertifyPro-Index"), 10, 64)
	if status != http.StatusOK || current == 0 {
		t.Fatalf("a read carries index %q", header.Get("X-AlertifyPro-Index"))
	}
	ahead := http.Header{"X-Alertifypro-Min-Index": {strconv.FormatUint(current+1_000_000, 10)}}
	began := time.Now()
	status, header, raw := follower.callFrom("", http.MethodGet, "/api/v1/teams", c.key, nil, ahead)
	waited := time.Since(began)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(raw), `"index_not_applied"`) {
		t.Errorf("a read of an index no node has: %d %s", status, raw)
	}
	if by := header.Get("X-AlertifyPro-Node"); by != leader.id {
		t.Errorf("the read the follower could not serve was answered by %q, want the leader %s", by, leader.id)
	}
	if waited < 2*time.Second || waited > 5*time.Second {
		t.Errorf("the refusal came after %s, want a second on the follower and one on the leader", waited)
	}

	status, _, raw = follower.callFrom("", http.MethodGet, "/api/v1/teams", c.key, nil,
		http.Header{"X-Alertifypro-Min-Index": {"yesterday"}})
	var body struct {
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"`
	}
	if status != http.StatusUnprocessableEntity || json.Unmarshal(raw, &body) != nil || body.Fields["X-AlertifyPro-Min-Index"] == "" {
		t.Errorf("a Min-Index that is not one: %d %s", status, raw)
	}
}

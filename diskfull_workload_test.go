package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// diskWorkload creates services and heartbeats, runs check-now and sends pings, and
// remembers every write the server acknowledged.
type diskWorkload struct {
	t          *testing.T
	c          *apiClient
	target     string              // a loopback TCP listener the services check
	services   []string            // IDs of acknowledged services, in order
	checkable  []string            // those checked daily, which check-now runs on
	names      map[string]string   // service ID → name
	results    map[string][]string // service ID → checked_at of acknowledged results
	heartbeats []diskHeartbeat
	full       bool           // the disk has been filled; 507 answers are expected
	refused    map[string]int // refused writes by kind, while full
	// ackedWhileFull counts writes acknowledged after the disk was filled.
	ackedWhileFull int
	seq            int
}

type diskHeartbeat struct {
	id, key string
	pings   int // acknowledged
}

func newDiskWorkload(t *testing.T, c *apiClient) *diskWorkload {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	return &diskWorkload{t: t, c: c, target: ln.Addr().String(), names: map[string]string{},
		results: map[string][]string{}, refused: map[string]int{}}
}

// outcome classifies an answer to a write: the success status, or — once the disk is
// full — a 507 in the flat error body whose message says the disk is full. Anything else
// fails the test.
func (w *diskWorkload) outcome(what string, status int, raw []byte, success int) bool {
	w.t.Helper()
	if status == success {
		if w.full {
			w.ackedWhileFull++
		}
		return true
	}
	if !w.full || status != http.StatusInsufficientStorage {
		w.t.Fatalf("%s: %d %s; want %d (or 507 while the disk is full)", what, status, raw, success)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		w.t.Fatalf("%s: 507 without the flat JSON body: %s", what, raw)
	}
	msg, _ := body["message"].(string)
	if body["error"] != "insufficient_storage" || !strings.Contains(msg, "disk") || !strings.Contains(msg, "full") {
		w.t.Fatalf("%s: 507 body %s; want error insufficient_storage and a message saying the disk is full", what, raw)
	}
	for k := range body {
		if k != "error" && k != "message" && k != "fields" {
			w.t.Fatalf("%s: 507 body has %q beyond the flat error body: %s", what, k, raw)
		}
	}
	w.refused[strings.Fields(what)[0]]++
	return false
}

// createService creates a TCP service of the loopback target checked every interval
// seconds; those checked daily are the ones check-now runs on.
func (w *diskWorkload) createService(interval int) bool {
	w.seq++
	name := fmt.Sprintf("disk-%04d-%d", w.seq, time.Now().UnixNano())
	status, raw := w.c.call("POST", "/services", map[string]any{"name": name, "check_type": "TCP",
		"endpoint": w.target, "check_interval_seconds": interval, "description": strings.Repeat("d", 2000)})
	if !w.outcome("service "+name, status, raw, 201) {
		return false
	}
	var svc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &svc); err != nil {
		w.t.Fatal(err)
	}
	w.services = append(w.services, svc.ID)
	w.names[svc.ID] = name
	if interval == 86400 {
		w.checkable = append(w.checkable, svc.ID)
	}
	return true
}

func (w *diskWorkload) checkNow(i int) bool {
	id := w.checkable[i%len(w.checkable)]
	status, raw := w.c.call("POST", "/services/"+id+"/check", nil)
	// A new service is checked at once by the scheduler; a check-now meeting that check
	// is refused with 409 (one check of a service at a time) and is simply asked again.
	for try := 0; status == http.StatusConflict && try < 50; try++ {
		time.Sleep(100 * time.Millisecond)
		status, raw = w.c.call("POST", "/services/"+id+"/check", nil)
	}
	if !w.outcome("check-now of "+w.names[id], status, raw, 200) {
		return false
	}
	var res struct {
		CheckedAt string `json:"checked_at"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		w.t.Fatal(err)
	}
	w.results[id] = append(w.results[id], res.CheckedAt)
	return true
}

// ping sends a heartbeat ping with a body of the largest size the server keeps.
func (w *diskWorkload) ping(i int) bool {
	hb := &w.heartbeats[i%len(w.heartbeats)]
	status, raw := w.c.call("POST", "/heartbeat/"+hb.key, strings.Repeat("p", 10*1024))
	if !w.outcome("ping of "+hb.id, status, raw, 200) {
		return false
	}
	hb.pings++
	return true
}

func (w *diskWorkload) mustCreateService(interval int) {
	if !w.createService(interval) {
		w.t.Fatal("service creation refused")
	}
}

func (w *diskWorkload) mustCheckNow(i int) {
	if !w.checkNow(i) {
		w.t.Fatal("check-now refused")
	}
}

func (w *diskWorkload) mustPing(i int) {
	if !w.ping(i) {
		w.t.Fatal("ping refused")
	}
}

func (w *diskWorkload) mustCreateHeartbeat() {
	var hb struct {
		ID        string `json:"id"`
		UniqueKey string `json:"unique_key"`
	}
	w.c.must("POST", "/heartbeats", map[string]any{"name": fmt.Sprintf("job-%d", len(w.heartbeats)),
		"schedule": "every 1h", "grace_period_seconds": 600}, 201, &hb)
	w.heartbeats = append(w.heartbeats, diskHeartbeat{id: hb.ID, key: hb.UniqueKey})
}

// driveUntilFull writes until service creations, check-now results and pings have each
// been refused a few times (free pages inside the file let some writes through for a
// while: bbolt reuses them before it needs new space).
func (w *diskWorkload) driveUntilFull() {
	w.t.Helper()
	w.full = true
	const want, maxRounds = 10, 2000
	kinds := []string{"service", "check-now", "ping"}
	for round := 0; round < maxRounds; round++ {
		if w.refused["service"] < want {
			w.createService(86400)
		}
		w.checkNow(round)
		if round%4 == 0 && w.refused["ping"] < want {
			w.ping(round / 4)
		}
		done := true
		for _, k := range kinds {
			done = done && w.refused[k] >= want
		}
		if done {
			return
		}
	}
	w.t.Fatalf("after %d rounds not every kind of write was refused: %v", maxRounds, w.refused)
}

func (w *diskWorkload) refusedTotal() int {
	n := 0
	for _, v := range w.refused {
		n += v
	}
	return n
}

// verify checks through the API that every acknowledged write is there: exactly the
// acknowledged services and pings (a refused write left nothing behind), and every
// acknowledged result.
func (w *diskWorkload) verify(when string) {
	w.t.Helper()
	var list []struct {
		ID string `json:"id"`
	}
	w.c.must("GET", "/services?limit=1000", nil, 200, &list)
	got := make([]string, 0, len(list))
	for _, s := range list {
		got = append(got, s.ID)
	}
	want := slices.Clone(w.services)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		w.t.Errorf("%s: %d services listed, %d acknowledged", when, len(got), len(want))
	}
	for id, acked := range w.results {
		var checks []struct {
			CheckedAt string `json:"checked_at"`
		}
		w.c.must("GET", "/services/"+id+"/checks?limit=1000", nil, 200, &checks)
		have := map[string]bool{}
		for _, ch := range checks {
			have[ch.CheckedAt] = true
		}
		for _, at := range acked {
			if !have[at] {
				w.t.Errorf("%s: the result of %s at %s was acknowledged and is missing", when, w.names[id], at)
			}
		}
	}
	for _, hb := range w.heartbeats {
		var pings []json.RawMessage
		w.c.must("GET", "/heartbeats/"+hb.id+"/pings", nil, 200, &pings)
		if len(pings) != hb.pings {
			w.t.Errorf("%s: heartbeat %s has %d pings, %d were acknowledged", when, hb.id, len(pings), hb.pings)
		}
	}
}

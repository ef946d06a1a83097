package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// writers keep creating teams through whichever node takes them, from several goroutines,
// until stop is closed; every team a node acknowledged (201) is kept with the node and the
// time, so a test can check that no acknowledged write was lost.
type writers struct {
	c    *testCluster
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	acks []ackedWrite
}

// ackedWrite is one acknowledged team.
type ackedWrite struct {
	id string
	by *clusterNode
	at time.Time
}

// startWriters starts n writers.
func (c *testCluster) startWriters(n int) *writers {
	w := &writers{c: c, stop: make(chan struct{})}
	// Names unique across the writers a test starts, or a second set would be refused
	// (409: team names are unique) and acknowledge nothing.
	started := time.Now().Format(time.RFC3339Nano)
	for i := range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := 0; ; j++ {
				select {
				case <-w.stop:
					return
				default:
				}
				if !w.once(fmt.Sprintf("writer %d team %d of %s", i, j, started)) {
					time.Sleep(20 * time.Millisecond) // no node took it: an election
				}
			}
		}()
	}
	return w
}

// once offers one write to every live node in turn; true when one acknowledged it.
func (w *writers) once(name string) bool {
	for _, n := range w.c.nodes {
		if !n.running() {
			continue
		}
		status, header, raw := n.call(http.MethodPost, "/api/v1/teams", w.c.key, map[string]string{"name": name})
		if status != http.StatusCreated {
			continue
		}
		var out struct {
			ID string `json:"id"`
		}
		var by *clusterNode
		for _, m := range w.c.nodes {
			if m.id == header.Get("X-AlertifyPro-Node") {
				by = m
			}
		}
		if json.Unmarshal(raw, &out) == nil && out.ID != "" && by != nil {
			w.mu.Lock()
			w.acks = append(w.acks, ackedWrite{id: out.ID, by: by, at: time.Now()})
			w.mu.Unlock()
			return true
		}
	}
	return false
}

// halt stops the writers and returns every acknowledged write.
func (w *writers) halt() []ackedWrite {
	close(w.stop)
	w.wg.Wait()
	return w.acks
}

// firstBy is the first write acknowledged by another node than not, after since.
func firstBy(acks []ackedWrite, not *clusterNode, since time.Time) (ackedWrite, bool) {
	for _, a := range acks {
		if a.by != not && a.at.After(since) {
			return a, true
		}
	}
	return ackedWrite{}, false
}

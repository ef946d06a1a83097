package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// A register history, as etcd's robustness tests keep one (SPEC §9): clients write and read
// one register — a team's name, PUT and GET /teams/{id} — through every node while faults
// happen, each operation kept with the times it was invoked and answered, and the history
// is checked for linearizability with porcupine against a register's sequential model.
//
// Reads carry X-AlertifyPro-Min-Index: the highest X-AlertifyPro-Index of any operation that
// had completed when the read was invoked. A follower serves reads from its own copy, which
// may trail the leader, so without it a read could miss a write that completed before it
// began — allowed for plain reads (documented), and not what is checked here. With it, a
// read waits for (or is forwarded to) a copy with every completed operation in it, which is
// what linearizability asks; and the history checks that the index a node gives its answers
// is honest (a read's index covers what it saw, a write's covers its entry).
//
// Outcomes: a write answered 2xx happened and returned then; one refused with 503
// not_leader ("nothing was saved") did not happen and is left out — were it saved, a read
// would see a value no write in the history wrote; any other failure (a timeout, a broken
// forward, commit_unknown) may or may not have happened: it returns at infinity, so porcupine
// may place it anywhere after its invocation, or never. A failed read is left out.

// registerInput is one operation's input: a write of value, or a read.
type registerInput struct {
	write bool
	value string
}

// registerModel is a register's sequential specification; its state is the value.
var registerModel = porcupine.Model{
	Init: func() any { return "v0" },
	Step: func(state, input, output any) (bool, any) {
		in := input.(registerInput)
		if in.write {
			return true, in.value
		}
		return output.(string) == state.(string), state
	},
	DescribeOperation: func(input, output any) string {
		in := input.(registerInput)
		if in.write {
			return "write " + in.value
		}
		return fmt.Sprintf("read → %v", output)
	},
}

// registerHistory records the operations of its clients on the register team.
type registerHistory struct {
	c       *testCluster
	teamID  string
	start   time.Time
	clients int
	stop    chan struct{}
	wg      sync.WaitGroup
	highest atomic.Uint64 // the highest index of a completed operation

	mu        sync.Mutex
	ops       []porcupine.Operation
	written   int // writes answered 2xx
	unknown   int // writes of unknown outcome
	refused   int // writes refused with not_leader
	reads     int // reads answered
	readFails int
}

// startRegisterHistory creates the register (a team named v0) and starts clients clients
// that write and read it, through the running nodes in turn, until halt.
func (c *testCluster) startRegisterHistory(clients int) *registerHistory {
	c.t.Helper()
	id, _, index := c.createTeam(10*time.Second, "v0")
	h := &registerHistory{c: c, teamID: id, start: time.Now(), clients: clients, stop: make(chan struct{})}
	h.highest.Store(index)
	for i := range clients {
		h.wg.Add(1)
		go h.client(i)
	}
	return h
}

// now is the history's clock: nanoseconds since it started (monotonic).
func (h *registerHistory) now() int64 { return int64(time.Since(h.start)) }

// client runs operations until stop, each through the next running node.
func (h *registerHistory) client(id int) {
	defer h.wg.Done()
	rng := rand.New(rand.NewPCG(uint64(id), uint64(h.start.UnixNano())))
	for seq := 0; ; seq++ {
		select {
		case <-h.stop:
			return
		default:
		}
		nodes := h.c.runningNodes()
		if len(nodes) == 0 {
			return
		}
		n := nodes[(id+seq)%len(nodes)]
		if rng.IntN(2) == 0 {
			h.write(id, n, fmt.Sprintf("c%d-%d", id, seq))
		} else {
			h.read(id, n)
		}
		time.Sleep(time.Duration(5+rng.IntN(20)) * time.Millisecond)
	}
}

// write sets the register to value through n and records the outcome.
func (h *registerHistory) write(client int, n *clusterNode, value string) {
	call := h.now()
	status, header, raw := request(n, 5*time.Second, http.MethodPut, "/api/v1/teams/"+h.teamID, h.c.key,
		map[string]string{"name": value}, nil)
	if status == http.StatusOK {
		h.noteIndex(header) // before the return time: see read
	}
	ret := h.now()
	op := porcupine.Operation{ClientId: client, Input: registerInput{write: true, value: value}, Call: call,
		Output: "", Metadata: n.id}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case status == http.StatusOK:
		op.Return = ret
		h.written++
	case status == http.StatusServiceUnavailable && strings.Contains(string(raw), `"not_leader"`):
		h.refused++
		return
	default:
		op.Return = math.MaxInt64
		op.Metadata = fmt.Sprintf("%s: %d %.80s", n.id, status, raw)
		h.unknown++
	}
	h.ops = append(h.ops, op)
}

// read reads the register through n, asking for every completed operation's index.
func (h *registerHistory) read(client int, n *clusterNode) {
	// The index is taken after the invocation time and published before the return
	// time: every operation that returned before this one began is in min.
	call := h.now()
	min := strconv.FormatUint(h.highest.Load(), 10)
	status, header, raw := request(n, 5*time.Second, http.MethodGet, "/api/v1/teams/"+h.teamID, h.c.key, nil,
		http.Header{"X-Alertifypro-Min-Index": {min}})
	var team struct {
		Name string `json:"name"`
	}
	ok := status == http.StatusOK && json.Unmarshal(raw, &team) == nil
	if ok {
		h.noteIndex(header)
	}
	ret := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !ok {
		h.readFails++
		return
	}
	h.reads++
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: registerInput{}, Call: call,
		Output: team.Name, Return: ret, Metadata: n.id + " min " + min + " at " + header.Get("X-AlertifyPro-Index")})
}

// noteIndex raises highest to the answer's index.
func (h *registerHistory) noteIndex(header http.Header) {
	index, err := strconv.ParseUint(header.Get("X-AlertifyPro-Index"), 10, 64)
	if err != nil {
		h.c.t.Errorf("an answer without X-AlertifyPro-Index: %v", header)
		return
	}
	for {
		cur := h.highest.Load()
		if index <= cur || h.highest.CompareAndSwap(cur, index) {
			return
		}
	}
}

// halt stops the clients and checks the history: linearizable, with enough of it answered
// to mean something.
func (h *registerHistory) halt() {
	t := h.c.t
	t.Helper()
	close(h.stop)
	h.wg.Wait()
	t.Logf("register history: %d operations: %d writes saved, %d refused (not saved), %d of unknown outcome; "+
		"%d reads answered, %d failed", len(h.ops), h.written, h.refused, h.unknown, h.reads, h.readFails)
	if h.written < 20 || h.reads < 20 {
		t.Errorf("too little of the history was answered to check it")
	}
	// A write's outcome is unknown only when its node died, or its connection to the
	// leader broke, with the write in flight: a few per fault. Many more mean answers that
	// say "may have been saved" where the node knows nothing was, and a history porcupine
	// cannot check in time (each such write may fall anywhere after its start).
	if h.unknown > 4*h.clients {
		t.Errorf("%d writes of unknown outcome: more than in-flight writes at the faults", h.unknown)
	}
	began := time.Now()
	res, info := porcupine.CheckOperationsVerbose(registerModel, h.ops, time.Minute)
	t.Logf("porcupine: %s in %s", res, time.Since(began).Round(time.Millisecond))
	if res != porcupine.Ok {
		// Kept for a person to read where the test says (ALERTIFYPRO_HISTORY_DIR, else the
		// test's temporary directory, removed after it).
		dir := os.Getenv("ALERTIFYPRO_HISTORY_DIR")
		if dir == "" {
			dir = t.TempDir()
		}
		var buf bytes.Buffer
		if err := porcupine.Visualize(registerModel, info, &buf); err == nil {
			_ = os.WriteFile(dir+"/"+t.Name()+".html", buf.Bytes(), 0o600)
		}
		buf.Reset()
		sorted := append([]porcupine.Operation(nil), h.ops...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Call < sorted[j].Call })
		for _, op := range sorted {
			ret := "∞"
			if op.Return != math.MaxInt64 {
				ret = strconv.FormatInt(op.Return/1e3, 10)
			}
			fmt.Fprintf(&buf, "%d-%s client %d %s via %v\n", op.Call/1e3, ret, op.ClientId,
				registerModel.DescribeOperation(op.Input, op.Output), op.Metadata)
		}
		_ = os.WriteFile(dir+"/"+t.Name()+".txt", buf.Bytes(), 0o600)
		t.Logf("the history, visualized and as text: %s/%s.{html,txt}", dir, t.Name())
		t.Errorf("the register's history is not linearizable (%s)", res)
	}
}

// runningNodes is the nodes started and not killed (a stopped process is still running).
func (c *testCluster) runningNodes() []*clusterNode {
	var out []*clusterNode
	for _, n := range c.nodes {
		if n.running() && !n.outsider {
			out = append(out, n)
		}
	}
	return out
}

// request is a call to n with a timeout of its own; a transport error or timeout is
// status 0.
func request(n *clusterNode, timeout time.Duration, method, path, token string, body any, header http.Header) (int, http.Header, []byte) {
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, "http://"+n.httpAddr+path, r)
	if err != nil {
		return 0, nil, nil
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

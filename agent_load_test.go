package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// The agents' load programs (SPEC §8's performance line), gated by ALERTIFYPRO_LOAD=1:
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadAgent$' -v -timeout 10m .
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadAgentIngest$' -v -timeout 10m .
//
// TestLoadAgent: one real agent process checks 10 000 HTTP services at 10 s — 1 000
// checks/s — of a real server (in this process, fsync on) against loopback targets in a
// process of their own, so the agent's CPU and memory are its own. It asserts the rate and
// reports the agent's CPU and RSS. Then the server stops for 20 s: the agent buffers about
// 20 000 results and delivers them when the server returns; the program asserts they all
// arrive and reports how fast, with the agent, its checks and the targets still on the
// same two cores.
//
// TestLoadAgentIngest: the server's ingest alone, over the real channel — WebSocket, hello,
// assignments, batches of 1 000 results, one in flight per agent, each acknowledged after
// its fsynced transaction, exactly as the agent sends them — from clients that speak the
// protocol without checking anything, so the two cores are the server's. It asserts at
// least 10 000 results/s.

const (
	agentLoadServices = 10_000
	agentLoadInterval = 10 // seconds
	agentLoadOutage   = 20 * time.Second
)

// agentLoadTargetEnv makes TestAgentLoadTargetProcess the target process.
const agentLoadTargetEnv = "ALERTIFYPRO_AGENT_LOAD_TARGET"

// TestAgentLoadTargetProcess is the check target of TestLoadAgent, run as a child: an HTTP
// server on loopback that answers 200, prints "ADDR host:port", then "COUNT n" (requests
// answered) every 250 ms, and exits when its standard input closes.
func TestAgentLoadTargetProcess(t *testing.T) {
	if os.Getenv(agentLoadTargetEnv) == "" {
		t.Skip("the check target of TestLoadAgent (run by it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var answered atomic.Int64
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		answered.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	fmt.Printf("ADDR %s\n", ln.Addr())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	for range time.Tick(250 * time.Millisecond) {
		fmt.Printf("COUNT %d\n", answered.Load())
	}
}

// agentLoadTarget is the target process as the load program sees it.
type agentLoadTarget struct {
	addr  string
	count atomic.Int64
}

func startAgentLoadTarget(t *testing.T) *agentLoadTarget {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAgentLoadTargetProcess$")
	cmd.Env = append(os.Environ(), agentLoadTargetEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	tg := &agentLoadTarget{}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			switch f := strings.Fields(sc.Text()); {
			case len(f) == 2 && f[0] == "ADDR":
				ready <- f[1]
			case len(f) == 2 && f[0] == "COUNT":
				if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					tg.count.Store(v)
				}
			}
		}
	}()
	select {
	case tg.addr = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the target process did not start")
	}
	return tg
}

// procCPU is the CPU time process pid has used (user + system).
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which may hold spaces) start at state: utime and
	// stime are the 12th and 13th of them, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// procMemKB is a /proc/pid/status field in KiB (VmRSS, VmHWM).
func procMemKB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return v
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func loadAverage() string {
	raw, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(raw))
}

// seedAgentLoad writes n HTTP services of orgID checked from "home" at the load interval
// straight into the stopped server's store, without fsync (seeding is not measured).
func seedAgentLoad(t *testing.T, s *agentServer, orgID, target string, n int) {
	t.Helper()
	db, err := store.Open(filepath.Join(s.cfg.DataDir, "alertifypro.db"), testStoreOptions(store.Options{NoSync: true}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		svc := &store.Service{ID: store.NewID(), Name: fmt.Sprintf("load-%05d", i), CheckType: "HTTP",
			Endpoint: fmt.Sprintf("http://%s/svc/%d", target, i), CheckIntervalSeconds: agentLoadInterval, TimeoutSeconds: 5,
			Options: []byte(`{"method":"GET","expected_status_codes":[200]}`), Locations: []string{"home"}}
		if err := db.CreateService(orgID, svc, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadAgent(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1 to run")
	}
	t.Logf("load average at start: %s", loadAverage())
	defer func() { t.Logf("load average at end: %s", loadAverage()) }()
	tg := startAgentLoadTarget(t)
	srv := newAgentServer(t)
	org, owner := srv.org("load")
	_, _, token := srv.location(owner, "home")
	srv.stop()
	seedAgentLoad(t, srv, org, tg.addr, agentLoadServices)
	srv.restart()
	a := startAgent(t, srv.url(), token, "load", "127.0.0.1", "LOG_LEVEL=info")
	pid := a.cmd.Process.Pid
	a.waitLog(30*time.Second, "assignments received", nil)

	// Steady state: every service has had its first check after one interval.
	time.Sleep(agentLoadInterval*time.Second + 5*time.Second)
	const window = 20 * time.Second
	cpu0, checks0, recorded0, at0 := procCPU(t, pid), tg.count.Load(), srv.sink.count(), time.Now()
	time.Sleep(window)
	cpu1, checks1, recorded1, at1 := procCPU(t, pid), tg.count.Load(), srv.sink.count(), time.Now()
	elapsed := at1.Sub(at0).Seconds()
	rate := float64(checks1-checks0) / elapsed
	recRate := float64(recorded1-recorded0) / elapsed
	cpuShare := (cpu1 - cpu0).Seconds() / elapsed
	t.Logf("agent: %.0f checks/s made, %.0f results/s recorded by the server; agent CPU %.0f%% of one core (%.2f ms per check), RSS %d MiB",
		rate, recRate, cpuShare*100, (cpu1-cpu0).Seconds()*1000/float64(checks1-checks0), procMemKB(t, pid, "VmRSS")/1024)
	if rate < 950 || recRate < 900 {
		t.Fatalf("%.0f checks/s made and %.0f recorded: the agent does not sustain 1 000 checks/s", rate, recRate)
	}

	// The server away for a while: the agent buffers; on its return the backlog arrives.
	srv.stop()
	time.Sleep(agentLoadOutage)
	backlog := tg.count.Load()
	up := time.Now()
	srv.restart()
	deadline := up.Add(60 * time.Second)
	for {
		if srv.sink.count() >= int(backlog) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d results recorded 60 s after the server returned", srv.sink.count(), backlog)
		}
		time.Sleep(5 * time.Millisecond)
	}
	caughtUp := time.Now()
	var first time.Time
	n := 0
	for _, r := range srv.sink.all() {
		if r.ReceivedAt.After(up) {
			n++
			if first.IsZero() || r.ReceivedAt.Before(first) {
				first = r.ReceivedAt
			}
		}
	}
	t.Logf("the agent's backlog: %d results recorded in %v from the first batch after the restart (%.0f results/s, with the agent still checking 1 000/s beside the server); reconnected %v after the restart; agent peak RSS %d MiB",
		n, caughtUp.Sub(first).Round(time.Millisecond), float64(n)/caughtUp.Sub(first).Seconds(),
		first.Sub(up).Round(time.Millisecond), procMemKB(t, pid, "VmHWM")/1024)
}

package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The check targets of the load programs run in a process of their own — this test binary
// run again as TestLoadTargetProcess — so the CPU they spend is not the server's. The
// child prints "ADDR host:port" per listener, then "READY", then the number of checks it
// has answered every 250 ms ("COUNT n"); it exits when its standard input closes (the
// parent ending, however it ends).
const loadTargetEnv = "ALERTIFYPRO_LOAD_TARGET" // "tcp" or "http"

// loadTargets is the running target process seen from the load program.
type loadTargets struct {
	addrs []string
	count atomic.Int64 // checks answered, as last reported
}

// startLoadTargets runs n loopback listeners of kind ("tcp": accept and close; "http":
// answer 200 "ok") in a child process and returns them once they listen. The child is
// stopped when the test ends.
func startLoadTargets(t *testing.T, n int, kind string) *loadTargets {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadTargetProcess$")
	cmd.Env = append(os.Environ(), loadTargetEnv+"="+kind, "ALERTIFYPRO_LOAD_TARGETS="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill() // our own child, by its pid
			<-done
		}
	})
	lt := &loadTargets{}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			switch f := strings.Fields(sc.Text()); {
			case len(f) == 2 && f[0] == "ADDR":
				lt.addrs = append(lt.addrs, f[1])
			case len(f) == 1 && f[0] == "READY":
				close(ready)
			case len(f) == 2 && f[0] == "COUNT":
				if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					lt.count.Store(v)
				}
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the target process did not start")
	}
	return lt
}

// TestLoadTargetProcess is the child of startLoadTargets; run on its own it skips.
func TestLoadTargetProcess(t *testing.T) {
	kind := os.Getenv(loadTargetEnv)
	if kind == "" {
		t.Skip("the check targets of the load programs (run by startLoadTargets)")
	}
	n, _ := strconv.Atoi(os.Getenv("ALERTIFYPRO_LOAD_TARGETS"))
	var answered atomic.Int64
	for range max(n, 1) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		fmt.Printf("ADDR %s\n", ln.Addr())
		if kind == "http" {
			srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				answered.Add(1)
				io.WriteString(w, "ok")
			})}
			go srv.Serve(ln)
			continue
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				answered.Add(1)
				c.Close()
			}
		}()
	}
	fmt.Println("READY")
	parentGone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin) // until the parent goes
		close(parentGone)
	}()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-parentGone:
			return
		case <-tick.C:
			fmt.Printf("COUNT %d\n", answered.Load())
		}
	}
}

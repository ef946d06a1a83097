package api

// The child process of TestImportBombs and the parent's handle on it: see the top of
// config_import_bomb_test.go for the design.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// bombChild is the child server process as the parent sees it.
type bombChild struct {
	url, token string
	stdin      io.Closer
	stderr     *lockedBuffer
}

// startBombChild starts the child and reads its address and token; cleanup closes its
// stdin (it shuts down) and waits for it.
func startBombChild(t *testing.T) *bombChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportBombServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), importBombChildEnv+"=1", "GOMEMLIMIT=256MiB")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &bombChild{stdin: stdin, stderr: &lockedBuffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("child server: %v\n%s", err, c.stderrTail())
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("child server did not stop\n%s", c.stderrTail())
		}
	})
	ready := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "bomb-server" {
				ready <- f[1:]
			}
		}
		close(ready)
	}()
	select {
	case f, ok := <-ready:
		if !ok {
			t.Fatalf("child server exited before it was ready:\n%s", c.stderrTail())
		}
		c.url, c.token = f[0], f[1]
	case <-time.After(60 * time.Second):
		t.Fatalf("child server not ready after 60 s:\n%s", c.stderrTail())
	}
	return c
}

// get fetches a path of the child and returns the body.
func (c *bombChild) get(t *testing.T, path string) string {
	t.Helper()
	res, err := http.Get(c.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v\nchild stderr:\n%s", path, err, c.stderrTail())
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return strings.TrimSpace(string(b))
}

func (c *bombChild) stderrTail() string {
	s := c.stderr.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// healthPoller asks GET /api/v1/health every 20 ms until stopped.
type healthPoller struct {
	stopc    chan struct{}
	done     chan struct{}
	answered atomic.Int64
	mu       sync.Mutex
	failures []string
}

func (c *bombChild) pollHealth() *healthPoller {
	p := &healthPoller{stopc: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 2 * time.Second}
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stopc:
				return
			case <-time.After(20 * time.Millisecond):
			}
			res, err := client.Get(c.url + "/api/v1/health")
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					p.answered.Add(1)
					continue
				}
				err = fmt.Errorf("status %d", res.StatusCode)
			}
			p.mu.Lock()
			if len(p.failures) < 5 {
				p.failures = append(p.failures, err.Error())
			}
			p.mu.Unlock()
		}
	}()
	return p
}

// stop ends the polling and reports how many checks answered and the first failures.
func (p *healthPoller) stop() (int64, string) {
	close(p.stopc)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered.Load(), strings.Join(p.failures, "; ")
}

// lockedBuffer is a bytes.Buffer safe for the child's stderr copier and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestImportBombServer is the child process of TestImportBombs (skipped otherwise).
func TestImportBombServer(t *testing.T) {
	if os.Getenv(importBombChildEnv) != "1" {
		t.Skip("child process of TestImportBombs")
	}
	capAddressSpace(t)
	heap := startHeapWatch()
	e := newTestEnv(t)
	owner := e.newUser("ada@example.com", "Ada")
	member := e.join(owner.OrgID, e.newUser("mel@example.com", "Mel"), roleMember)
	mux := http.NewServeMux()
	mux.HandleFunc("/_heap/reset", func(w http.ResponseWriter, _ *http.Request) { heap.reset() })
	mux.HandleFunc("/_heap/peak", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, heap.growth()) })
	mux.Handle("/", e.router)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(ln.Addr().String(), mux, e.deps.Logger)
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("bomb-server http://%s %s\n", ln.Addr(), member)
	_, _ = io.Copy(io.Discard, os.Stdin) // the parent closes stdin when it is done
	_ = srv.Close()
}

// capAddressSpace limits the child's address space to what it maps now plus
// bombChildExtraAS (or to the limit it already has, if lower), so a runaway allocation
// fails inside the child. Without /proc the heap watchdog alone bounds the child.
func capAddressSpace(t *testing.T) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Logf("no /proc/self/status (%v): the heap watchdog alone bounds the child", err)
		return
	}
	var vmKB uint64
	for line := range strings.SplitSeq(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmSize:" {
			vmKB, _ = strconv.ParseUint(f[1], 10, 64)
		}
	}
	var current syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &current); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	limit := min(vmKB<<10+bombChildExtraAS, current.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatalf("setrlimit: %v", err)
	}
}

// heapWatch samples the heap every millisecond: it keeps the peak since the last reset
// and exits the process when the heap passes bombChildHeapCap.
type heapWatch struct {
	baseline, peak atomic.Uint64
}

func startHeapWatch() *heapWatch {
	h := &heapWatch{}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			now := sample[0].Value.Uint64()
			if now > bombChildHeapCap {
				fmt.Fprintf(os.Stderr, "heap watchdog: %d MiB in use, over the %d MiB cap; exiting\n", now>>20, bombChildHeapCap>>20)
				os.Exit(3)
			}
			for p := h.peak.Load(); now > p && !h.peak.CompareAndSwap(p, now); p = h.peak.Load() {
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return h
}

// reset collects garbage and makes the current heap the baseline and the peak.
func (h *heapWatch) reset() {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	h.baseline.Store(sample[0].Value.Uint64())
	h.peak.Store(sample[0].Value.Uint64())
}

// growth is the peak heap since the last reset, above its baseline.
func (h *heapWatch) growth() int64 { return int64(h.peak.Load()) - int64(h.baseline.Load()) }

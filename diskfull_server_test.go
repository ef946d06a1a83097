package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// diskFullServer is the helper process of TestDiskFull as the parent sees it.
type diskFullServer struct {
	base   string // http://127.0.0.1:PORT/api/v1
	dir    string // DATA_DIR
	keep   string // where the helper copies the database file on exit
	stdin  io.WriteCloser
	answer chan string // one line per command, from descriptor 3
	stderr *lockedBuffer
	exited chan struct{}
	err    error // Wait's, once exited is closed
	cmd    *exec.Cmd
}

// errDiskModeUnavailable reports that this machine cannot run the mode (not root, no
// mount namespaces, no tmpfs).
var errDiskModeUnavailable = errors.New("disk-full mode unavailable")

// startDiskFullServer runs TestDiskFullHelper in mode with the configuration the parent
// gives it and waits until it answers /health.
func startDiskFullServer(t *testing.T, mode string) (*diskFullServer, error) {
	t.Helper()
	port := freePort(t)
	s := &diskFullServer{base: "http://127.0.0.1:" + strconv.Itoa(port) + "/api/v1",
		dir: filepath.Join(t.TempDir(), "data"), keep: filepath.Join(t.TempDir(), "kept.db"),
		answer: make(chan string, 4), stderr: &lockedBuffer{}, exited: make(chan struct{})}
	if err := os.Mkdir(s.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullHelper$", "-test.count=1", diskFullHelperArg, mode, s.keep)
	cmd.Env = append(os.Environ(), "DATA_DIR="+s.dir, "PORT="+strconv.Itoa(port), "LISTEN_ADDR=127.0.0.1",
		"BCRYPT_COST=4", "LOG_LEVEL=warn", "JWT_SECRET="+strings.Repeat("j", 48), "ENCRYPTION_KEY="+strings.Repeat("ab", 32))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if mode == "tmpfs" {
		// A private mount namespace (Go makes "/" private in it), so the tmpfs the helper
		// mounts is seen by it alone and goes away with it.
		cmd.SysProcAttr.Unshareflags = syscall.CLONE_NEWNS
	}
	cmd.Stderr = s.stderr
	cmd.WaitDelay = 5 * time.Second
	ctlRead, ctlWrite, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{ctlWrite}
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	err = cmd.Start()
	ctlWrite.Close()
	if err != nil {
		ctlRead.Close()
		if mode == "tmpfs" { // unshare(CLONE_NEWNS) needs CAP_SYS_ADMIN
			return nil, fmt.Errorf("%w: start the helper in a mount namespace: %v", errDiskModeUnavailable, err)
		}
		return nil, err
	}
	s.cmd = cmd
	go func() {
		defer ctlRead.Close()
		for sc := bufio.NewScanner(ctlRead); sc.Scan(); {
			s.answer <- sc.Text()
		}
		close(s.answer)
	}()
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.stderr.String())
		}
	})
	first, err := s.await(60 * time.Second)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(first, "unavailable:") {
		return nil, fmt.Errorf("%w: %s", errDiskModeUnavailable, first)
	}
	waitHealthy(t, s.base, s.exited, &bytes.Buffer{})
	return s, nil
}

// await reads the helper's next answer.
func (s *diskFullServer) await(timeout time.Duration) (string, error) {
	select {
	case line, ok := <-s.answer:
		if !ok {
			<-s.exited
			return "", fmt.Errorf("helper exited (%v); log:\n%s", s.err, s.stderr.String())
		}
		return line, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("helper did not answer within %s", timeout)
	}
}

// command sends "fill" or "free" and returns the helper's report.
func (s *diskFullServer) command(t *testing.T, what string) string {
	t.Helper()
	if _, err := fmt.Fprintln(s.stdin, what); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	line, err := s.await(60 * time.Second)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !strings.HasPrefix(line, "ok ") {
		t.Fatalf("%s: %s", what, line)
	}
	return strings.TrimPrefix(line, "ok ")
}

// stop shuts the server down gracefully and returns the kept copy of its database file.
func (s *diskFullServer) stop(t *testing.T) string {
	t.Helper()
	s.stdin.Close()
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not stop within 60s")
	}
	if s.err != nil {
		t.Fatalf("server exited with %v", s.err)
	}
	return s.keep
}

// cpuTime is the CPU time the helper process has used so far (user and system, from
// /proc/PID/stat, whose clock ticks are 1/100 s on Linux).
func (s *diskFullServer) cpuTime(t *testing.T) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// lockedBuffer collects a process's stderr for the test to read while it runs.
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

// apiClient calls the server with one account's token and a timeout per request, so a
// hung request fails the test instead of stalling it.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

// call sends one request and returns the status and body; a transport error (a hang past
// the timeout, a refused connection after a crash) fails the test.
func (c *apiClient) call(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return resp.StatusCode, raw
}

// must sends one request that must answer want and decodes its body into out (if not nil).
func (c *apiClient) must(method, path string, body any, want int, out any) {
	c.t.Helper()
	status, raw := c.call(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, status, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

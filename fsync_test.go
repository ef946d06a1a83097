package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/internal/app"
)

// Power-cut durability (SPEC §4.3): an answer that acknowledges a write may leave the
// server only once that write is on stable storage. A kill -9 cannot show a missing fsync
// (the page cache survives the process), so this test watches the system calls instead:
// it runs the real server under strace, creates services and runs check-now over HTTP,
// and then checks in the trace, for every 2xx answer, that the commit holding what it
// acknowledges wrote its pages and its meta page to the database file and fdatasync'ed
// (or fsync'ed) that file before the answer was written to the socket. The same run with
// the store's NoSync option is its negative control: there every answer must be flagged.

// fsyncHelperArg, as the first argument after the test flags, makes TestFsyncHelper run
// the server; the second argument is "sync" or "nosync".
const fsyncHelperArg = "fsync-helper"

// TestFsyncHelper is the server process of TestFsyncBeforeAcknowledgement: serve, with
// the configuration from the environment the parent gives it, until stdin closes.
func TestFsyncHelper(t *testing.T) {
	args := flag.Args()
	if len(args) != 2 || args[0] != fsyncHelperArg {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	err := serveWith(ctx, os.Stderr, app.Options{NoSync: args[1] == "nosync"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fsync helper:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

func TestFsyncBeforeAcknowledgement(t *testing.T) {
	straceBin, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace is not installed; .ci/run installs it (apt-get install strace)")
		}
		t.Skip("strace is not installed; the durability test needs it (it fails under CI=true)")
	}
	for _, tc := range []struct {
		name   string
		noSync bool
	}{{"fsync on (the product)", false}, {"NoSync (negative control)", true}} {
		t.Run(tc.name, func(t *testing.T) {
			tr, acks := runTracedServer(t, straceBin, tc.noSync)
			violations := 0
			for _, a := range acks {
				if err := tr.syncedBefore(a); err != nil {
					if violations++; !tc.noSync {
						t.Errorf("%s: %v", a.what, err)
					} else if violations == 1 {
						t.Logf("as expected, %s: %v", a.what, err)
					}
				}
			}
			t.Logf("%d acknowledgements, %d without an fsync of the database file before them; "+
				"%d fsyncs of it in the trace", len(acks), violations, tr.syncs())
			if tc.noSync && violations != len(acks) {
				t.Errorf("with NoSync, %d of %d acknowledgements were flagged; the check must flag all", violations, len(acks))
			}
		})
	}
}

// fsyncAck is one 2xx answer and what it acknowledges.
type fsyncAck struct {
	what     string
	response []byte // bytes only this answer carries (where it is in the trace)
	stored   []byte // bytes the acknowledged commit writes into the database file
}

// runTracedServer runs the server under strace, sends it the acknowledged writes, stops it
// and returns the parsed trace and the acknowledgements.
func runTracedServer(t *testing.T, straceBin string, noSync bool) (*syscallTrace, []fsyncAck) {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port) + "/api/v1"
	tracePath := filepath.Join(t.TempDir(), "strace.txt")
	mode := "sync"
	if noSync {
		mode = "nosync"
	}
	// -xx prints every buffer byte in hex, -s 1 MiB prints whole pages; the trace holds
	// the calls that write, sync and open files and sockets.
	cmd := exec.Command(straceBin, "-f", "-qq", "-xx", "-s", "1048576", "-o", tracePath,
		"-e", "trace=openat,pwrite64,write,writev,fsync,fdatasync", "-e", "signal=none", "--",
		os.Args[0], "-test.run=^TestFsyncHelper$", "-test.count=1", fsyncHelperArg, mode)
	cmd.Env = append(os.Environ(), "DATA_DIR="+dir, "PORT="+strconv.Itoa(port), "LISTEN_ADDR=127.0.0.1",
		"BCRYPT_COST=4", "LOG_LEVEL=warn", "JWT_SECRET="+strings.Repeat("j", 48), "ENCRYPTION_KEY="+strings.Repeat("ab", 32))
	// Its own process group, so a failed test can end strace and the server together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed once Wait has returned (waitErr set)
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	waitHealthy(t, base, exited, &stderr)
	acks := acknowledgedWrites(t, base)
	stdin.Close() // the helper shuts down gracefully
	select {
	case <-exited:
		if waitErr != nil {
			t.Fatalf("traced server: %v; stderr:\n%s", waitErr, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("traced server did not stop; stderr:\n%s", stderr.String())
	}
	tr, err := parseTrace(tracePath, filepath.Join(dir, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	return tr, acks
}

// waitHealthy polls /health until the server answers (strace slows its start).
func waitHealthy(t *testing.T, base string, exited <-chan struct{}, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("traced server exited early; stderr:\n%s", stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("traced server not healthy within 60s; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// acknowledgedWrites registers, creates five TCP services (their names are unique) and
// runs check-now three times on each against a loopback listener, and returns every
// answer with the bytes that identify it and its commit.
func acknowledgedWrites(t *testing.T, base string) []fsyncAck {
	t.Helper()
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var reg struct {
		Token string `json:"token"`
	}
	postJSON(t, base+"/auth/register", `{"email":"ada@example.com","password":"correct horse battery","full_name":"Ada"}`, 201, &reg)
	call := func(path, body string, want int) []byte {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+reg.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		// A new service is checked at once by the scheduler; a check-now meeting that
		// check is refused with 409 (one check of a service at a time): ask again.
		for try := 0; err == nil && resp.StatusCode == http.StatusConflict && want != http.StatusConflict && try < 50; try++ {
			resp.Body.Close()
			time.Sleep(100 * time.Millisecond)
			req, _ = http.NewRequest("POST", base+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+reg.Token)
			req.Header.Set("Content-Type", "application/json")
			resp, err = http.DefaultClient.Do(req)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, raw)
		}
		return raw
	}
	var acks []fsyncAck
	for i := range 5 {
		name := fmt.Sprintf("fsync-probe-%d-%d", i, time.Now().UnixNano())
		var svc struct {
			ID string `json:"id"`
		}
		body := fmt.Sprintf(`{"name":%q,"check_type":"TCP","endpoint":%q,"check_interval_seconds":86400}`, name, target.Addr().String())
		if err := json.Unmarshal(call("/services", body, 201), &svc); err != nil {
			t.Fatal(err)
		}
		acks = append(acks, fsyncAck{what: "POST /services " + name, response: []byte(name), stored: []byte(name)})
		prefix, err := uuid.Parse(svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			var res struct {
				CheckedAt string `json:"checked_at"`
			}
			if err := json.Unmarshal(call("/services/"+svc.ID+"/check", "", 200), &res); err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse(time.RFC3339Nano, res.CheckedAt)
			if err != nil {
				t.Fatal(err)
			}
			// The result lands in its service's series head (store/series_head.go): in the
			// leaf page, the key — the service's UUID — followed by the value, which starts
			// with the encoding's version (1), its sections (latest result, open raw block
			// and the open row of each of the three rollup levels: 0x1f once a result is
			// recorded) and the latest result's check time, big-endian nanos.
			head := append(prefix[:], 0x01, 0x1f)
			head = binary.BigEndian.AppendUint64(head, uint64(at.UnixNano()))
			acks = append(acks, fsyncAck{what: "check-now of " + name + " at " + res.CheckedAt,
				response: []byte(`"checked_at":"` + res.CheckedAt + `"`), stored: head})
		}
	}
	return acks
}

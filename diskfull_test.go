package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Full disk (README, Reliability): the real server runs with its DATA_DIR on storage that
// really runs out of space, and the test drives service creations, check-now results and
// heartbeat pings through it until every kind of write fails. Every write acknowledged
// before or during the full condition must be there afterwards (live, and after a restart
// on the file); every write that failed must get a clear answer (507 with the flat body,
// saying the disk is full) while the process keeps serving; after space is freed, writes
// succeed again without a restart and the file passes the check. Two ways to run out:
//
//   - tmpfs: the helper runs in a mount namespace of its own with a 16 MiB tmpfs on
//     DATA_DIR, and fills it with a ballast file: bbolt's page writes into the sparse file
//     fail with ENOSPC, as on a full disk. Needs root (CAP_SYS_ADMIN); where the kernel or
//     a container refuses mount namespaces it is skipped, even under CI=true: the fsize
//     mode drives the same write path and always runs.
//   - fsize: the helper's RLIMIT_FSIZE is set to the end of the file's used pages: page
//     writes past it fail with EFBIG. Runs anywhere on Linux, as any user.

// diskFullModes are the ways TestDiskFull runs out of space (diskfull_helper_test.go).
var diskFullModes = []string{"tmpfs", "fsize"}

func TestDiskFull(t *testing.T) {
	for _, mode := range diskFullModes {
		t.Run(mode, func(t *testing.T) {
			srv, err := startDiskFullServer(t, mode)
			if errors.Is(err, errDiskModeUnavailable) {
				if mode != "tmpfs" {
					t.Fatalf("the fsize mode must run everywhere: %v", err)
				}
				// A container may refuse mount namespaces even to root; the fsize mode
				// still proves the same write path with EFBIG.
				t.Skipf("needs root and mount namespaces (the fsize mode covers the write path): %v", err)
			} else if err != nil {
				t.Fatal(err)
			}
			runDiskFull(t, srv)
		})
	}
}

// runDiskFull is one run of the full-disk test against srv.
func runDiskFull(t *testing.T, srv *diskFullServer) {
	c := &apiClient{t: t, base: srv.base, http: &http.Client{Timeout: 20 * time.Second}}
	var reg struct {
		Token string `json:"token"`
		OrgID string `json:"org_id"`
	}
	c.must("POST", "/auth/register", map[string]string{"email": "ada@example.com",
		"password": "correct horse battery", "full_name": "Ada"}, 201, &reg)
	c.token = reg.Token
	// The first account is the instance admin: lift the free plan's five-service cap.
	c.must("PUT", "/admin/organizations/"+reg.OrgID, map[string]string{"plan_type": "enterprise"}, 200, nil)
	w := newDiskWorkload(t, c)

	for range 4 {
		w.mustCreateService(86400)
	}
	// Two services the scheduler checks every 10 s: their results have nobody to answer
	// when they fail to commit, so they are dropped and the log must say so once.
	var every10s []string
	for range 2 {
		w.mustCreateService(10)
		every10s = append(every10s, w.services[len(w.services)-1])
	}
	for range 6 {
		w.mustCreateHeartbeat()
	}
	for i := range 8 {
		w.mustCheckNow(i)
		w.mustPing(i)
	}
	t.Logf("disk full: %s", srv.command(t, "fill"))
	logsBefore := len(srv.stderr.String())
	w.driveUntilFull()
	t.Logf("while full: %d writes acknowledged, %d refused (%v)", w.ackedWhileFull, w.refusedTotal(), w.refused)

	// Left alone on a full disk, the server idles: the scheduled results that fail are
	// dropped (said once), nothing retries in a loop.
	cpuBefore, wallBefore := srv.cpuTime(t), time.Now()
	waitForDroppedOrRecorded(t, srv, c, logsBefore, every10s, time.Now(), 30*time.Second)
	time.Sleep(time.Until(wallBefore.Add(3 * time.Second)))
	cpu, wall := srv.cpuTime(t)-cpuBefore, time.Since(wallBefore)
	t.Logf("idle on a full disk: %v of CPU in %v", cpu, wall.Round(time.Millisecond))
	if cpu > wall/4 {
		t.Errorf("the idle server used %v of CPU in %v on a full disk: something retries in a loop", cpu, wall)
	}

	// The process stays up, reads go on, and it says why it cannot write.
	c.must("GET", "/health", nil, 200, nil)
	c.must("GET", "/services?limit=1000", nil, 200, nil)
	status, raw := c.call("GET", "/ready", nil)
	if status != 503 || !strings.Contains(string(raw), `"error":"disk full"`) {
		t.Errorf("/ready while the disk is full: %d %s; want 503 saying the disk is full", status, raw)
	}
	fullLogs := diagnostics(srv.stderr.String()[logsBefore:])
	if n := strings.Count(fullLogs, "\n"); n > 4 {
		t.Errorf("%d log lines while %d writes failed; want a few per episode, not one per write:\n%s",
			n, w.refusedTotal(), fullLogs)
	}
	if !strings.Contains(fullLogs, "the disk holding the database is full") {
		t.Errorf("the log does not say the disk is full:\n%s", fullLogs)
	}

	// Space comes back: writes succeed again, without a restart.
	t.Logf("space freed: %s", srv.command(t, "free"))
	w.mustCreateService(86400)
	w.mustPing(0)
	ready := false
	for i := 0; i < 200 && !ready; i++ {
		w.mustCheckNow(i)
		status, _ := c.call("GET", "/ready", nil)
		ready = status == 200
	}
	if !ready {
		t.Errorf("/ready still not ready after space was freed and 200 results were recorded")
	}
	waitForLog(t, srv, logsBefore, "the database has space again", 10*time.Second)
	w.verify("live, after space was freed")

	kept := srv.stop(t)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"check", "--file", kept}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "result:   sound") {
		t.Fatalf("alertifypro check of the file after the episode: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	restartOn(t, c, kept)
	w.verify("after a restart on the file")
}

// restartOn starts the server in this process on a copy of the database file at kept,
// with the helper's secrets, and points c at it.
func restartOn(t *testing.T, c *apiClient, kept string) {
	t.Helper()
	dir := t.TempDir()
	if err := copyFile(kept, filepath.Join(dir, dbFileName)); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	for k, v := range map[string]string{"DATA_DIR": dir, "PORT": strconv.Itoa(port), "LISTEN_ADDR": "127.0.0.1",
		"BCRYPT_COST": "4", "LOG_LEVEL": "error", "JWT_SECRET": strings.Repeat("j", 48),
		"ENCRYPTION_KEY": strings.Repeat("ab", 32)} {
		t.Setenv(k, v)
	}
	stop := startServer(t)
	t.Cleanup(stop)
	c.base = "http://127.0.0.1:" + strconv.Itoa(port) + "/api/v1"
}

// diagnostics is log without the access log (one line per request by design, 507s
// included): the lines that say what went wrong.
func diagnostics(log string) string {
	var out strings.Builder
	for _, line := range strings.SplitAfter(log, "\n") {
		if line != "" && !strings.Contains(line, " msg=request ") {
			out.WriteString(line)
		}
	}
	return out.String()
}

// waitForLog waits until the server's log after offset holds want.
// waitForDroppedOrRecorded waits until the scheduled checks of services (every 10 s) have
// met the full disk: either the log says their results are not being recorded, or one was
// recorded after since anyway — a result rewrites a small series head, which the free
// pages of a "full" file may still hold, and then there is nothing to drop.
func waitForDroppedOrRecorded(t *testing.T, srv *diskFullServer, c *apiClient, offset int, services []string, since time.Time, timeout time.Duration) {
	t.Helper()
	const said = "check results are not being recorded"
	deadline := time.Now().Add(timeout)
	for !strings.Contains(srv.stderr.String()[offset:], said) {
		for _, id := range services {
			var checks []struct {
				CheckedAt time.Time `json:"checked_at"`
			}
			if status, raw := c.call("GET", "/services/"+id+"/checks?limit=1", nil); status == 200 &&
				json.Unmarshal(raw, &checks) == nil && len(checks) > 0 && checks[0].CheckedAt.After(since) {
				t.Logf("a scheduled result was recorded on the full disk (it fitted in free pages): nothing to drop")
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("within %s the log did not say %q, and no scheduled result was recorded:\n%s", timeout, said, diagnostics(srv.stderr.String()[offset:]))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitForLog(t *testing.T, srv *diskFullServer, offset int, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(srv.stderr.String()[offset:], want) {
		if time.Now().After(deadline) {
			t.Fatalf("within %s the log did not say %q:\n%s", timeout, want, diagnostics(srv.stderr.String()[offset:]))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

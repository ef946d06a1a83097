package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunCommands is the table test of run's command-line surface.
func TestRunCommands(t *testing.T) {
	t.Setenv("DATA_DIR", t.TempDir())
	cases := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStdout *regexp.Regexp
		wantStderr []string
	}{
		{name: "version", args: []string{"version"}, wantStdout: regexp.MustCompile(`^alertifypro dev \(commit \S+, go1\.\d+`)},
		{name: "help", args: []string{"help"}, wantStdout: regexp.MustCompile(`gen-secrets`)},
		{name: "gen-secrets", args: []string{"gen-secrets"},
			wantStdout: regexp.MustCompile(`^JWT_SECRET=[A-Za-z0-9_-]{43,}\nENCRYPTION_KEY=[0-9a-f]{64}\n$`)},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantStderr: []string{`unknown command "frobnicate"`, "Usage:"}},
		{name: "extra arguments", args: []string{"version", "now"}, wantCode: 2, wantStderr: []string{"takes no arguments"}},
		{name: "backup needs --out", args: []string{"backup"}, wantCode: 2, wantStderr: []string{"--out FILE", "Usage:"}},
		{name: "backup unknown flag", args: []string{"backup", "--out", "x.db", "--fast"}, wantCode: 2,
			wantStderr: []string{"flag provided but not defined: -fast"}},
		{name: "backup stray argument", args: []string{"backup", "--out", "x.db", "now"}, wantCode: 2, wantStderr: []string{"takes no arguments"}},
		{name: "backup help", args: []string{"backup", "-h"}, wantStderr: []string{"-out", "-token", "-url"}},
		{name: "backup without a database", args: []string{"backup", "--out", filepath.Join(t.TempDir(), "x.db")}, wantCode: 1,
			wantStderr: []string{"no database at", "DATA_DIR"}},
		{name: "backup through no server", args: []string{"backup", "--out", "x.db", "--url", "http://127.0.0.1:" + strconv.Itoa(freePort(t)),
			"--token", "t"}, wantCode: 1, wantStderr: []string{"no server answers"}},
		{name: "backup through a server without a token", args: []string{"backup", "--out", "x.db", "--url", "http://127.0.0.1:1"}, wantCode: 1,
			env: map[string]string{"ALERTIFYPRO_TOKEN": ""}, wantStderr: []string{"instance-admin session token"}},
		{name: "check takes no arguments", args: []string{"check", "now"}, wantCode: 2, wantStderr: []string{"takes no arguments"}},
		{name: "check unknown flag", args: []string{"check", "--repair"}, wantCode: 2, wantStderr: []string{"flag provided but not defined: -repair"}},
		{name: "check help", args: []string{"check", "-h"}, wantStderr: []string{"-file"}},
		{name: "check without a database", args: []string{"check"}, wantCode: 1, wantStderr: []string{"no database at", "DATA_DIR"}},
		{name: "check of a file that is not there", args: []string{"check", "--file", filepath.Join(t.TempDir(), "none.db")}, wantCode: 1,
			wantStderr: []string{"no database at"}},
		{name: "help lists check", args: []string{"help"}, wantStdout: regexp.MustCompile(`check \[--file FILE\]`)},
		{name: "compact takes no arguments", args: []string{"compact", "now"}, wantCode: 2, wantStderr: []string{"takes no arguments"}},
		{name: "compact without a database", args: []string{"compact"}, wantCode: 1, wantStderr: []string{"no database at"}},
		{name: "every config problem at once", args: []string{"serve"}, wantCode: 1,
			env:        map[string]string{"PORT": "0", "BCRYPT_COST": "99", "REGISTRATION_MODE": "sometimes"},
			wantStderr: []string{"PORT", "BCRYPT_COST", "REGISTRATION_MODE"}},
		{name: "short JWT secret refused, not repaired", args: []string{}, wantCode: 1,
			env: map[string]string{"JWT_SECRET": "short"}, wantStderr: []string{"JWT_SECRET"}},
		{name: "help lists agent", args: []string{"help"}, wantStdout: regexp.MustCompile(`agent\s+run checks for one probe location`)},
		{name: "agent takes no arguments", args: []string{"agent", "now"}, wantCode: 2, wantStderr: []string{"takes no arguments"}},
		{name: "agent needs its server and token", args: []string{"agent"}, wantCode: 1,
			env:        map[string]string{"AGENT_SERVER_URL": "", "AGENT_TOKEN": ""},
			wantStderr: []string{"AGENT_SERVER_URL is required", "AGENT_TOKEN is required"}},
		{name: "agent refuses another kind of token", args: []string{"agent"}, wantCode: 1,
			env:        map[string]string{"AGENT_SERVER_URL": "https://monitor.example.com", "AGENT_TOKEN": "ak_someapikey"},
			wantStderr: []string{"AGENT_TOKEN must be an agent token"}},
		{name: "healthcheck with nothing listening", args: []string{"healthcheck"}, wantCode: 1,
			env: map[string]string{"PORT": strconv.Itoa(freePort(t))}, wantStderr: []string{"healthcheck"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.wantCode, stderr.String())
			}
			if tc.wantStdout != nil && !tc.wantStdout.MatchString(stdout.String()) {
				t.Errorf("stdout %q does not match %s", stdout.String(), tc.wantStdout)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q: %s", want, stderr.String())
				}
			}
		})
	}
}

// TestServeLifecycle starts the real server the way `go run .` does (no
// secrets set), registers, restarts it, and checks that the account, the
// token and the generated secrets survived; then that a changed
// ENCRYPTION_KEY over the same data is refused.
func TestServeLifecycle(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	t.Setenv("DATA_DIR", dir)
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("LISTEN_ADDR", "127.0.0.1")
	t.Setenv("BCRYPT_COST", "4")
	base := "http://127.0.0.1:" + strconv.Itoa(port) + "/api/v1"

	stop := startServer(t)
	var reg struct {
		Token  string `json:"token"`
		UserID string `json:"user_id"`
		OrgID  string `json:"org_id"`
	}
	postJSON(t, base+"/auth/register", `{"email":"ada@example.com","password":"correct horse battery","full_name":"Ada"}`, 201, &reg)
	if reg.Token == "" || reg.UserID == "" || reg.OrgID == "" {
		t.Fatalf("register answer incomplete: %+v", reg)
	}
	info, err := os.Stat(filepath.Join(dir, "secrets.env"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets.env: %v, mode %v; want 0600", err, info)
	}
	stop()

	stop = startServer(t)
	req, _ := http.NewRequest("GET", base+"/profile", nil)
	req.Header.Set("Authorization", "Bearer "+reg.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("token from before the restart: status %d, want 200", resp.StatusCode)
	}
	postJSON(t, base+"/auth/login", `{"email":"ada@example.com","password":"correct horse battery"}`, 200, nil)
	stop()

	t.Setenv("ENCRYPTION_KEY", strings.Repeat("ab", 32))
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"serve"}, &bytes.Buffer{}, &stderr); code != 1 {
		t.Fatalf("serve with a changed ENCRYPTION_KEY exited %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "ENCRYPTION_KEY does not match") {
		t.Fatalf("stderr does not explain the key mismatch: %s", stderr.String())
	}
}

// startServer runs `serve` in the background until the returned stop is
// called, waiting until `healthcheck` passes.
func startServer(t *testing.T) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, &bytes.Buffer{}, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for run(t.Context(), []string{"healthcheck"}, &bytes.Buffer{}, &bytes.Buffer{}) != 0 {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("server exited early with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server not healthy within 10s: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("serve exited %d after SIGTERM-equivalent: %s", code, stderr.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not shut down within 20s")
		}
	}
}

func postJSON(t *testing.T, url, body string, wantStatus int, out any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("POST %s: status %d, want %d: %s", url, resp.StatusCode, wantStatus, raw.String())
	}
	if out != nil {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			t.Fatalf("POST %s: %v: %s", url, err, raw.String())
		}
	}
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// loadEnv arms the load programs; plain `go test` skips them.
const loadEnv = "ALERTIFYPRO_LOAD"

func requireLoad(t *testing.T) {
	t.Helper()
	if os.Getenv(loadEnv) != "1" {
		t.Skip("load program: set " + loadEnv + "=1 to run (see engine_load_test.go)")
	}
}

// loadConfig is serve's configuration with its defaults where they matter to the engine
// (SCHEDULER_POLL_INTERVAL 10s, CHECK_CONCURRENCY 512, RAW_RETENTION 168h, policy
// private) over dataDir, with fixed secrets.
func loadConfig(dataDir string) *config.Config {
	cfg := testConfig(dataDir)
	cfg.SchedulerPollInterval, cfg.CheckConcurrency = 10*time.Second, 512
	return cfg
}

// seedFleet creates, in cfg's DATA_DIR, an organization without a service limit holding
// n services of checkType, every interval, with endpoints round-robin from endpoints. The
// first is created through the API (POST /api/v1/services), so the fleet carries exactly
// the options the API stores for that type; the others are copies of it made through the
// store. Seeding runs without fsync (NoSync) and without an engine; the application under
// measurement is opened afterwards on the same file, as serve would open it.
func seedFleet(t *testing.T, cfg *config.Config, checkType string, n int, interval time.Duration, endpoints []string) (orgID string) {
	t.Helper()
	start := time.Now()
	a, err := New(cfg, Options{NoSync: true, NoEngine: true})
	must(t, err)
	defer func() { must(t, a.Close()) }()
	h := a.Handler()
	var reg struct {
		Token string `json:"token"`
		OrgID string `json:"org_id"`
	}
	apiCall(t, h, "POST", "/api/v1/auth/register", "", map[string]any{"email": "load@example.com",
		"password": "correct horse battery", "full_name": "Load"}, http.StatusCreated, &reg)
	_, err = a.DB().UpdateOrganization(reg.OrgID, func(o *store.Organization) error {
		o.PlanType, o.MaxServices = "enterprise", -1
		return nil
	}, nil)
	must(t, err)
	var first struct {
		ID string `json:"id"`
	}
	apiCall(t, h, "POST", "/api/v1/services", reg.Token, map[string]any{"name": "load-00000", "endpoint": endpoints[0],
		"check_type": checkType, "check_interval_seconds": int(interval / time.Second), "timeout_seconds": 5,
		"tags": []string{"load"}, "environment": "production", "description": "loopback load target"},
		http.StatusCreated, &first)
	tmpl, err := a.DB().Service(reg.OrgID, first.ID)
	must(t, err)
	for i := 1; i < n; i++ {
		s := *tmpl
		s.ID, s.Name, s.Endpoint = "", fmt.Sprintf("load-%05d", i), endpoints[i%len(endpoints)]
		must(t, a.DB().CreateService(reg.OrgID, &s, nil))
	}
	t.Logf("seeded %d %s services at %v (options %s) in %v", n, checkType, interval, tmpl.Options,
		time.Since(start).Round(time.Millisecond))
	return reg.OrgID
}

// apiCall sends one JSON request through handler h and decodes the answer into out.
func apiCall(t *testing.T, h http.Handler, method, path, token string, body any, want int, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	must(t, err)
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	must(t, json.Unmarshal(rec.Body.Bytes(), out))
}

// runLoadApp builds the application on cfg (fsync on, as serve runs it), lets prepare
// adjust it before it runs, and runs it on a loopback port until the test ends.
func runLoadApp(t *testing.T, cfg *config.Config, prepare func(*App)) *App {
	t.Helper()
	a, err := New(cfg, Options{})
	must(t, err)
	if prepare != nil {
		prepare(a)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return a
}

// clockTick is the unit of /proc/<pid>/stat's CPU times: USER_HZ, 100 on every Linux
// architecture Go supports (it is part of the kernel's ABI, whatever CONFIG_HZ is).
const clockTick = 10 * time.Millisecond

// cpuTimes are this process's CPU times so far: user and system (the kernel's share,
// which on loopback includes much of the targets' side of every connection: the packets
// of a loopback connection are processed in the sender's system call).
type cpuTimes struct{ user, sys time.Duration }

// total is user plus system time.
func (c cpuTimes) total() time.Duration { return c.user + c.sys }

// processCPU is this process's user + system CPU time so far, from /proc/self/stat.
func processCPU(t *testing.T) time.Duration { return processCPUTimes(t).total() }

// processCPUTimes reads this process's user and system CPU time from /proc/self/stat.
func processCPUTimes(t *testing.T) cpuTimes {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	must(t, err)
	// The command name (field 2) is in parentheses and may hold spaces; the fields after
	// the last ')' start with field 3 (state), so utime (14) and stime (15) are at 11, 12.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, err := strconv.ParseInt(f[11], 10, 64)
	must(t, err)
	stime, err := strconv.ParseInt(f[12], 10, 64)
	must(t, err)
	return cpuTimes{user: time.Duration(utime) * clockTick, sys: time.Duration(stime) * clockTick}
}

// procStatus returns a "kB" field of /proc/self/status (VmRSS, VmHWM) in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	must(t, err)
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			must(t, err)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// mib formats bytes as MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

package app

// Load programs of the engine's CPU, memory and commit latency (SPEC §6). They run the
// whole appliance as serve builds it (New, Run: scheduler, probes through the egress
// guard with a fresh connection per check, recorder with fsync, rollups, the default alert
// rule, janitor, HTTP server idle) in this process, and its targets in another (startTargets),
// so /proc/self/stat counts the appliance alone. Run one at a time on a quiet machine:
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineHTTP$' -v ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineTCP$' -v ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineHTTPS$' -v ./internal/app/
//
// A CPU or allocation profile of one: add -cpuprofile /tmp/cpu.out (or -memprofile
// /tmp/mem.out -memprofilerate 4096), then go tool pprof -top app.test /tmp/cpu.out.

import (
	"crypto/x509"
	"runtime"
	"testing"
	"time"
)

// engineLoad is one load program's fleet and what it asserts.
type engineLoad struct {
	name           string // of the profile files
	checkType      string
	services       int
	interval       time.Duration
	endpoints      func(loadTargets) []string
	warm, window   time.Duration
	maxCPUPerCheck time.Duration // 0: a figure only
}

// engineFigures is what one run measured over its window.
type engineFigures struct {
	checks   uint64
	cpu      time.Duration
	user     time.Duration // of cpu
	sys      time.Duration // of cpu
	wall     time.Duration
	perCheck time.Duration
	rss      int64
}

// runEngineLoad seeds the fleet, runs the appliance, lets the first round of checks
// (spread over one interval) pass, then measures the window.
func runEngineLoad(t *testing.T, l engineLoad) engineFigures {
	t.Helper()
	tg := startTargets(t)
	cfg := loadConfig(t.TempDir())
	seedFleet(t, cfg, l.checkType, l.services, l.interval, l.endpoints(tg))
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(tg.CAPEM)) {
		t.Fatal("target CA not parsed")
	}
	setProfileRate()
	runtime.GC()
	a := runLoadApp(t, cfg, func(a *App) { a.engine.Checker.Env.RootCAs = pool })
	m := a.engine.Metrics
	time.Sleep(l.warm)
	window := l.window
	if profiling() {
		// pprof samples 100 times a second: at a few per cent of a core, a window six
		// times as long gives each area enough samples.
		window = 6 * l.window
	}
	prof := startWindowProfile(t, l.name)
	cpu0, wall0, n0 := processCPUTimes(t), time.Now(), m.ChecksTotal()
	time.Sleep(window)
	cpu1 := processCPUTimes(t)
	f := engineFigures{cpu: cpu1.total() - cpu0.total(), wall: time.Since(wall0), checks: m.ChecksTotal() - n0,
		user: cpu1.user - cpu0.user, sys: cpu1.sys - cpu0.sys}
	prof.stop(t, f.checks)
	f.rss = procStatus(t, "VmRSS")
	f.perCheck = f.cpu / time.Duration(max(f.checks, 1))
	t.Logf("%d %s services at %v: %d checks in %v (%.0f/s); appliance CPU %v (user %v, system %v) = %.3f ms per check, %.1f%% of one core; VmRSS %s",
		l.services, l.checkType, l.interval, f.checks, f.wall.Round(time.Millisecond), float64(f.checks)/f.wall.Seconds(),
		f.cpu, f.user, f.sys, float64(f.perCheck)/1e6, float64(f.cpu)/float64(f.wall)*100, mib(f.rss))
	if l.maxCPUPerCheck > 0 && f.perCheck > l.maxCPUPerCheck {
		t.Errorf("%.3f CPU-ms per %s check; SPEC §6 allows %.1f", float64(f.perCheck)/1e6, l.checkType,
			float64(l.maxCPUPerCheck)/1e6)
	}
	return f
}

// TestLoadEngineHTTP: 1 000 HTTP services at 10 s = 100 checks/s against plain-HTTP
// targets (SPEC §6: ≤ 0.3 CPU-ms per check end to end).
func TestLoadEngineHTTP(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "http", checkType: "HTTP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTP }, warm: 12 * time.Second, window: 30 * time.Second,
		maxCPUPerCheck: 300 * time.Microsecond})
}

// TestLoadEngineTCP: 1 000 TCP services at 10 s = 100 checks/s (SPEC §6: ≤ 0.2 CPU-ms).
func TestLoadEngineTCP(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "tcp", checkType: "TCP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.TCP }, warm: 12 * time.Second, window: 30 * time.Second,
		maxCPUPerCheck: 200 * time.Microsecond})
}

// TestLoadEngineHTTPS: the HTTP fleet against HTTPS targets with an ECDSA P-256
// certificate, a full handshake and chain verification per check: a figure, no target.
func TestLoadEngineHTTPS(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "https", checkType: "HTTP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTPS }, warm: 12 * time.Second, window: 30 * time.Second})
}

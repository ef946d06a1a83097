package app

// Load programs of the engine's CPU, memory and commit latency (SPEC §6). They run the
// whole appliance as serve builds it (New, Run: scheduler, probes through the egress
// guard with a fresh connection per check, recorder with fsync, rollups and summaries, the
// default alert rule, janitor, HTTP server idle) in this process, and its targets in
// another (startTargets), so /proc/self/stat counts the appliance alone. Each asserts its
// targets. Run one at a time; the machine's load average is logged at start and end:
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineHTTP$' -v ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineTCP$' -v ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngineHTTPS$' -v ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngine10kAt60s$' -v -timeout 15m ./internal/app/
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadEngine1000PerSecond$' -v -timeout 15m ./internal/app/
//
// With ALERTIFYPRO_PROFILE=<dir> a program profiles its window (CPU and allocations) and
// logs where a check's microseconds go, by area (engine_profile_test.go).

import (
	"crypto/x509"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// engineLoad is one load program's fleet and what it asserts (a zero bound: a figure only).
type engineLoad struct {
	name           string // of the profile files
	checkType      string
	services       int
	interval       time.Duration
	endpoints      func(loadTargets) []string
	warm, window   time.Duration
	maxCPUPerCheck time.Duration
	maxCore        float64 // share of one core over the window, in per cent
	maxRSS         int64
	maxAckP99      time.Duration // a result's hand-over to the recorder → its commit
}

// engineFigures is what one run measured over its window.
type engineFigures struct {
	checks            uint64
	cpu               time.Duration
	user, sys         time.Duration // of cpu
	wall              time.Duration
	perCheck          time.Duration
	core              float64 // per cent of one core
	rss, hwm          int64
	ackP99, driftP99  time.Duration
	acks, acksOver100 uint64
}

// runEngineLoad seeds the fleet, runs the appliance, lets the first round of checks
// (spread over one interval) pass, then measures the window and checks l's bounds.
func runEngineLoad(t *testing.T, l engineLoad) engineFigures {
	t.Helper()
	logLoadAverage(t, "start")
	defer logLoadAverage(t, "end")
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
	ack0, drift0 := m.CommitLatency(), m.Drift()
	time.Sleep(window)
	cpu1 := processCPUTimes(t)
	f := engineFigures{cpu: cpu1.total() - cpu0.total(), wall: time.Since(wall0), checks: m.ChecksTotal() - n0,
		user: cpu1.user - cpu0.user, sys: cpu1.sys - cpu0.sys}
	ack, drift := m.CommitLatency().Since(ack0), m.Drift().Since(drift0)
	prof.stop(t, f.checks)
	f.rss, f.hwm = procStatus(t, "VmRSS"), procStatus(t, "VmHWM")
	f.perCheck = f.cpu / time.Duration(max(f.checks, 1))
	f.core = float64(f.cpu) / float64(f.wall) * 100
	f.ackP99, f.driftP99 = ack.Quantile(0.99), drift.Quantile(0.99)
	f.acks, f.acksOver100 = ack.Count, ack.Over(100*time.Millisecond)
	t.Logf("%d %s services at %v: %d checks in %v (%.0f/s); appliance CPU %v (user %v, system %v) = %.3f ms per check, "+
		"%.1f%% of one core; VmRSS %s (peak %s); ack (enqueued → committed) p99 ≤ %v, %d of %d over 100 ms; start drift p99 ≤ %v",
		l.services, l.checkType, l.interval, f.checks, f.wall.Round(time.Millisecond), float64(f.checks)/f.wall.Seconds(),
		f.cpu, f.user, f.sys, float64(f.perCheck)/1e6, f.core, mib(f.rss), mib(f.hwm), f.ackP99, f.acksOver100, f.acks, f.driftP99)
	if want := uint64(float64(l.services) * window.Seconds() / l.interval.Seconds()); f.checks < want*95/100 {
		t.Errorf("%d checks in the window, want about %d", f.checks, want)
	}
	if l.maxCPUPerCheck > 0 && f.perCheck > l.maxCPUPerCheck {
		t.Errorf("%.3f CPU-ms per %s check; SPEC §6 allows %.1f", float64(f.perCheck)/1e6, l.checkType,
			float64(l.maxCPUPerCheck)/1e6)
	}
	if l.maxCore > 0 && f.core >= l.maxCore {
		t.Errorf("%.1f%% of one core; the target is < %.0f%%", f.core, l.maxCore)
	}
	if l.maxRSS > 0 && f.rss > l.maxRSS {
		t.Errorf("VmRSS %s; the target is %s", mib(f.rss), mib(l.maxRSS))
	}
	if l.maxAckP99 > 0 && f.ackP99 > l.maxAckP99 {
		t.Errorf("ack latency p99 ≤ %v; the target is %v", f.ackP99, l.maxAckP99)
	}
	if f.driftP99 > time.Second {
		t.Errorf("start drift p99 ≤ %v; SPEC §6 allows 1 s", f.driftP99)
	}
	return f
}

// logLoadAverage logs /proc/loadavg: the machine may be shared, and a figure says how
// busy it was.
func logLoadAverage(t *testing.T, when string) {
	b, err := os.ReadFile("/proc/loadavg")
	must(t, err)
	t.Logf("load average at %s: %s", when, strings.TrimSpace(string(b)))
}

// TestLoadEngineHTTP: 1 000 HTTP services at 10 s = 100 checks/s against plain-HTTP
// targets (SPEC §6: ≤ 0.3 CPU-ms per check end to end; RSS ≤ 64 MiB at 1 000 services;
// ack p99 ≤ 100 ms).
func TestLoadEngineHTTP(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "http", checkType: "HTTP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTP }, warm: 12 * time.Second, window: 30 * time.Second,
		maxCPUPerCheck: 300 * time.Microsecond, maxRSS: 64 << 20, maxAckP99: 100 * time.Millisecond})
}

// TestLoadEngineTCP: 1 000 TCP services at 10 s = 100 checks/s (SPEC §6: ≤ 0.2 CPU-ms).
func TestLoadEngineTCP(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "tcp", checkType: "TCP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.TCP }, warm: 12 * time.Second, window: 30 * time.Second,
		maxCPUPerCheck: 200 * time.Microsecond, maxRSS: 64 << 20, maxAckP99: 100 * time.Millisecond})
}

// TestLoadEngineHTTPS: the HTTP fleet against HTTPS targets with an ECDSA P-256
// certificate, a full handshake and chain verification per check: a figure, no target.
func TestLoadEngineHTTPS(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "https", checkType: "HTTP", services: 1000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTPS }, warm: 12 * time.Second, window: 30 * time.Second,
		maxAckP99: 100 * time.Millisecond})
}

// TestLoadEngine10kAt60s: 10 000 HTTP services at 60 s (about 167 checks/s): the
// appliance under 10 % of one core, and its RSS at 10 000 services (SPEC §6: ≤ 256 MiB).
// The first 60 s are the spread first round; the next 60 s are measured. The ack latency
// is logged, not asserted here (its targets are the 100 and 1 000 checks/s programs').
func TestLoadEngine10kAt60s(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "10k-60s", checkType: "HTTP", services: 10000, interval: 60 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTP }, warm: 65 * time.Second, window: 60 * time.Second,
		maxCore: 10, maxRSS: 256 << 20})
}

// TestLoadEngine1000PerSecond: 10 000 HTTP services at 10 s = 1 000 checks/s: ack latency
// p99 ≤ 100 ms and start drift p99 ≤ 1 s (SPEC §6); CPU per check and RSS as figures.
func TestLoadEngine1000PerSecond(t *testing.T) {
	requireLoad(t)
	runEngineLoad(t, engineLoad{name: "1000-per-s", checkType: "HTTP", services: 10000, interval: 10 * time.Second,
		endpoints: func(tg loadTargets) []string { return tg.HTTP }, warm: 15 * time.Second, window: 30 * time.Second,
		maxAckP99: 100 * time.Millisecond})
}

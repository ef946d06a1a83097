package app

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
)

// profileEnv names a directory: when set, an engine load program profiles its measured
// window (CPU, and allocations sampled every 4 KiB), keeps the profiles there and logs
// where each microsecond and allocation of a check went (profileAreas).
const profileEnv = "ALERTIFYPRO_PROFILE"

// profileAreas attribute a profile's samples to the parts of a check: the first area
// with a function on the sample's stack takes it, so the order matters (an fsync inside
// the recorder's commit is "fsync", not "recorder"). GC assists sit inside other work's
// allocations and are charged to GC, with the background marking.
var profileAreas = []struct{ name, funcs string }{
	{"GC (background and assists)", "runtime.gcBgMarkWorker runtime.gcAssistAlloc runtime.bgsweep runtime.bgscavenge runtime.gcStart runtime.markrootSpans"},
	{"commit: fsync", "bbolt.fdatasync"},
	{"commit: page writes", "bbolt.(*Tx).write bbolt.(*Tx).writeMeta"},
	{"commit: B+tree spill, freelist, tx", "bbolt.(*Tx).Commit bbolt.(*DB).Begin bbolt.(*Tx).Rollback"},
	{"rule evaluation", "alerting.(*StateMachine).evaluate"},
	{"summaries", "store.(*orgWriter).summarize store.(*orgWriter).putSummary store.summarizeResult"},
	{"service record", "store.(*orgWriter).service store.(*recordCache) store.putService store.putJSON store.getJSON"},
	{"series head (latest result, open block and rows)", "store.appendHead store.decodeHead store.(*seriesHead) store.(*seriesWriter).addRaw store.(*lastFields)"},
	{"rollups and closed blocks", "store.(*seriesWriter).rollup store.(*seriesWriter).attribute store.(*seriesWriter).flush store.(*rollup)"},
	{"result encoding, raw row, tx other", "store.(*DB).RecordResults monitor.StoreCommit monitor.storeResult"},
	{"recorder (queue, group, acks)", "monitor.(*Recorder)"},
	{"dial (resolve, egress check, connect)", "egress.(*Guard).DialContext egress.(*Guard).dial egress.(*Guard).resolve net.(*Dialer).DialContext"},
	{"TLS handshake", "crypto/tls.(*Conn).HandshakeContext crypto/tls.(*Conn).handshakeContext"},
	{"HTTP request and response", "net/http. monitor.probeHTTP monitor.(*checkConns) monitor.readHTTPBody monitor.(*http1Body)"},
	{"TCP probe (connect excepted)", "monitor.probeTCP"},
	{"check set-up (target, credentials, timings)", "monitor.(*Checker).probe monitor.withTimings monitor.OpenCredentials"},
	{"metrics", "monitor.(*Metrics) monitor.(*histogram)"},
	{"scheduler (heap, timers, reload)", "monitor.(*Scheduler) store.(*ServiceScan) store.(*DB).ForEachService"},
	{"check goroutine other", "monitor.(*Checker)"},
	{"Go scheduler, netpoll, timers", "runtime.mcall runtime.schedule runtime.findRunnable runtime.netpoll runtime.sysmon runtime.park_m runtime.goexit0 runtime.morestack runtime.newproc runtime.timerproc runtime.mstart"},
	{"janitor, API, other workers", "store.(*Janitor) api. internal/app. alerting. notify."},
}

// windowProfile profiles the window between its start and stop; nil when profileEnv is
// unset.
type windowProfile struct {
	dir, name string
	cpu       *os.File
}

// startWindowProfile starts the CPU profile and snapshots the allocation profile.
func startWindowProfile(t *testing.T, name string) *windowProfile {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return nil
	}
	must(t, os.MkdirAll(dir, 0o755))
	p := &windowProfile{dir: dir, name: name}
	writeHeapProfile(t, p.path("alloc-before"))
	f, err := os.Create(p.path("cpu"))
	must(t, err)
	p.cpu = f
	must(t, pprof.StartCPUProfile(f))
	return p
}

func (p *windowProfile) path(kind string) string {
	return filepath.Join(p.dir, p.name+"-"+kind+".pprof")
}

// profiling reports whether the load programs profile (profileEnv is set).
func profiling() bool { return os.Getenv(profileEnv) != "" }

// setProfileRate samples allocations every 4 KiB when profiling (set before the
// application starts; the default 512 KiB leaves too few samples per check).
func setProfileRate() {
	if os.Getenv(profileEnv) != "" {
		runtime.MemProfileRate = 4096
	}
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	must(t, pprof.Lookup("allocs").WriteTo(f, 0))
}

// stop ends the profiles and logs the table of areas per check.
func (p *windowProfile) stop(t *testing.T, checks uint64) {
	if p == nil {
		return
	}
	pprof.StopCPUProfile()
	must(t, p.cpu.Close())
	writeHeapProfile(t, p.path("alloc-after"))
	logProfileTable(t, p.dir, p.name, checks)
}

// logProfileTable logs, per check, where the CPU and the allocations of the profiles
// name-cpu.pprof and name-alloc-{before,after}.pprof in dir went, by area.
func logProfileTable(t *testing.T, dir, name string, checks uint64) {
	p := &windowProfile{dir: dir, name: name}
	cpu := profileByArea(t, "-sample_index=cpu", p.path("cpu"))
	objs := profileByArea(t, "-sample_index=alloc_objects", "-base", p.path("alloc-before"), p.path("alloc-after"))
	space := profileByArea(t, "-sample_index=alloc_space", "-base", p.path("alloc-before"), p.path("alloc-after"))
	var b strings.Builder
	fmt.Fprintf(&b, "where a check's CPU and allocations go (%d checks; profiles in %s):\n", checks, p.dir)
	fmt.Fprintf(&b, "| area | CPU µs/check | share | allocs/check | bytes/check |\n|---|---|---|---|---|\n")
	var total [3]float64
	for _, v := range cpu {
		total[0] += v
	}
	names := append([]string{}, areaNames()...)
	for _, name := range append(names, "other") {
		c := cpu[name] / 1e3 / float64(checks)
		fmt.Fprintf(&b, "| %s | %.1f | %.0f%% | %.1f | %.0f |\n", name, c, 100*cpu[name]/max(total[0], 1),
			objs[name]/float64(checks), space[name]/float64(checks))
		total[1] += objs[name]
		total[2] += space[name]
	}
	fmt.Fprintf(&b, "| total | %.1f | 100%% | %.1f | %.0f |", total[0]/1e3/float64(checks),
		total[1]/float64(checks), total[2]/float64(checks))
	t.Log(b.String())
}

// TestLoadProfileTable tabulates saved profiles again (after a change of profileAreas,
// or profiles of another build: they carry their symbols): ALERTIFYPRO_PROFILE_TABLE is
// "<dir>:<name>:<checks>", as a profiled load program logged them.
func TestLoadProfileTable(t *testing.T) {
	spec := os.Getenv("ALERTIFYPRO_PROFILE_TABLE")
	if spec == "" {
		t.Skip("set ALERTIFYPRO_PROFILE_TABLE=<dir>:<name>:<checks>")
	}
	parts := strings.Split(spec, ":")
	if len(parts) != 3 {
		t.Fatalf("ALERTIFYPRO_PROFILE_TABLE %q: want <dir>:<name>:<checks>", spec)
	}
	checks, err := strconv.ParseUint(parts[2], 10, 64)
	must(t, err)
	logProfileTable(t, parts[0], parts[1], checks)
}

func areaNames() []string {
	names := make([]string, len(profileAreas))
	for i, a := range profileAreas {
		names[i] = a.name
	}
	return names
}

// profileByArea runs go tool pprof -traces on a profile of this binary and sums its
// samples by area: nanoseconds for CPU, objects or bytes for allocations.
func profileByArea(t *testing.T, args ...string) map[string]float64 {
	t.Helper()
	cmd := exec.Command("go", append(append([]string{"tool", "pprof", "-traces"}, args[:len(args)-1]...), os.Args[0], args[len(args)-1])...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go tool pprof: %v: %s", err, stderr.String())
	}
	sums := map[string]float64{}
	var value float64
	var frames []string
	flush := func() {
		if value != 0 {
			sums[areaOf(frames)] += value
		}
		value, frames = 0, frames[:0]
	}
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "-----------+") {
			flush()
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.Contains(line, ":") && value == 0 && len(frames) == 0 && !strings.HasPrefix(line, " ") {
			continue // the header
		}
		if !strings.HasPrefix(line, "            ") && len(fields) >= 2 {
			value = parseSampleValue(fields[0])
			frames = append(frames, fields[1])
			continue
		}
		frames = append(frames, fields[0])
	}
	flush()
	return sums
}

// parseSampleValue reads a -traces value: a duration (10ms, 1.2s), bytes (4kB, 1.5MB) or
// a count.
func parseSampleValue(s string) float64 {
	if d, err := time.ParseDuration(s); err == nil {
		return float64(d)
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"kB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err == nil {
				return v * u.mult
			}
		}
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// areaOf returns the first area with a function on the stack.
func areaOf(frames []string) string {
	for _, a := range profileAreas {
		for _, fn := range strings.Fields(a.funcs) {
			for _, f := range frames {
				if strings.Contains(f, fn) {
					return a.name
				}
			}
		}
	}
	return "other"
}

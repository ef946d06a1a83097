package compare

// How to run (scripts/compare-gatus builds Gatus and does this):
//
//	ALERTIFYPRO_COMPARE=1 GATUS_BIN=/path/to/gatus go test -run TestCompareWithGatus -v -timeout 60m ./internal/compare/
//
// ALERTIFYPRO_COMPARE_SERVICES (default 1000), _INTERVAL (10s), _WARMUP (40s), _WINDOW
// (120s), _LIST (20s) and _ROUNDS (2) change the load and the windows. Each round runs
// AlertifyPro and then Gatus (alternating which goes first), each in a fresh directory,
// against the same loopback target served by this test process, so neither product's
// CPU includes the targets'. The program fails when AlertifyPro misses a SPEC §6 target
// it measures: ≤ 0.3 CPU-ms per HTTP check at 100 checks/s or more, RSS ≤ 64 MiB at 1 000 services, the list of
// 1 000 services p99 ≤ 200 ms and ≤ 150 KB with gzip offered, one connection per check.

import (
	"cmp"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// figures are one product's measurements in one round.
type figures struct {
	product          string
	checksPerSec     float64
	cpuMsPerCheck    float64
	connsPerCheck    float64
	rssMiB           float64
	peakRSSMiB       float64
	bytesPerCheck    float64 // database files' growth per check during the window
	listP50, listP99 time.Duration
	listBytes        int64 // one answer on the wire, gzip offered
}

func TestCompareWithGatus(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_COMPARE") != "1" {
		t.Skip("comparison program: set ALERTIFYPRO_COMPARE=1 and GATUS_BIN (see the top of compare_test.go)")
	}
	gatusBin := os.Getenv("GATUS_BIN")
	if gatusBin == "" {
		t.Fatal("GATUS_BIN must name a Gatus binary (scripts/compare-gatus builds one)")
	}
	n := envInt(t, "ALERTIFYPRO_COMPARE_SERVICES", 1000)
	interval := envDuration(t, "ALERTIFYPRO_COMPARE_INTERVAL", 10*time.Second)
	warmup := envDuration(t, "ALERTIFYPRO_COMPARE_WARMUP", 40*time.Second)
	window := envDuration(t, "ALERTIFYPRO_COMPARE_WINDOW", 120*time.Second)
	listFor := envDuration(t, "ALERTIFYPRO_COMPARE_LIST", 20*time.Second)
	rounds := envInt(t, "ALERTIFYPRO_COMPARE_ROUNDS", 2)
	t.Logf("%d HTTP services every %s; warm-up %s, window %s, list %s; load average at start %s",
		n, interval, warmup, window, listFor, loadAverage())

	var all []figures
	for round := range rounds {
		order := []string{"alertifypro", "gatus"}
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, product := range order {
			var f figures
			t.Run(product+"-round-"+strconv.Itoa(round+1), func(t *testing.T) {
				dir := t.TempDir()
				tg := startTarget(t)
				var r *running
				if product == "gatus" {
					r = startGatus(t, gatusBin, dir, tg, n, interval)
				} else {
					r = startAlertifyPro(t, dir, tg, n, interval)
				}
				f = measure(t, product, r, tg, warmup, window, listFor)
				t.Logf("%+v (load average %s)", f, loadAverage())
			})
			if f.product == "" {
				t.FailNow()
			}
			all = append(all, f)
		}
	}
	report(t, all)
	for _, f := range all {
		if f.product != "alertifypro" {
			continue
		}
		// SPEC §6 sets the CPU target at 100 checks/s: below that rate the per-tick and
		// per-commit costs are shared by fewer checks, so it is not asserted there.
		check(t, float64(n)/interval.Seconds() < 100 || f.cpuMsPerCheck <= 0.3,
			"CPU per HTTP check %.3f ms > 0.3", f.cpuMsPerCheck)
		check(t, n > 1000 || f.rssMiB <= 64, "RSS %.1f MiB > 64 at %d services", f.rssMiB, n)
		check(t, f.listP99 <= 200*time.Millisecond, "list p99 %s > 200 ms", f.listP99)
		check(t, n > 1000 || f.listBytes <= 150_000, "list on the wire %d B > 150 KB", f.listBytes)
		check(t, f.connsPerCheck >= 0.95, "%.2f connections per check: checks reuse connections", f.connsPerCheck)
	}
}

// measure waits out the warm-up, then measures the check window (nothing else asks the
// process anything), then the list endpoint on its own.
func measure(t *testing.T, product string, r *running, tg *target, warmup, window, listFor time.Duration) figures {
	t.Helper()
	time.Sleep(warmup)
	cpu0, err := processCPU(r.pid())
	if err != nil {
		t.Fatal(err)
	}
	req0, conn0, t0 := tg.requests.Load(), tg.conns.Load(), time.Now()
	time.Sleep(window)
	cpu1, err := processCPU(r.pid())
	if err != nil {
		t.Fatal(err)
	}
	checks, conns, elapsed := tg.requests.Load()-req0, tg.conns.Load()-conn0, time.Since(t0)
	if checks == 0 {
		t.Fatalf("%s made no checks in %s", product, window)
	}
	rss, _ := processMemory(r.pid(), "VmRSS")
	peak, _ := processMemory(r.pid(), "VmHWM")
	f := figures{
		product:       product,
		checksPerSec:  float64(checks) / elapsed.Seconds(),
		cpuMsPerCheck: float64((cpu1 - cpu0).Microseconds()) / 1000 / float64(checks),
		connsPerCheck: float64(conns) / float64(checks),
		rssMiB:        float64(rss) / (1 << 20),
		peakRSSMiB:    float64(peak) / (1 << 20),
	}
	f.listP50, f.listP99, f.listBytes = measureList(t, r.list, listFor)
	r.stop()
	// From empty: the services' own records are in it too, a few hundred bytes each.
	f.bytesPerCheck = float64(r.dbSize(t)) / float64(tg.requests.Load())
	return f
}

// measureList asks for the list one request at a time for d, with gzip offered, and
// returns the median and 99th percentile latency and the size of one answer as sent.
func measureList(t *testing.T, req *http.Request, d time.Duration) (p50, p99 time.Duration, wire int64) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var lat []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		r := req.Clone(req.Context())
		r.Header.Set("Accept-Encoding", "gzip")
		start := time.Now()
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		lat = append(lat, time.Since(start))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		wire = n
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)], wire
}

// report logs the rounds as the README's table rows.
func report(t *testing.T, all []figures) {
	t.Helper()
	t.Log("| product | checks/s | CPU-ms per check | connections per check | RSS (peak) MiB | DB bytes per check | list p50 / p99 | list bytes (gzip offered) |")
	for _, f := range all {
		t.Logf("| %s | %.0f | %.3f | %.2f | %.1f (%.1f) | %.0f | %s / %s | %d |", f.product, f.checksPerSec,
			f.cpuMsPerCheck, f.connsPerCheck, f.rssMiB, f.peakRSSMiB, f.bytesPerCheck,
			f.listP50.Round(100*time.Microsecond), f.listP99.Round(100*time.Microsecond), f.listBytes)
	}
	t.Logf("load average at the end: %s", loadAverage())
}

// check records a failed target without stopping the others.
func check(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v, err := strconv.Atoi(cmp.Or(os.Getenv(name), strconv.Itoa(def)))
	if err != nil || v < 1 {
		t.Fatalf("%s: a whole number of at least 1, got %q", name, os.Getenv(name))
	}
	return v
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v, err := time.ParseDuration(cmp.Or(os.Getenv(name), def.String()))
	if err != nil || v <= 0 {
		t.Fatalf("%s: a duration such as 30s, got %q", name, os.Getenv(name))
	}
	return v
}

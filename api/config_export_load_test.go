package api

// Load program for the configuration export: the YAML export of a 10 000-service
// organization costs at most twice the JSON export's time and heap. It runs only with
// ALERTIFYPRO_LOAD=1, on loopback only, and logs its figures (go test -v):
//
//	ALERTIFYPRO_LOAD=1 go test -run '^TestLoadConfigExport$' -v -timeout 10m ./api/
//
// Each export goes through the real router and a real HTTP server on 127.0.0.1 to a
// client that reads and discards the body, so the figures hold what the server holds,
// not a recorded copy of the answer. Heap is sampled every millisecond (runtime/metrics)
// and reported as growth over the heap after a GC before the request; allocation is the
// bytes allocated during the request (MemStats.TotalAlloc), time the median of the runs.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

const (
	exportLoadServices = 10_000
	exportLoadRuns     = 7
)

// exportFigures are one format's measurements.
type exportFigures struct {
	median      time.Duration
	peakHeap    uint64 // the highest heap growth of the runs
	allocated   uint64 // bytes allocated per export (median)
	answerBytes int64
}

func TestLoadConfigExport(t *testing.T) {
	if os.Getenv("ALERTIFYPRO_LOAD") != "1" {
		t.Skip("load program: set ALERTIFYPRO_LOAD=1 (see the top of config_export_load_test.go)")
	}
	e := newTestEnv(t)
	u := exportLoadOrganization(e)
	srv := httptest.NewServer(e.router) // 127.0.0.1, real TCP
	defer srv.Close()
	client := &http.Client{Timeout: time.Minute}
	defer client.CloseIdleConnections()

	figures := map[string]exportFigures{}
	for _, format := range []string{"json", "yaml", "json", "yaml"} { // the second round is measured warm
		figures[format] = measureExport(t, client, srv.URL+"/api/v1/export?format="+format, u.Token)
	}
	for _, format := range []string{"json", "yaml"} {
		f := figures[format]
		t.Logf("%s export of %d services: %s median of %d, heap +%.1f MiB peak, %.1f MiB allocated, %.1f MiB answered",
			format, exportLoadServices, f.median.Round(time.Millisecond), exportLoadRuns, mib(f.peakHeap), mib(f.allocated), mib(uint64(f.answerBytes)))
	}
	j, y := figures["json"], figures["yaml"]
	if y.median > 2*j.median || y.peakHeap > 2*j.peakHeap || y.allocated > 2*j.allocated {
		t.Errorf("YAML export costs more than twice the JSON export: %+v vs %+v", y, j)
	}

	// Eight at once: two run, the others are told to retry (or find a slot free).
	var ok, limited atomic.Int32
	var wg sync.WaitGroup
	peak := sampleHeap(func() {
		for range 8 {
			wg.Go(func() {
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/export", nil)
				req.Header.Set("Authorization", "Bearer "+u.Token)
				res, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					t.Errorf("export: %d", res.StatusCode)
				}
			})
		}
		wg.Wait()
	})
	t.Logf("8 YAML exports at once: %d answered, %d told to retry, heap +%.1f MiB peak", ok.Load(), limited.Load(), mib(peak))
	if ok.Load() < 1 || peak > 3*y.peakHeap {
		t.Errorf("8 exports at once: %d answered, heap +%.1f MiB (one export: +%.1f MiB)", ok.Load(), mib(peak), mib(y.peakHeap))
	}
}

// exportLoadOrganization is an enterprise organization with exportLoadServices services,
// each a copy (own ID and name) of one created through the API, so stored options are
// what the API stores.
func exportLoadOrganization(e *testEnv) *testUser {
	e.t.Helper()
	u := e.newUser("load@example.com", "Load")
	if _, err := e.db.UpdateOrganization(u.OrgID, func(o *store.Organization) error {
		o.PlanType, o.MaxServices = planEnterprise, unlimited
		return nil
	}, nil); err != nil {
		e.t.Fatal(err)
	}
	e.mustCreateService(u.Token, map[string]any{"name": "Template", "description": "The shop front, checked from the edge.",
		"endpoint": "https://shop.example.com/health", "check_type": "http", "tags": []string{"prod", "shop"},
		"environment": "production", "sla_target": 99.9,
		"options": map[string]any{"expected_status": "2xx", "headers": map[string]string{"Accept": "application/json"}}})
	svcs, err := e.db.Services(u.OrgID)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range exportLoadServices - 1 {
		s := svcs[0]
		s.ID, s.Name, s.Endpoint = "", fmt.Sprintf("Service %05d", i), fmt.Sprintf("https://svc%05d.example.com/health", i)
		if err := e.db.CreateService(u.OrgID, &s, nil); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

// measureExport runs exportLoadRuns exports of url and returns their figures.
func measureExport(t *testing.T, client *http.Client, url, token string) exportFigures {
	t.Helper()
	var times []time.Duration
	var allocs []uint64
	var f exportFigures
	for range exportLoadRuns {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		peak := sampleHeap(func() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("export: %d", res.StatusCode)
			}
			if f.answerBytes, err = io.Copy(io.Discard, res.Body); err != nil {
				t.Fatal(err)
			}
		})
		times = append(times, time.Since(start))
		runtime.ReadMemStats(&after)
		allocs = append(allocs, after.TotalAlloc-before.TotalAlloc)
		f.peakHeap = max(f.peakHeap, peak)
	}
	slices.Sort(times)
	slices.Sort(allocs)
	f.median, f.allocated = times[len(times)/2], allocs[len(allocs)/2]
	return f
}

// sampleHeap runs fn after a GC and returns the highest heap growth sampled every
// millisecond while it ran.
func sampleHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > peak.Load() {
				peak.Store(v - base)
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-sampled
	return peak.Load()
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

package monitor

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// loadEnvVar arms the load programs of load_test.go; plain `go test` skips
// them because each runs for tens of seconds to minutes.
const loadEnvVar = "ALERTIFYPRO_LOAD"

// loadServices is the fleet size of SPEC §6's engine rows.
const loadServices = 10_000

func requireLoad(t *testing.T) {
	t.Helper()
	if os.Getenv(loadEnvVar) != "1" {
		t.Skip("load program: set " + loadEnvVar + "=1 to run (see the top of load_test.go)")
	}
}

// seededStore builds a store with one unlimited organization and n TCP
// services checked every interval (endpoints round-robin from targets),
// closes it, and returns the path of the file, its organization and the
// service IDs. The API refuses intervals under 10 s; the store takes what it
// is given. Seeding runs on tmpfs when there is one (10 000 fsynced creates
// take from 5 s to a minute on a shared disk) and the file is then copied
// to the test's directory, so what is measured runs on the real disk.
func seededStore(t *testing.T, n int, interval time.Duration, targets []string) (path, orgID string, ids []string) {
	t.Helper()
	start := time.Now()
	seedDir := t.TempDir()
	if dir, err := os.MkdirTemp("/dev/shm", "alertifypro-load-"); err == nil {
		seedDir = dir
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	seed := filepath.Join(seedDir, "seed.db")
	db, err := store.Open(seed, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Email: "load@example.com", FullName: "Load", PasswordHash: "x"}
	org := &store.Organization{Name: "Load", PlanType: "enterprise", MaxServices: -1}
	if err := db.Register(u, org, &store.Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	ids = make([]string, n)
	for i := range n {
		s := &store.Service{Name: fmt.Sprintf("load-%05d", i), CheckType: "TCP", Endpoint: targets[i%len(targets)],
			CheckIntervalSeconds: int(interval / time.Second), TimeoutSeconds: 5, Tags: []string{"load"},
			Environment: "production", Description: "loopback load target"}
		if err := db.CreateService(org.ID, s, nil); err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "load.db")
	copyFile(t, seed, path)
	t.Logf("seeded %d services at %v in %v (on %s)", n, interval, time.Since(start).Round(time.Millisecond), seedDir)
	return path, org.ID, ids
}

// copyFile copies src to dst and fsyncs dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// openStore opens the file at path (real fsync, as in production); it is
// closed when the test ends, after the engine's cleanup if that is
// registered later.
func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// acceptAndClose starts n loopback TCP listeners that accept every
// connection and close it at once, and returns their addresses. Several
// listeners spread 1 000 connections/s over several 4-tuple spaces so
// TIME_WAIT never exhausts the ephemeral ports.
func acceptAndClose(t *testing.T, n int) []string {
	t.Helper()
	addrs := make([]string, n)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // cleanups run last-in first-out: after every Close below
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs[i] = ln.Addr().String()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		t.Cleanup(func() { ln.Close() })
	}
	return addrs
}

// countedEngine is NewEngine with the recorder's commit wrapped to count
// committed results and groups, time the commits (a slow disk holds every
// check's concurrency slot until its result commits, so a stalled fsync
// shows as drift) and report the first commit.
type countedEngine struct {
	*Engine
	committed, groups atomic.Int64
	commitTime        *histogram // only the recorder goroutine observes it
	maxCommit         atomic.Int64
	firstCommit       chan struct{}
	first             sync.Once
}

func newCountedEngine(t *testing.T, db *store.DB, concurrency int) *countedEngine {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e := &countedEngine{firstCommit: make(chan struct{}),
		commitTime: newHistogram(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)}
	e.Engine = NewEngine(EngineConfig{Store: db, Opener: noSeals{}, Env: loopbackEnv(t),
		Poll: 10 * time.Second, Concurrency: concurrency, Logger: logger})
	commit := StoreCommit(db)
	rec := NewRecorder(func(batch []Recorded) error {
		start := time.Now()
		err := commit(batch)
		took := time.Since(start)
		e.commitTime.observe(took)
		e.maxCommit.Store(max(e.maxCommit.Load(), int64(took)))
		if err == nil {
			e.committed.Add(int64(len(batch)))
			e.groups.Add(1)
			e.first.Do(func() { close(e.firstCommit) })
		}
		return err
	}, 0)
	rec.Linger, rec.latency = e.Recorder.Linger, e.Metrics.commitLatency
	e.Recorder, e.Checker.Recorder = rec, rec
	return e
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatus returns a "kB" field of /proc/self/status (VmRSS, VmHWM) in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// histCounts snapshots a histogram: its cumulative bucket counts, then the total.
func histCounts(h *histogram) []uint64 {
	s := h.snapshot()
	return append(s.Counts, s.Count)
}

// histWindow summarises what h observed since the snapshot before: the
// q-quantile as its bucket's upper bound (as Metrics.DriftQuantile), the
// count, and how many observations exceeded limit (a bucket bound).
func histWindow(h *histogram, before []uint64, q float64, limit time.Duration) (quant time.Duration, n, over uint64) {
	now := histCounts(h)
	n = now[len(h.counts)] - before[len(h.counts)]
	if n == 0 {
		return 0, 0, 0
	}
	want := uint64(q * float64(n))
	quant = -1
	for i, b := range h.bounds {
		c := now[i] - before[i]
		if quant < 0 && c >= want {
			quant = time.Duration(b * float64(time.Second))
		}
		if time.Duration(b*float64(time.Second)) == limit {
			over = n - c
		}
	}
	if quant < 0 {
		quant = time.Duration(h.bounds[len(h.bounds)-1] * float64(time.Second))
	}
	return quant, n, over
}

package monitor

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Crash durability (SPEC §4.3): a result is acknowledged only after its
// commit, so a kill -9 at any moment must lose no acknowledged result and
// must leave a file that passes bbolt's consistency check.
//
// The test re-executes its own binary as a helper process (TestCrashHelper,
// selected with -test.run and armed by crashHelperEnv) that records results
// through a real Recorder + StoreCommit on a real, fsynced store and prints
// one line per acknowledged result. The parent kills it with SIGKILL at a
// random moment and then checks the file.

const (
	// crashHelperEnv holds the database path; only these tests read it.
	crashHelperEnv = "ALERTIFYPRO_CRASH_HELPER"
	// crashRoundEnv holds the round number, which picks the helper's time base.
	crashRoundEnv = "ALERTIFYPRO_CRASH_ROUND"

	crashServices = 32
)

// crashEpoch is the time base of round 0; round r writes at crashEpoch + r
// hours, so rounds appended to one file never share a (service, time) key.
var crashEpoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// TestCrashHelper is the helper process of TestCrashDurability. It does
// nothing unless crashHelperEnv is set.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashHelperEnv)
	if path == "" {
		return
	}
	round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
	if err != nil {
		crashHelperFail("bad round: %v", err)
	}
	db, err := store.Open(path, testStoreOptions(store.Options{})) // real fsync: durability is under test
	if err != nil {
		crashHelperFail("open: %v", err)
	}
	var svcs []*store.Service
	if err := db.ForEachService(func(s *store.Service) error { svcs = append(svcs, s); return nil }); err != nil {
		crashHelperFail("services: %v", err)
	}
	if len(svcs) != crashServices {
		crashHelperFail("%d services, want %d", len(svcs), crashServices)
	}
	rec := NewRecorder(StoreCommit(db), 0)
	go rec.Run()

	// The parent kills us long before this; the deadline only guarantees
	// that an orphaned helper goes away on its own.
	deadline := time.Now().Add(60 * time.Second)
	base := crashEpoch.Add(time.Duration(round) * time.Hour)
	var out sync.Mutex
	// 4, 8, 16 or 32 producers by round: small and large commit groups.
	producers := 4 << (round % 4)
	var wg sync.WaitGroup
	for g := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Producer g owns services g, g+producers, ...: each (service,
			// time) is written once, so a later write can never hide a lost
			// one.
			var owned []*store.Service
			for i := g; i < len(svcs); i += producers {
				owned = append(owned, svcs[i])
			}
			for i := 0; time.Now().Before(deadline); i++ {
				s := owned[i%len(owned)]
				at := base.Add(time.Duration(i)*time.Millisecond + time.Duration(g))
				res := Result{CheckedAt: at, Status: StatusGreen, ResponseTime: time.Duration(i%300) * time.Millisecond}
				switch {
				case i%7 == 0:
					res.Status, res.Error = StatusRed, "connection refused"
				case i%11 == 0:
					res.Status = StatusYellow
				}
				if err := rec.Record(Recorded{OrgID: s.OrgID, ServiceID: s.ID, Result: res}); err != nil {
					crashHelperFail("record: %v", err)
				}
				// Acknowledged: only now may the parent count on it. One
				// write per line (atomic on a pipe below PIPE_BUF).
				line := "ack " + s.ID + " " + strconv.FormatInt(at.UnixNano(), 10) + "\n"
				out.Lock()
				_, err := os.Stdout.WriteString(line)
				out.Unlock()
				if err != nil {
					os.Exit(0) // the parent is gone
				}
			}
		}()
	}
	wg.Wait()
	crashHelperFail("not killed within 60 s")
}

func crashHelperFail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "crash helper: "+format+"\n", args...)
	os.Exit(3)
}

// crashAck is one acknowledged result.
type crashAck struct {
	serviceID string
	at        int64 // unix nanos
}

// TestCrashDurability kills the recording helper with SIGKILL in 24 rounds:
// 12 that append to one file reopened every round (every earlier round's
// acknowledgements must survive each later crash too) and 12 on a fresh
// file. After each kill it opens the file with store.Open, runs bbolt's
// consistency check, and verifies that every acknowledged result is stored,
// that each service's LastCheckedAt covers its acknowledged results, and
// that the daily rollups count exactly the raw rows (raw row, rollups and
// service update commit together or not at all).
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a recording helper process 24 times (about 5 s, 20 s with -race); skipped with -short")
	}
	const appendRounds, freshRounds = 12, 12
	dir := t.TempDir()
	shared := filepath.Join(dir, "shared.db")
	crashSeed(t, shared)
	var all []crashAck // acknowledged in every round on the shared file so far
	for round := range appendRounds + freshRounds {
		path := shared
		if round >= appendRounds {
			path = filepath.Join(dir, fmt.Sprintf("fresh-%02d.db", round))
			crashSeed(t, path)
		}
		acks, stderr := crashRound(t, path, round)
		if len(acks) == 0 {
			t.Fatalf("round %d: no acknowledged result before the kill; helper stderr:\n%s", round, stderr)
		}
		if path == shared {
			all = append(all, acks...)
			acks = all
		}
		crashVerify(t, path, round, acks)
	}
	t.Logf("%d rounds; %d results acknowledged on the appended file", appendRounds+freshRounds, len(all))
}

// crashSeed creates a database with one unlimited organization and
// crashServices TCP services, and closes it.
func crashSeed(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := &store.User{Email: "crash@example.com", FullName: "Crash", PasswordHash: "x"}
	org := &store.Organization{Name: "Crash", PlanType: "enterprise", MaxServices: -1}
	if err := db.Register(u, org, &store.Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	for i := range crashServices {
		s := &store.Service{Name: fmt.Sprintf("svc-%02d", i), CheckType: "TCP", Endpoint: "127.0.0.1:1",
			CheckIntervalSeconds: 60, TimeoutSeconds: 5}
		if err := db.CreateService(org.ID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// crashRound runs the helper on path, kills it with SIGKILL once it has
// acknowledged a random number of results (plus a random few milliseconds),
// and returns every acknowledgement it printed.
func crashRound(t *testing.T, path string, round int) ([]crashAck, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+path, crashRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Early kills (a handful of commits, the file barely grown) and late
	// ones (several page splits and remaps behind) both occur.
	target := 1 + rand.IntN(1500)
	var (
		mu   sync.Mutex
		acks []crashAck
	)
	reached := make(chan struct{})
	eof := make(chan struct{})
	go func() {
		defer close(eof)
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // EOF; a last line cut short by the kill has no newline and is dropped
			}
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "ack" || len(f[1]) != 36 {
				continue
			}
			ns, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				continue
			}
			mu.Lock()
			acks = append(acks, crashAck{f[1], ns})
			if len(acks) == target {
				close(reached)
			}
			mu.Unlock()
		}
	}()
	select {
	case <-reached:
		time.Sleep(time.Duration(rand.IntN(20_000)) * time.Microsecond)
	case <-eof:
		// The helper died on its own: report below with its stderr.
	case <-time.After(20 * time.Second):
		t.Errorf("round %d: fewer than %d acknowledgements after 20 s", round, target)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-eof
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("round %d: helper did not die by SIGKILL (%v); stderr:\n%s", round, err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return acks, stderr.String()
}

// crashVerify opens the killed helper's file and checks it against acks.
func crashVerify(t *testing.T, path string, round int, acks []crashAck) {
	t.Helper()
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatalf("round %d: reopen after kill: %v", round, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("round %d: bbolt consistency check after kill -9:\n%v", round, err)
	}
	var svcs []*store.Service
	if err := db.ForEachService(func(s *store.Service) error { svcs = append(svcs, s); return nil }); err != nil {
		t.Fatal(err)
	}
	latest := map[string]int64{}
	for _, a := range acks {
		latest[a.serviceID] = max(latest[a.serviceID], a.at)
	}
	stored := map[crashAck]bool{}
	for _, s := range svcs {
		rows, err := db.Checks(s.OrgID, s.ID, crashEpoch, time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			stored[crashAck{s.ID, r.CheckedAt.UnixNano()}] = true
		}
		if l, ok := latest[s.ID]; ok && (s.LastCheckedAt == nil || s.LastCheckedAt.UnixNano() < l) {
			t.Errorf("round %d: service %s LastCheckedAt %v is older than its acknowledged result at %v",
				round, s.Name, s.LastCheckedAt, time.Unix(0, l).UTC())
		}
		// Whole UTC days: the uptime plan reads daily rollups only.
		up, err := db.Uptime(s.OrgID, s.ID, crashEpoch, crashEpoch.Add(3*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if up.TotalChecks != len(rows) {
			t.Errorf("round %d: service %s: daily rollups count %d checks, raw rows %d", round, s.Name, up.TotalChecks, len(rows))
		}
	}
	lost := 0
	for _, a := range acks {
		if !stored[a] {
			if lost++; lost <= 5 {
				t.Errorf("round %d: acknowledged result %s @ %d lost after kill -9", round, a.serviceID, a.at)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("round %d: %d of %d acknowledged results lost", round, lost, len(acks))
	}
}

package monitor

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRecorderGroupsAndAcknowledgesAfterCommit(t *testing.T) {
	var (
		mu        sync.Mutex
		committed []string
		groups    atomic.Int64
	)
	release := make(chan struct{})
	r := NewRecorder(func(batch []Recorded) error {
		if groups.Add(1) == 1 {
			<-release // hold the first group so the others queue up behind it
		}
		mu.Lock()
		for _, it := range batch {
			committed = append(committed, it.ServiceID)
		}
		mu.Unlock()
		return nil
	}, 0)
	done := make(chan struct{})
	go func() { r.Run(); close(done) }()

	var wg sync.WaitGroup
	acked := make(chan string, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := string(rune('A' + i%26))
			if err := r.Record(Recorded{ServiceID: id}); err != nil {
				t.Error(err)
			}
			mu.Lock()
			found := false
			for _, c := range committed {
				found = found || c == id
			}
			mu.Unlock()
			if !found {
				t.Errorf("Record returned before %s was committed", id)
			}
			acked <- id
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	r.Close()
	<-done
	if len(committed) != 100 {
		t.Fatalf("committed %d results, want 100", len(committed))
	}
	if g := groups.Load(); g >= 100 {
		t.Fatalf("%d commits for 100 results: want grouping (fewer than 100)", g)
	}
	if err := r.Record(Recorded{}); !errors.Is(err, ErrRecorderClosed) {
		t.Fatalf("Record after Close = %v", err)
	}
}

func TestRecorderReportsCommitErrors(t *testing.T) {
	boom := errors.New("disk full")
	r := NewRecorder(func([]Recorded) error { return boom }, 0)
	go r.Run()
	defer r.Close()
	if err := r.Record(Recorded{ServiceID: "x"}); !errors.Is(err, boom) {
		t.Fatalf("Record = %v, want the commit error", err)
	}
}

// lingerRecorder runs a recorder with the given linger that counts its commits.
func lingerRecorder(t *testing.T, linger time.Duration) (*Recorder, *atomic.Int64) {
	t.Helper()
	var groups atomic.Int64
	r := NewRecorder(func([]Recorded) error { groups.Add(1); return nil }, 0)
	r.Linger, r.latency = linger, newHistogram(0.001, 1, 60)
	done := make(chan struct{})
	go func() { r.Run(); close(done) }()
	t.Cleanup(func() { r.Close(); <-done })
	return r, &groups
}

// TestRecorderGroupsAnnouncedResults: results of checks started together, arriving a few
// milliseconds apart, share one commit, made as soon as the last one arrives — not after
// the linger, which is set far beyond the test's patience here.
func TestRecorderGroupsAnnouncedResults(t *testing.T) {
	r, groups := lingerRecorder(t, time.Minute)
	const n = 5
	for range n {
		r.announce(1)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 5 * time.Millisecond)
			if err := r.recordAnnounced(Recorded{ServiceID: "s"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if g := groups.Load(); g != 1 {
		t.Errorf("%d commits for %d results of checks started together, want 1", g, n)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the group waited %v for results that had all arrived", took)
	}
	if c := r.latency.snapshot().Count; c != n {
		t.Errorf("commit latency observed %d times, want %d", c, n)
	}
}

// TestRecorderLingerIsBounded: a check that never reports (it hangs until its timeout)
// holds the others' group open for Linger at most.
func TestRecorderLingerIsBounded(t *testing.T) {
	const linger = 50 * time.Millisecond
	r, groups := lingerRecorder(t, linger)
	r.announce(1)
	r.announce(1) // the hanging one
	start := time.Now()
	if err := r.recordAnnounced(Recorded{ServiceID: "fast"}); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if took < linger {
		t.Errorf("committed after %v, before the linger (%v) while another result was coming", took, linger)
	}
	if took > 10*time.Second || groups.Load() != 1 {
		t.Errorf("committed after %v in %d groups; the linger is %v", took, groups.Load(), linger)
	}
}

// TestRecorderCommitsCheckNowAtOnce: a check-now result does not wait for announced
// results of scheduled checks still running.
func TestRecorderCommitsCheckNowAtOnce(t *testing.T) {
	r, groups := lingerRecorder(t, time.Minute)
	r.announce(1) // a scheduled check that hangs
	start := time.Now()
	if err := r.RecordNow(Recorded{ServiceID: "now"}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 30*time.Second || groups.Load() != 1 {
		t.Errorf("check now committed after %v (%d groups) while a scheduled result was coming", took, groups.Load())
	}
}

// TestRecorderStopsLingeringWhenFull: a group holding lingerFull results commits without
// waiting for the announced results still to come (at high rates the next group takes
// them), so acknowledgements do not wait for a whole tick's checks.
func TestRecorderStopsLingeringWhenFull(t *testing.T) {
	r, groups := lingerRecorder(t, time.Minute)
	for range 2 * lingerFull {
		r.announce(1)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range lingerFull {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.recordAnnounced(Recorded{ServiceID: "s"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > 30*time.Second || groups.Load() == 0 {
		t.Errorf("%d results of %d announced committed after %v in %d groups; the linger is a minute",
			lingerFull, 2*lingerFull, took, groups.Load())
	}
}

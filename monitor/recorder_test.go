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

package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// syncBuffer is a bytes.Buffer safe for the scheduler's and the test's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSchedulerSurvivesDamagedPage overwrites the pages that hold the services while the
// scheduler runs on the real store (bbolt maps the file, so the damage is what its next
// read meets: a page assertion). The scheduler's reloads must fail with an error, not
// panic the process; it keeps its schedule and goes on checking, and the store reports
// the damage through Ping (/ready).
func TestSchedulerSurvivesDamagedPage(t *testing.T) {
	f := newSchedFixture(t, hangOn)
	logs := &syncBuffer{}
	f.sched.Logger = slog.New(slog.NewTextHandler(logs, nil))
	for i := range 60 {
		f.add(t, fmt.Sprintf("svc-%02d-%s", i, strings.Repeat("x", 200)), 1, 1, false)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.sched.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("scheduler: %v", err)
		}
	}()
	first := "svc-00-" + strings.Repeat("x", 200)
	waitFor(t, "the first check", func() bool { return f.count(first) > 0 })

	overwritePagesHolding(t, f.db.Path(), "svc-")
	before := f.count(first)
	f.sched.Notify()
	waitFor(t, "three failed reloads", func() bool { return strings.Count(logs.String(), "scheduler reload failed") >= 3 })
	if !strings.Contains(logs.String(), "damaged") {
		t.Errorf("reload errors do not say the file is damaged:\n%s", logs.String())
	}
	waitFor(t, "a check after the damage", func() bool { return f.count(first) > before })
	if err := f.db.Ping(); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("Ping after the damage: %v, want ErrDamaged", err)
	}
	select {
	case err := <-done:
		t.Fatalf("the scheduler stopped: %v", err)
	default:
	}
}

// overwritePagesHolding overwrites, in place, the elements (everything after the 16-byte
// page header) of every page of the file that holds marker. Older copies of a page left
// in free pages by copy-on-write are overwritten too; nothing reads those.
func overwritePagesHolding(t *testing.T, path, marker string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ps := os.Getpagesize()
	hits := 0
	for off := 0; ; {
		i := bytes.Index(raw[off:], []byte(marker))
		if i < 0 {
			break
		}
		page := (off + i) / ps
		if _, err := w.WriteAt(bytes.Repeat([]byte{0xFF}, 256), int64(page*ps+16)); err != nil {
			t.Fatal(err)
		}
		off, hits = (page+1)*ps, hits+1
	}
	if hits == 0 {
		t.Fatalf("%q is in no page of %s", marker, path)
	}
}

package agent

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

func serviceIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("019a0000-0000-7000-8000-%012d", i)
	}
	return ids
}

// Rendezvous hashing: every service has exactly one owner among the agents, shares are
// about even, and removing an agent moves only the services it owned.
func TestOwnerSharesAndMovesOnlyTheLostShare(t *testing.T) {
	ids := serviceIDs(3000)
	names := []string{"probe-a", "probe-b", "probe-c"}
	count := map[string]int{}
	before := map[string]string{}
	for _, id := range ids {
		o := owner(id, names)
		count[o]++
		before[id] = o
	}
	for _, n := range names {
		if c := count[n]; c < 800 || c > 1200 {
			t.Errorf("%s owns %d of 3000 services, want about 1000", n, c)
		}
	}
	moved := 0
	for _, id := range ids {
		after := owner(id, []string{"probe-a", "probe-c"})
		if before[id] != "probe-b" && after != before[id] {
			t.Fatalf("service %s moved from %s to %s though its owner stayed", id, before[id], after)
		}
		if before[id] == "probe-b" {
			moved++
		}
	}
	if moved != count["probe-b"] {
		t.Fatalf("moved %d, want %d", moved, count["probe-b"])
	}
	if owner(ids[0], nil) != "" {
		t.Fatal("an owner among no agents")
	}
}

func TestPlannedTimes(t *testing.T) {
	interval, offset := 60*time.Second, 12345*time.Millisecond
	t0 := time.Date(2025, 6, 1, 10, 0, 30, 500, time.UTC)
	next := nextPlanned(t0, interval, offset)
	if next.Before(t0) || next.Sub(t0) >= interval {
		t.Fatalf("next planned %v is not within one interval after %v", next, t0)
	}
	if (next.UnixMilli()-offset.Milliseconds())%interval.Milliseconds() != 0 {
		t.Fatalf("next planned %v is not at the offset", next)
	}
	if got := nextPlanned(next, interval, offset); !got.Equal(next) {
		t.Fatalf("a planned time is its own next planned time: %v vs %v", got, next)
	}
	// A hand-over starts at a planned time at least the margin away; the old owner stops
	// half an interval before, after its own last planned check.
	start, stop := handover(t0, interval, offset)
	if start.Sub(t0) < handoverMargin || !nextPlanned(start, interval, offset).Equal(start) {
		t.Fatalf("hand-over start %v (from %v)", start, t0)
	}
	if start.Sub(stop) != interval/2 {
		t.Fatalf("stop %v is not half an interval before start %v", stop, start)
	}
	if o := monitor.ServiceOffset("svc", interval); o < 0 || o >= interval || o != monitor.ServiceOffset("svc", interval) {
		t.Fatalf("offset %v", o)
	}
}

func TestBufferDropsTheOldestAndCounts(t *testing.T) {
	b := newBuffer(100)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 250 {
		b.push(Result{ServiceID: "s", CheckedAt: base.Add(time.Duration(i) * time.Second)})
	}
	if b.len() != 100 || b.droppedTotal() != 150 {
		t.Fatalf("len %d dropped %d, want 100 and 150", b.len(), b.droppedTotal())
	}
	got, dropped := b.take(30)
	if dropped != 150 || len(got) != 30 || !got[0].CheckedAt.Equal(base.Add(150*time.Second)) {
		t.Fatalf("take: %d results from %v, dropped %d", len(got), got[0].CheckedAt, dropped)
	}
	rest, dropped := b.take(1000)
	if dropped != 0 || len(rest) != 70 || !rest[69].CheckedAt.Equal(base.Add(249*time.Second)) {
		t.Fatalf("rest: %d, dropped %d", len(rest), dropped)
	}
	for i := 1; i < len(rest); i++ {
		if !rest[i].CheckedAt.After(rest[i-1].CheckedAt) {
			t.Fatal("results out of order")
		}
	}
}

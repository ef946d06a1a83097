package store

import (
	"testing"
	"time"
)

// TestHeartbeatDays: a day's uptime is the share of the time the heartbeat existed that no
// alert was open; overlapping alerts (two rules) count once; days before creation have
// no data; today counts up to now.
func TestHeartbeatDays(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	first := day(20, 0)
	now := day(23, 12)
	spans := mergeSpans([]heartbeatSpan{
		{day(21, 6), day(21, 12)},  // 6 h down on the 21st...
		{day(21, 10), day(21, 18)}, // ...overlapping a second rule's alert: 12 h in all
		{day(22, 23), day(23, 1)},  // across midnight: 1 h each side
	})
	got := heartbeatDays(day(20, 12), spans, first, 5, now)
	want := []struct {
		status string
		pct    float64
		total  int
	}{
		{StatusGreen, 100, 12 * 3600}, // created at noon: half a day observed
		{StatusRed, 50, 24 * 3600},
		{StatusRed, 100 * 23.0 / 24, 24 * 3600},
		{StatusRed, 100 * 11.0 / 12, 12 * 3600}, // up to now (noon)
		{"", 100, 0},                            // tomorrow: nothing observed
	}
	for i, w := range want {
		g := got[i]
		if g.Status != w.status || g.Total != w.total || g.UptimePercentage < w.pct-1e-9 || g.UptimePercentage > w.pct+1e-9 {
			t.Errorf("day %d = %+v, want %s %.3f%% over %d s", i, g, w.status, w.pct, w.total)
		}
	}
	if len(spans) != 2 {
		t.Errorf("merged spans = %v", spans)
	}
}

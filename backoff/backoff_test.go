package backoff

import (
	"testing"
	"time"
)

// TestDelay: doubling from base, capped at the ceiling (even after many doublings), and
// the jitter spans the upper half of the delay.
func TestDelay(t *testing.T) {
	for _, tc := range []struct {
		base, ceiling time.Duration
		doublings     int
		u             float64
		want          time.Duration
	}{
		{5 * time.Second, time.Hour, 0, 1, 5 * time.Second},
		{5 * time.Second, time.Hour, 0, 0, 2500 * time.Millisecond},
		{5 * time.Second, time.Hour, 3, 1, 40 * time.Second},
		{5 * time.Second, time.Hour, 10, 1, time.Hour},
		{5 * time.Second, time.Hour, 10, 0, 30 * time.Minute},
		{5 * time.Second, time.Hour, 1 << 20, 1, time.Hour},
		{time.Second, 5 * time.Minute, 8, 1, 256 * time.Second},
		{time.Second, 5 * time.Minute, 9, 1, 5 * time.Minute},
		{time.Hour, time.Minute, 0, 1, time.Minute},
		{2 * time.Second, time.Minute, 1, 0.5, 3 * time.Second},
	} {
		if got := Delay(tc.base, tc.ceiling, tc.doublings, tc.u); got != tc.want {
			t.Errorf("Delay(%v, %v, %d, %v) = %v, want %v", tc.base, tc.ceiling, tc.doublings, tc.u, got, tc.want)
		}
	}
}

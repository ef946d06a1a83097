package agent

import (
	"encoding/json"
	"testing"
	"time"
)

// phaseOf is where t falls within interval: its unix milliseconds modulo the interval.
func phaseOf(t time.Time, interval time.Duration) time.Duration {
	return time.Duration(t.UnixMilli()%interval.Milliseconds()) * time.Millisecond
}

// A change of an assignment's offset (the service's locations changed, so this location's
// place among them did) moves its checks to the new planned times at once, as the
// appliance's scheduler does, instead of keeping the old phase until the agent restarts.
func TestExecutorMovesToANewOffset(t *testing.T) {
	srv, log := newTarget(t)
	e, _ := runExecutor(t)
	const interval = 2 * time.Second
	a := Assignment{ServiceID: "svc", OrgID: "o", Type: "HTTP", Endpoint: srv.URL + "/p", Options: json.RawMessage(`{}`),
		IntervalSeconds: 2, TimeoutSeconds: 1, OffsetMS: 300}
	e.Replace([]Assignment{a})
	waitFor(t, 6*time.Second, "two checks at the first offset", func() bool { return len(log.of("/p")) >= 2 })
	for _, h := range log.of("/p") {
		if d := phaseOf(h.at, interval) - 300*time.Millisecond; d < 0 || d > 250*time.Millisecond {
			t.Fatalf("check at phase %v, want 300ms (+ up to 250ms)", phaseOf(h.at, interval))
		}
	}
	a.OffsetMS = 1300
	changed := time.Now()
	e.Apply([]Assignment{a}, nil)
	waitFor(t, 8*time.Second, "two checks after the change", func() bool {
		n := 0
		for _, h := range log.of("/p") {
			if h.at.After(changed) {
				n++
			}
		}
		return n >= 2
	})
	for _, h := range log.of("/p") {
		if !h.at.After(changed) {
			continue
		}
		if d := phaseOf(h.at, interval) - 1300*time.Millisecond; d < 0 || d > 250*time.Millisecond {
			t.Fatalf("check at phase %v after the offset moved to 1.3s: the old phase was kept", phaseOf(h.at, interval))
		}
	}
}

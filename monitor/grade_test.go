package monitor

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"
)

func TestGradeResponseTime(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	cases := []struct {
		name                  string
		degraded, warn, crit  time.Duration
		took                  time.Duration
		wantStatus, wantError string
	}{
		{"fast", ms(1000), ms(1000), ms(1200), ms(300), StatusGreen, ""},
		{"over warning", ms(1000), ms(1000), ms(1200), ms(1100), StatusYellow, "slow: 1 100 ms > 1 000 ms"},
		{"over critical", ms(1000), ms(1000), ms(1200), ms(1500), StatusRed, "slow: 1 500 ms > 1 200 ms"},
		{"the issue's figures", 0, 0, ms(8000), ms(8412), StatusRed, "slow: 8 412 ms > 8 000 ms"},
		// Whole milliseconds are compared, as they are stored and shown.
		{"at warning", 0, ms(1000), 0, ms(1000.9), StatusGreen, ""},
		{"just over warning", 0, ms(1000), 0, ms(1001), StatusYellow, "slow: 1 001 ms > 1 000 ms"},
		// The warning threshold replaces degraded_threshold_ms...
		{"warning replaces degraded", ms(500), ms(1000), 0, ms(800), StatusGreen, ""},
		// ...which stays the fallback, with its own wording, when no warning is set.
		{"degraded fallback", ms(1000), 0, ms(2000), ms(1500), StatusYellow, "slow response: 1500 ms (threshold 1000 ms)"},
		{"critical over fallback", ms(1000), 0, ms(2000), ms(2500), StatusRed, "slow: 2 500 ms > 2 000 ms"},
		{"nothing set", 0, 0, 0, ms(90000), StatusGreen, ""},
	}
	for _, c := range cases {
		tgt := &Target{DegradedThreshold: c.degraded, ResponseTimeWarning: c.warn, ResponseTimeCritical: c.crit}
		start := time.Now()
		r := passed(tgt, start, start.Add(c.took))
		if r.Status != c.wantStatus || r.Error != c.wantError {
			t.Errorf("%s: %s %q, want %s %q", c.name, r.Status, r.Error, c.wantStatus, c.wantError)
		}
		if !r.Connected || !r.Resolved || r.ResponseTime != c.took {
			t.Errorf("%s: a slow result is still a connected one with its time: %+v", c.name, r)
		}
	}
}

// The reason groups thousands with a plain space (U+0020), as the README and the UI's
// figures do; the UI's service notice parses this exact form.
func TestSlowReasonGrouping(t *testing.T) {
	for _, c := range []struct {
		took, limit int64
		want        string
	}{
		{8412, 8000, "slow: 8 412 ms > 8 000 ms"},
		{999, 500, "slow: 999 ms > 500 ms"},
		{1234567, 1000, "slow: 1 234 567 ms > 1 000 ms"},
		{100000, 99999, "slow: 100 000 ms > 99 999 ms"},
	} {
		if got := slowReason(c.took, c.limit); got != c.want {
			t.Errorf("slowReason(%d, %d) = %q, want %q", c.took, c.limit, got, c.want)
		}
	}
}

// A real 1.5 s target on loopback, through the probe with the real clock: YELLOW at
// warning 1 000, RED at critical 1 200. Only lower bounds matter (a loaded machine makes
// the answer slower, never faster), so the verdicts cannot flake.
func TestProbeHTTPResponseTimeThresholds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(1500 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close) // after the parallel subtests
	for _, c := range []struct {
		name       string
		warn, crit time.Duration
		want       string
		limit      string
	}{
		{"warning", time.Second, 0, StatusYellow, "1 000"},
		{"critical", time.Second, 1200 * time.Millisecond, StatusRed, "1 200"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tgt := &Target{CheckType: "HTTP", Endpoint: srv.URL, Timeout: 5 * time.Second,
				DegradedThreshold: 100 * time.Millisecond, ResponseTimeWarning: c.warn, ResponseTimeCritical: c.crit}
			r := runNetProbe(ProbeFor("HTTP"), loopbackEnv(t), tgt)
			slow := regexp.MustCompile(`^slow: \d{1,3}( \d{3})+ ms > ` + c.limit + ` ms$`)
			if r.Status != c.want || !slow.MatchString(r.Error) {
				t.Errorf("result = %s %q, want %s slow: … > %s ms", r.Status, r.Error, c.want, c.limit)
			}
			if r.StatusCode != 200 || r.ResponseTime < 1500*time.Millisecond {
				t.Errorf("status code %d, response time %v", r.StatusCode, r.ResponseTime)
			}
		})
	}
}

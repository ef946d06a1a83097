package api

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

// checkNow runs POST /services/{id}/check and returns the result.
func (e *testEnv) checkNow(token, id string) map[string]any {
	e.t.Helper()
	rec := e.do("POST", "/api/v1/services/"+id+"/check", token, nil)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("check now: %d %s", rec.Code, rec.Body.String())
	}
	return decode[map[string]any](e.t, rec)
}

// openAlertsOf lists the open alerts of one service.
func (e *testEnv) openAlertsOf(token, serviceID string) []map[string]any {
	e.t.Helper()
	return decode[[]map[string]any](e.t, e.do("GET", "/api/v1/alerts?service_id="+serviceID, token, nil))
}

// The case through the real router, store, engine and alert state machine: a
// target that takes 1.5 s is YELLOW at warning 1 000 and opens a warning alert through
// the default rule; with critical 1 200 it is RED and the alert becomes critical; a
// service with both from the start opens a critical one. The target moves the test's
// clock by 1.5 s while it answers — the engine's clock — so the figures are exact.
func TestResponseTimeThresholdsThroughTheEngine(t *testing.T) {
	e, _ := newEngineEnv(t, nil)
	u := e.newUser("ada@example.com", "Ada")
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		e.clock.Advance(1500 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(slow.Close)

	warned := e.mustCreateService(u.Token, map[string]any{"name": "warned", "check_type": "http", "endpoint": slow.URL,
		"response_time_warning": 1000})["id"].(string)
	for i := range 2 {
		got := e.checkNow(u.Token, warned)
		if got["status"] != "YELLOW" || got["error"] != "slow: 1 500 ms > 1 000 ms" || got["response_time_ms"] != 1500.0 {
			t.Fatalf("check %d at warning 1 000: %v", i+1, got)
		}
	}
	alerts := e.openAlertsOf(u.Token, warned)
	if len(alerts) != 1 || alerts[0]["severity"] != "warning" || alerts[0]["alert_rule_id"] != nil ||
		alerts[0]["message"] != "Check failed with status YELLOW: slow: 1 500 ms > 1 000 ms" {
		t.Fatalf("alerts after two warning-level checks: %v", alerts)
	}
	if rec := e.do("PATCH", "/api/v1/services/"+warned, u.Token, map[string]any{"response_time_critical": 1200}); rec.Code != http.StatusOK {
		t.Fatalf("PATCH: %d %s", rec.Code, rec.Body.String())
	}
	if got := e.checkNow(u.Token, warned); got["status"] != "RED" || got["error"] != "slow: 1 500 ms > 1 200 ms" {
		t.Fatalf("check at critical 1 200: %v", got)
	}
	escalated := e.openAlertsOf(u.Token, warned)
	if len(escalated) != 1 || escalated[0]["id"] != alerts[0]["id"] || escalated[0]["severity"] != "critical" ||
		escalated[0]["failure_count"] != 3.0 {
		t.Fatalf("alert after a critical-level check: %v", escalated)
	}
	if rec := e.do("GET", "/api/v1/services/"+warned, u.Token, nil); !strings.Contains(rec.Body.String(), `"status":"RED"`) ||
		!strings.Contains(rec.Body.String(), `"last_error":"slow: 1 500 ms \u003e 1 200 ms"`) {
		t.Fatalf("service after the check: %s", rec.Body.String())
	}

	critical := e.mustCreateService(u.Token, map[string]any{"name": "critical", "check_type": "http", "endpoint": slow.URL,
		"response_time_warning": 1000, "response_time_critical": 1200})["id"].(string)
	e.checkNow(u.Token, critical)
	e.checkNow(u.Token, critical)
	if got := e.openAlertsOf(u.Token, critical); len(got) != 1 || got[0]["severity"] != "critical" {
		t.Fatalf("alerts after two critical-level checks: %v", got)
	}
}

// slowConnects makes every TCP connect of the probes take exactly connect on the test's
// clock (the dialer's Control hook runs inside the connect as the probe's timings see it),
// so a connection-time bound just under or over it is deterministic.
func slowConnects(t *testing.T, clock **testClock, connect time.Duration) func(*monitor.Env) {
	return func(env *monitor.Env) {
		d := net.Dialer{Control: func(string, string, syscall.RawConn) error {
			(*clock).Advance(connect)
			return nil
		}}
		env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(address)
			if ip, perr := netip.ParseAddr(host); err != nil || perr != nil || !ip.IsLoopback() {
				t.Errorf("probe dialled %s %s: tests may only reach loopback", network, address)
				return nil, fmt.Errorf("test dialer: %s is not loopback", address)
			}
			return d.DialContext(ctx, network, address)
		}
	}
}

// A TCP (and an HTTP) check with connection_time_ms fails when the bound is below the
// measured connect time, saying both, and passes with a generous bound; the connect time
// is the result's timings.connect_ms.
func TestConnectionTimeAssertionThroughTheEngine(t *testing.T) {
	var clock *testClock
	e, _ := newEngineEnvProbing(t, slowConnects(t, &clock, 300*time.Millisecond), nil)
	clock = e.clock
	u := e.newUser("ada@example.com", "Ada")
	ln, err := net.Listen("tcp", "127.0.0.1:0") // the kernel completes connects; nothing need be accepted
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	web := okServer(t)

	for _, c := range []struct {
		typ, endpoint string
		assert        map[string]any
		status, err   string
	}{
		{"tcp", ln.Addr().String(), map[string]any{"lt": 250}, "RED", "connection time 300 ms, expected < 250 ms"},
		{"tcp", ln.Addr().String(), map[string]any{"lt": 5000}, "GREEN", ""},
		{"http", web.URL, map[string]any{"lte": 299.5}, "RED", "connection time 300 ms, expected <= 299.5 ms"},
		{"http", web.URL, map[string]any{"lte": 300}, "GREEN", ""},
	} {
		id := e.mustCreateService(u.Token, map[string]any{"name": fmt.Sprint(c.typ, c.assert), "check_type": c.typ,
			"endpoint": c.endpoint, "assert": map[string]any{"connection_time_ms": c.assert}})["id"].(string)
		got := e.checkNow(u.Token, id)
		wantErr := any(nil)
		if c.err != "" {
			wantErr = c.err
		}
		timings, _ := got["timings"].(map[string]any)
		if got["status"] != c.status || got["error"] != wantErr || timings["connect_ms"] != 300.0 {
			t.Errorf("%s %v: %v, want %s %q with connect_ms 300", c.typ, c.assert, got, c.status, c.err)
		}
	}
}

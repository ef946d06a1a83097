package alerting

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// TestRealProbeOpensAndResolvesThroughTheRecorder drives the real HTTP probe, checker and
// group-committing recorder against a loopback target switched between 200 and 500: the
// default rule opens one alert after two failures and the recovery resolves it, and a
// rule on the body (a fact the store never keeps) sees what the probe read.
func TestRealProbeOpensAndResolvesThroughTheRecorder(t *testing.T) {
	var code atomic.Int32
	code.Store(http.StatusOK)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(code.Load()))
		if code.Load() == http.StatusOK {
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		} else {
			_, _ = w.Write([]byte(`{"status":"database unreachable"}`))
		}
	}))
	defer target.Close()

	f := newFixture(t)
	f.channel("ops")
	svc := &store.Service{Name: "loopback", Endpoint: target.URL + "/health", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 5, Status: "PENDING", DegradedThresholdMS: 5000,
		Tags: []string{}, Options: json.RawMessage(`{}`)}
	if err := f.db.CreateService(f.org.ID, svc, nil); err != nil {
		t.Fatal(err)
	}
	body := &store.Service{Name: "body watch", Endpoint: target.URL + "/health", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 5, Status: "PENDING", DegradedThresholdMS: 5000,
		Tags: []string{}, Options: json.RawMessage(`{}`)}
	if err := f.db.CreateService(f.org.ID, body, nil); err != nil {
		t.Fatal(err)
	}
	f.rule("database", body, 1, 1, func(r *store.AlertRule) {
		r.Condition.Statuses = []string{"RED"}
		r.Condition.Expression = `body_contains("database unreachable") && tcp_connected == true`
	})

	var dialer net.Dialer
	env := &monitor.Env{Dial: dialer.DialContext, UserAgent: "AlertifyPro/test", Now: time.Now}
	rec := monitor.NewRecorder(monitor.StoreCommit(f.db), 0)
	done := make(chan error, 1)
	go func() { done <- rec.Run() }()
	defer func() {
		rec.Close()
		if err := <-done; err != nil {
			t.Errorf("recorder: %v", err)
		}
	}()
	chk := &monitor.Checker{Env: env, Recorder: rec}
	check := func(want string) {
		t.Helper()
		for _, s := range []*store.Service{svc, body} {
			res, err := chk.Check(context.Background(), s)
			if err != nil || res.Status != want {
				t.Fatalf("check %s = %s (%s), %v; want %s", s.Name, res.Status, res.Error, err, want)
			}
		}
	}
	alertsOf := func(s *store.Service, status string) []store.Alert {
		out, _, err := f.db.Alerts(f.org.ID, store.AlertFilter{Status: status, ServiceID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	check(store.StatusGreen)
	code.Store(http.StatusInternalServerError)
	check(store.StatusRed)
	if n := len(alertsOf(svc, "all")); n != 0 {
		t.Fatalf("default rule alerted after one RED (%d)", n)
	}
	if open := alertsOf(body, "open"); len(open) != 1 {
		t.Fatalf("body rule: %d open alerts, want 1 (the body said the database is unreachable)", len(open))
	}
	check(store.StatusRed)
	check(store.StatusRed)
	open := alertsOf(svc, "open")
	if len(open) != 1 || open[0].FailureCount != 3 || open[0].Message != "Check failed with status RED: "+open[0].LastError {
		t.Fatalf("after three REDs: %+v", open)
	}
	code.Store(http.StatusOK)
	check(store.StatusGreen)
	if got, _ := f.db.Alert(f.org.ID, open[0].ID); got.Status != store.AlertResolved || got.ResolvedBy != "auto" {
		t.Fatalf("after recovery: %+v", got)
	}
	if n := len(alertsOf(body, "open")); n != 0 {
		t.Fatal("body rule did not resolve")
	}
}

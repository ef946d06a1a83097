package agent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// A service's response-time thresholds travel in its assignment, and a change to them
// alone is pushed to the agent like any other edit.
func TestHubAssignsResponseTimeThresholds(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	svc := e.service(org, "api", "http://127.0.0.1:1/", 30, nil)
	if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error {
		s.ResponseTimeWarningMS, s.ResponseTimeCriticalMS = 1000, 1200
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Secure: true})
	thresholds := func() (int, int) {
		a.mu.Lock()
		defer a.mu.Unlock()
		got := a.assigned[svc.ID]
		return got.ResponseTimeWarningMS, got.ResponseTimeCriticalMS
	}
	waitFor(t, 5*time.Second, "thresholds assigned", func() bool { w, c := thresholds(); return w == 1000 && c == 1200 })
	if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error {
		s.ResponseTimeWarningMS, s.ResponseTimeCriticalMS = 0, 5000
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	e.hub.Notify()
	waitFor(t, 2*time.Second, "threshold edit delivered", func() bool { w, c := thresholds(); return w == 0 && c == 5000 })
}

// An agent grades its checks by the assignment's thresholds exactly as the appliance's own
// checker does: the same probe code. The target answers after 300 ms (a lower bound: a
// loaded machine only makes it slower), so warning 100 gives YELLOW and critical 200 RED.
func TestExecutorGradesByResponseTimeThresholds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	e, results := runExecutor(t)
	e.Replace([]Assignment{
		{ServiceID: "warn", OrgID: "o", Type: "HTTP", Endpoint: srv.URL, Options: json.RawMessage(`{}`),
			IntervalSeconds: 1, TimeoutSeconds: 1, DegradedThresholdMS: 50, ResponseTimeWarningMS: 100},
		{ServiceID: "crit", OrgID: "o", Type: "HTTP", Endpoint: srv.URL, Options: json.RawMessage(`{}`),
			IntervalSeconds: 1, TimeoutSeconds: 1, ResponseTimeWarningMS: 100, ResponseTimeCriticalMS: 200},
	})
	want := map[string]*regexp.Regexp{
		"warn": regexp.MustCompile(`^YELLOW slow: \d{3,} ms > 100 ms$`),
		"crit": regexp.MustCompile(`^RED slow: \d{3,} ms > 200 ms$`),
	}
	deadline := time.After(10 * time.Second)
	for len(want) > 0 {
		select {
		case r := <-results:
			re, ok := want[r.ServiceID]
			if !ok {
				continue
			}
			if got := r.Status + " " + r.Error; !re.MatchString(got) {
				t.Errorf("%s: %q, want %s", r.ServiceID, got, re)
			}
			if r.ResponseTimeUS < 300_000 {
				t.Errorf("%s: response time %d µs", r.ServiceID, r.ResponseTimeUS)
			}
			delete(want, r.ServiceID)
		case <-deadline:
			t.Fatalf("no result for %v", want)
		}
	}
}

// An assignment that changes only a threshold is a change: the executor rebuilds the
// service the scheduler checks.
func TestSameAssignmentSeesThresholds(t *testing.T) {
	a := Assignment{ServiceID: "s", OrgID: "o", Type: "HTTP", Endpoint: "http://127.0.0.1:1/", IntervalSeconds: 30,
		TimeoutSeconds: 5, ResponseTimeWarningMS: 1000, ResponseTimeCriticalMS: 1200}
	for _, change := range []func(*Assignment){
		func(b *Assignment) { b.ResponseTimeWarningMS = 900 },
		func(b *Assignment) { b.ResponseTimeCriticalMS = 0 },
	} {
		b := a
		change(&b)
		if sameAssignment(&a, &b) {
			t.Errorf("%+v and %+v read as the same", a, b)
		}
	}
	if b := a; !sameAssignment(&a, &b) {
		t.Error("an unchanged assignment reads as changed")
	}
}

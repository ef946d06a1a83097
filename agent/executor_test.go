package agent

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

// hitLog is a loopback HTTP target that notes every request.
type hitLog struct {
	mu   sync.Mutex
	hits []hit
}

type hit struct {
	path, auth, from string
	at               time.Time
}

func newTarget(t *testing.T) (*httptest.Server, *hitLog) {
	log := &hitLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		log.mu.Lock()
		log.hits = append(log.hits, hit{path: r.URL.Path, auth: r.Header.Get("Authorization"), from: host, at: time.Now()})
		log.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

func (l *hitLog) of(path string) []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []hit
	for _, h := range l.hits {
		if h.path == path {
			out = append(out, h)
		}
	}
	return out
}

// loopbackEnv is a probe environment that reaches loopback addresses only.
func loopbackEnv() *monitor.Env {
	var d net.Dialer
	return &monitor.Env{
		Dial: d.DialContext,
		ResolveIP: func(_ context.Context, host string) (netip.Addr, error) {
			return netip.ParseAddr(host)
		},
		UserAgent: "AlertifyPro/test",
		Now:       time.Now,
	}
}

// runExecutor runs an executor whose results go to the returned channel.
func runExecutor(t *testing.T) (*Executor, chan Result) {
	results := make(chan Result, 1000)
	e := &Executor{Env: loopbackEnv(), Concurrency: 8, Logger: testLogger(t), Record: func(r Result) { results <- r }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return e, results
}

// The executor checks its assignments with the appliance's probes: credentials from the
// assignment (kept in its vault) reach the target; withheld ones are reported, not used;
// a handed-over service is dropped at its stop time; a taken-over one starts at its start
// time.
func TestExecutorRunsAssignments(t *testing.T) {
	srv, log := newTarget(t)
	e, results := runExecutor(t)
	start := time.Now().Add(1500 * time.Millisecond)
	e.Replace([]Assignment{
		{ServiceID: "with-auth", OrgID: "o", Type: "HTTP", Endpoint: srv.URL + "/auth", Options: json.RawMessage(`{}`),
			IntervalSeconds: 1, TimeoutSeconds: 1,
			Credentials: &Credentials{Auth: &monitor.Credentials{Type: "bearer", Token: "s3cret"}}},
		{ServiceID: "withheld", OrgID: "o", Type: "HTTP", Endpoint: srv.URL + "/withheld", Options: json.RawMessage(`{}`),
			IntervalSeconds: 1, TimeoutSeconds: 1, Withheld: "credentials withheld: not secure"},
		{ServiceID: "late", OrgID: "o", Type: "HTTP", Endpoint: srv.URL + "/late", Options: json.RawMessage(`{}`),
			IntervalSeconds: 1, TimeoutSeconds: 1, StartAt: &start},
	})
	waitFor(t, 5*time.Second, "two checks with credentials", func() bool { return len(log.of("/auth")) >= 2 })
	for _, h := range log.of("/auth") {
		if h.auth != "Bearer s3cret" {
			t.Fatalf("target saw Authorization %q", h.auth)
		}
	}
	if hits := log.of("/withheld"); len(hits) != 0 {
		t.Fatalf("a service with withheld credentials was probed: %+v", hits)
	}
	waitFor(t, 5*time.Second, "late service checked", func() bool { return len(log.of("/late")) > 0 })
	if first := log.of("/late")[0].at; first.Before(start) {
		t.Fatalf("first check of a taken-over service at %v, before its start %v", first, start)
	}
	var withheld *Result
	deadline := time.After(5 * time.Second)
	for withheld == nil {
		select {
		case r := <-results:
			if r.ServiceID == "withheld" {
				withheld = &r
			}
		case <-deadline:
			t.Fatal("no result for the withheld service")
		}
	}
	if withheld.Status != "RED" || !withheld.Internal || withheld.Error != "credentials withheld: not secure" {
		t.Fatalf("withheld result %+v", withheld)
	}

	// Hand-over: the service stays until its stop time, then goes. Watched for 2.3 s past
	// it, a service still checked each second reaches the target two or three times; one
	// check may arrive after the stop time having started before it (on a loaded machine
	// the request can take a while), so one is allowed and two are not.
	stop := time.Now().Add(1200 * time.Millisecond)
	e.Apply(nil, []Removal{{ServiceID: "with-auth", StopAt: &stop}})
	time.Sleep(time.Until(stop.Add(2300 * time.Millisecond)))
	var after []time.Time
	for _, h := range log.of("/auth") {
		if h.at.After(stop) {
			after = append(after, h.at)
		}
	}
	if len(after) > 1 {
		t.Fatalf("checked at %v, after its stop time %v", after, stop)
	}
	if got := e.Assigned(); len(got) != 2 {
		t.Fatalf("assigned %v, want the two others", got)
	}
	// The vault forgot the credentials of the service that went.
	if _, err := e.vault.Open(nil, "o", monitor.AuthRecordID("with-auth")); err == nil {
		t.Fatal("credentials of a removed service are still held")
	}
}

// The first check of a taken-over service is planned from the scheduler's own time: the
// delay added to that time lands exactly on StartAt (measured from a later clock read, it
// landed before StartAt by the gap between the reads — a check before the hand-over).
func TestFirstCheckLandsOnStartAt(t *testing.T) {
	e := &Executor{Env: loopbackEnv(), Logger: testLogger(t)}
	now := time.Now().Add(time.Hour) // far from the wall clock: only the given time may count
	start := now.Add(1500 * time.Millisecond)
	e.Replace([]Assignment{{ServiceID: "late", OrgID: "o", Type: "HTTP", Endpoint: "http://127.0.0.1:9/", Options: json.RawMessage(`{}`),
		IntervalSeconds: 1, TimeoutSeconds: 1, StartAt: &start}})
	if got := now.Add(e.firstCheck("late", time.Second, now)); !got.Equal(start) {
		t.Fatalf("first check planned at %v, want StartAt %v", got, start)
	}
}

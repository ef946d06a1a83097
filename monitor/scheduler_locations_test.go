package monitor

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// The appliance's scheduler runs only the services that name its own location (or none);
// a service of several locations is checked at this location's planned times (SPEC §8).
func TestSchedulerRunsOnlyItsLocationsServices(t *testing.T) {
	mk := func(id string, locations ...string) *store.Service {
		return &store.Service{ID: id, OrgID: "org", CheckType: "TCP", Endpoint: "127.0.0.1:1",
			CheckIntervalSeconds: 2, TimeoutSeconds: 1, Locations: locations}
	}
	services := []*store.Service{
		mk("00000000-0000-0000-0000-000000000001"),                       // no locations: the built-in one
		mk("00000000-0000-0000-0000-000000000002", "home"),               // the built-in location by name
		mk("00000000-0000-0000-0000-000000000003", "eu-west"),            // elsewhere only
		mk("00000000-0000-0000-0000-000000000004", "eu-west", "us-east"), // elsewhere only
		mk("00000000-0000-0000-0000-000000000005", "eu-west", "home"),    // one of two: second half
	}
	var mu sync.Mutex
	got := map[string][]Recorded{}
	rec := NewRecorder(func(batch []Recorded) error {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range batch {
			got[r.ServiceID] = append(got[r.ServiceID], r)
		}
		return nil
	}, 0)
	go func() { _ = rec.Run() }()
	defer rec.Close()
	probe := Probe(func(_ context.Context, _ *Env, _ *Target) Result {
		return Result{CheckedAt: time.Now(), Status: StatusGreen}
	})
	chk := &Checker{Env: &Env{Now: time.Now}, Recorder: rec, Location: "home",
		Probes: func(string) Probe { return probe }}
	sched := &Scheduler{Checker: chk, Poll: time.Hour, Jitter: func(string, time.Duration, time.Time) time.Duration { return 0 },
		Services: func(fn func(*store.Service) error) error {
			for _, s := range services {
				if err := fn(s); err != nil {
					return err
				}
			}
			return nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	_ = sched.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	for _, id := range []string{services[2].ID, services[3].ID} {
		if len(got[id]) > 0 {
			t.Errorf("service %s of other locations was checked %d times", id, len(got[id]))
		}
	}
	for _, s := range []*store.Service{services[0], services[1], services[4]} {
		rs := got[s.ID]
		if len(rs) == 0 {
			t.Fatalf("service %s of this location was not checked", s.ID)
		}
		if rs[0].Result.Location != "home" {
			t.Errorf("result location %q, want home", rs[0].Result.Location)
		}
	}
	// The two-location service is checked at its second location's planned times.
	iv := 2 * time.Second
	want := LocationOffset(services[4], "home", iv)
	if other := LocationOffset(services[4], "eu-west", iv); (want-other+iv)%iv != iv/2 {
		t.Fatalf("offsets %v and %v are not half an interval apart", want, other)
	}
	at := got[services[4].ID][0].Result.CheckedAt
	phase := time.Duration(at.UnixMilli()%iv.Milliseconds()) * time.Millisecond
	if d := (phase - want + iv) % iv; d > 300*time.Millisecond {
		t.Errorf("checked at phase %v, want %v (+ a little)", phase, want)
	}
}

// FirstCheckDelay holds every first check, a service of several locations included (whose
// first check otherwise goes to its planned times, not Jitter): the browser tests set a
// day so that no check runs and services keep the status the test wrote.
func TestSchedulerFirstCheckDelayHoldsEveryService(t *testing.T) {
	services := []*store.Service{
		{ID: "00000000-0000-0000-0000-000000000001", OrgID: "org", CheckType: "TCP", Endpoint: "127.0.0.1:1",
			CheckIntervalSeconds: 1, TimeoutSeconds: 1},
		{ID: "00000000-0000-0000-0000-000000000002", OrgID: "org", CheckType: "TCP", Endpoint: "127.0.0.1:1",
			CheckIntervalSeconds: 1, TimeoutSeconds: 1, Locations: []string{"home", "eu-west"}},
	}
	var checks sync.Map
	rec := NewRecorder(func(batch []Recorded) error {
		for _, r := range batch {
			checks.Store(r.ServiceID, true)
		}
		return nil
	}, 0)
	go func() { _ = rec.Run() }()
	defer rec.Close()
	probe := Probe(func(_ context.Context, _ *Env, _ *Target) Result {
		return Result{CheckedAt: time.Now(), Status: StatusGreen}
	})
	chk := &Checker{Env: &Env{Now: time.Now}, Recorder: rec, Location: "home", Probes: func(string) Probe { return probe }}
	sched := &Scheduler{Checker: chk, Poll: time.Hour, FirstCheckDelay: 24 * time.Hour,
		Services: func(fn func(*store.Service) error) error {
			for _, s := range services {
				if err := fn(s); err != nil {
					return err
				}
			}
			return nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	_ = sched.Run(ctx)
	for _, s := range services {
		if _, ok := checks.Load(s.ID); ok {
			t.Errorf("service %s (locations %v) was checked though its first check is a day away", s.ID, s.Locations)
		}
	}
}

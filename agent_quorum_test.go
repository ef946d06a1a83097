package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// flakyTarget is a loopback HTTP server that answers 503 to requests from the source
// addresses marked failing, 200 to the others.
type flakyTarget struct {
	srv  *httptest.Server
	mu   sync.Mutex
	fail map[string]bool
}

func newFlakyTarget(t *testing.T) *flakyTarget {
	ft := &flakyTarget{fail: map[string]bool{}}
	ft.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		ft.mu.Lock()
		bad := ft.fail[host]
		ft.mu.Unlock()
		if bad {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(ft.srv.Close)
	return ft
}

// failFor makes the target fail for exactly these source addresses.
func (ft *flakyTarget) failFor(sources ...string) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	clear(ft.fail)
	for _, s := range sources {
		ft.fail[s] = true
	}
}

// serviceState is what the API shows of a service's locations.
type serviceState struct {
	Status         string            `json:"status"`
	LocationStatus map[string]string `json:"location_status"`
}

// alertState is what the API shows of an alert.
type alertState struct {
	ID             string   `json:"id"`
	ServiceID      *string  `json:"service_id"`
	Status         string   `json:"status"`
	Kind           string   `json:"kind"`
	LocationID     string   `json:"location_id"`
	FailingRegions []string `json:"failing_regions"`
}

// Three agents in three locations (127.0.0.2, .3, .4) check one service at quorum 2 of 3.
// The target failing for one source shows that location RED and pages nobody; failing
// for two fires the alert naming exactly those two; recovering resolves it. SIGKILL of
// one agent: its location goes offline within 30 s with exactly one location.offline
// alert, and no service alert.
func TestAgentLocationsQuorum(t *testing.T) {
	if testing.Short() {
		t.Skip("runs agent processes for about a minute")
	}
	srv := newAgentServer(t)
	ft := newFlakyTarget(t)
	org, owner := srv.org("ada")
	names := []string{"loc-a", "loc-b", "loc-c"}
	sources := map[string]string{"loc-a": "127.0.0.2", "loc-b": "127.0.0.3", "loc-c": "127.0.0.4"}
	ids, tokens := map[string]string{}, map[string]string{}
	for _, name := range names {
		ids[name], _, tokens[name] = srv.location(owner, name)
	}
	// A 1 s interval is below the API's minimum: the service is written to the store, with
	// the default quorum, before its agents connect.
	svc := srv.service(org, "shop", ft.srv.URL+"/", 1, nil)
	if _, err := srv.app.DB().UpdateService(org, svc.ID, func(s *store.Service) error { s.Locations = names; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	agents := map[string]*agentProc{}
	for _, name := range names {
		agents[name] = startAgent(t, srv.url(), tokens[name], name+"-probe", sources[name])
	}
	if code, body := srv.api("GET", "/api/v1/services/"+svc.ID, owner, nil); code != 200 ||
		!containsAll(string(body), `"location_quorum":2`, `"locations":["loc-a","loc-b","loc-c"]`) {
		t.Fatalf("service: %d %s", code, body)
	}

	state := func() serviceState {
		t.Helper()
		code, body := srv.api("GET", "/api/v1/services/"+svc.ID, owner, nil)
		var s serviceState
		if code != 200 || json.Unmarshal(body, &s) != nil {
			t.Fatalf("service: %d %s", code, body)
		}
		return s
	}
	alerts := func() []alertState {
		t.Helper()
		code, body := srv.api("GET", "/api/v1/alerts?status=all", owner, nil)
		var list []alertState
		if code != 200 || json.Unmarshal(body, &list) != nil {
			t.Fatalf("alerts: %d %s", code, body)
		}
		return list
	}
	waitUntil := func(limit time.Duration, what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s (service %+v, alerts %+v)", what, limit, state(), alerts())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	allGreen := func() bool {
		s := state()
		return s.Status == "GREEN" && len(s.LocationStatus) == 3 && s.LocationStatus["loc-a"] == "GREEN" &&
			s.LocationStatus["loc-b"] == "GREEN" && s.LocationStatus["loc-c"] == "GREEN"
	}
	waitUntil(20*time.Second, "every location GREEN", allGreen)

	// One location fails: it shows RED, the service stays GREEN, nobody is paged — for
	// several intervals past the rule's two consecutive failures.
	ft.failFor("127.0.0.2")
	waitUntil(10*time.Second, "loc-a RED", func() bool { return state().LocationStatus["loc-a"] == "RED" })
	time.Sleep(4 * time.Second)
	if s := state(); s.Status != "GREEN" || s.LocationStatus["loc-b"] != "GREEN" || s.LocationStatus["loc-c"] != "GREEN" {
		t.Fatalf("one failing location of quorum 2: service %+v", s)
	}
	if list := alerts(); len(list) != 0 {
		t.Fatalf("alerts with one failing location of quorum 2: %+v", list)
	}

	// Two fail: the alert fires naming exactly them.
	ft.failFor("127.0.0.2", "127.0.0.3")
	second := time.Now()
	waitUntil(15*time.Second, "the service alert", func() bool { return len(alerts()) > 0 })
	t.Logf("the alert fired %s after a second location began failing (interval 1 s, 2 consecutive failures)",
		time.Since(second).Round(100*time.Millisecond))
	list := alerts()
	if len(list) != 1 || list[0].ServiceID == nil || *list[0].ServiceID != svc.ID || list[0].Status != "firing" ||
		!slices.Equal(list[0].FailingRegions, []string{"loc-a", "loc-b"}) {
		t.Fatalf("alerts %+v; want one firing, failing_regions [loc-a loc-b]", list)
	}
	if s := state(); s.Status != "RED" {
		t.Fatalf("service %+v at quorum, want RED", s)
	}

	// Recovery resolves it.
	ft.failFor()
	recovered := time.Now()
	waitUntil(15*time.Second, "the alert resolved", func() bool {
		l := alerts()
		return len(l) == 1 && l[0].Status == "resolved"
	})
	t.Logf("the alert resolved %s after the target recovered", time.Since(recovered).Round(100*time.Millisecond))
	waitUntil(10*time.Second, "every location GREEN again", allGreen)

	// SIGKILL loc-c's only agent: its location is offline within 30 s, with one
	// location.offline alert and no service alert.
	killed := time.Now()
	agents["loc-c"].kill()
	waitUntil(30*time.Second, "loc-c offline", func() bool {
		for _, a := range alerts() {
			if a.Kind == store.LocationOfflineRuleID && a.LocationID == ids["loc-c"] {
				return true
			}
		}
		return false
	})
	t.Logf("loc-c's location.offline alert %s after SIGKILL (SPEC §8: within 30 s)", time.Since(killed).Round(100*time.Millisecond))
	time.Sleep(3 * time.Second) // further sweeps must not raise another
	offline, service := 0, 0
	for _, a := range alerts() {
		switch {
		case a.Kind == store.LocationOfflineRuleID:
			offline++
			if a.LocationID != ids["loc-c"] || a.Status != "firing" {
				t.Errorf("location alert %+v", a)
			}
		case a.Kind == "":
			service++
			if a.Status != "resolved" {
				t.Errorf("a service alert is open after the agent was killed: %+v", a)
			}
		default:
			t.Errorf("unexpected alert %+v", a)
		}
	}
	if offline != 1 || service != 1 {
		t.Fatalf("%d location.offline and %d service alerts; want 1 (the offline one) and 1 (the earlier, resolved)", offline, service)
	}
	code, body := srv.api("GET", "/api/v1/locations/"+ids["loc-c"], owner, nil)
	if code != 200 || !containsAll(string(body), `"status":"offline"`) {
		t.Fatalf("loc-c: %d %s", code, body)
	}
}

// containsAll reports whether s holds every part.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !json.Valid([]byte(s)) || !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

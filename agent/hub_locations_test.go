package agent

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// A location's agents receive only the services that name it (SPEC §8): a service of the
// built-in location alone (no locations) or of other locations never reaches them. The
// locations of one service check at offsets i/n of the interval apart.
func TestHubAssignsOnlyServicesNamingTheLocation(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	both := e.service(org, "both", "http://127.0.0.1:1/a", 30, nil)
	setLocations := func(svc *store.Service, names ...string) {
		t.Helper()
		if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error { s.Locations = names; return nil }, nil); err != nil {
			t.Fatal(err)
		}
	}
	setLocations(both, "home", "eu-west")
	builtinOnly := e.service(org, "builtin only", "http://127.0.0.1:1/b", 30, nil)
	setLocations(builtinOnly)
	elsewhere := e.service(org, "elsewhere", "http://127.0.0.1:1/c", 30, nil)
	setLocations(elsewhere, "eu-west")
	_, home := e.location(org, "home")
	_, inst := e.location("", "eu-west")

	h, _ := e.dial(home, Hello{Name: "h1", Secure: true})
	w, _ := e.dial(inst, Hello{Name: "w1", Secure: true})
	waitFor(t, 5*time.Second, "agents assigned", func() bool { return len(h.ids()) == 1 && len(w.ids()) == 2 })
	if ids := h.ids(); !ids[both.ID] {
		t.Fatalf("home's agent holds %v, want only %s", ids, both.ID)
	}
	if ids := w.ids(); !ids[both.ID] || !ids[elsewhere.ID] {
		t.Fatalf("eu-west's agent holds %v", ids)
	}
	h.mu.Lock()
	hOff := h.assigned[both.ID].OffsetMS
	h.mu.Unlock()
	w.mu.Lock()
	wOff := w.assigned[both.ID].OffsetMS
	w.mu.Unlock()
	iv := int64(30_000)
	if got := ((wOff-hOff)%iv + iv) % iv; got != iv/2 {
		t.Fatalf("offsets home %d, eu-west %d: %d ms apart, want half the interval", hOff, wOff, got)
	}
	if want := monitor.ServiceOffset(both.ID, 30*time.Second).Milliseconds(); hOff != want {
		t.Fatalf("the first location's offset is %d, want the service's own %d", hOff, want)
	}

	// Dropping a location from the service takes it away from that location's agent.
	setLocations(both, "eu-west")
	e.hub.Notify()
	waitFor(t, 5*time.Second, "home's agent loses it", func() bool { return len(h.ids()) == 0 })
}

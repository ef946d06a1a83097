package api

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// agentCounts stands in for the agent sink's counts.
type agentCounts map[string]map[string]uint64

func (a agentCounts) Counts() map[string]map[string]uint64 { return a }

// The per-service gauges and the check counter carry the location (SPEC §8): a service of
// one location its one location, a service of several one up sample per location plus
// its quorum verdict; agents' results are counted under their locations.
func TestPrometheusLocations(t *testing.T) {
	e := newTestEnvWith(t, func(d *Deps) {
		d.AgentResults = agentCounts{"eu-west": {"GREEN": 7, "RED": 2}}
	}, func(c *config.Config) { c.MetricsToken = testMetricsToken })
	ada := e.newUser("ada@example.com", "Ada")
	now := e.clock.Now()
	rt := 42
	one := &store.Service{Name: "one", CheckType: "HTTP", Endpoint: "https://one.example", Status: "GREEN", LastResponseTimeMS: &rt}
	multi := &store.Service{Name: "multi", CheckType: "HTTP", Endpoint: "https://multi.example", Status: "GREEN",
		Locations: []string{"eu-west", "us-east", "ap-south"}, LastResponseTimeMS: &rt, LastLocation: "us-east",
		LocationStatus: map[string]string{"eu-west": "RED", "us-east": "GREEN"}, LocationCheckedAt: map[string]time.Time{"eu-west": now}}
	for _, s := range []*store.Service{one, multi} {
		if err := e.db.CreateService(ada.OrgID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec := scrape(e, "Bearer "+testMetricsToken)
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	samples := parseProm(t, rec.Body.String())
	if got := find(samples, "alertifypro_service_up", map[string]string{"service_id": one.ID, "location": "local"}); len(got) != 1 || got[0].value != 1 {
		t.Errorf("one location's up: %+v", got)
	}
	for loc, want := range map[string]float64{"eu-west": 0, "us-east": 1} {
		if got := find(samples, "alertifypro_service_up", map[string]string{"service_id": multi.ID, "location": loc}); len(got) != 1 || got[0].value != want {
			t.Errorf("%s up: %+v, want %v", loc, got, want)
		}
	}
	if got := find(samples, "alertifypro_service_up", map[string]string{"service_id": multi.ID, "location": "ap-south"}); len(got) != 0 {
		t.Errorf("a location that has not reported has an up sample: %+v", got)
	}
	if got := find(samples, "alertifypro_service_quorum_up", map[string]string{"service_id": multi.ID}); len(got) != 1 || got[0].value != 1 {
		t.Errorf("quorum verdict: %+v", got)
	}
	if got := find(samples, "alertifypro_service_response_time_ms", map[string]string{"service_id": multi.ID, "location": "us-east"}); len(got) != 1 {
		t.Errorf("response time of the latest result, from us-east: %+v", got)
	}
	if got := find(samples, "alertifypro_checks_total", map[string]string{"location": "eu-west", "status": "RED"}); len(got) != 1 || got[0].value != 2 {
		t.Errorf("agent results counted: %+v", got)
	}
}

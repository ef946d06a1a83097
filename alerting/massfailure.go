package alerting

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// MassFailureConfig tunes mass-failure detection; zero fields take the defaults.
type MassFailureConfig struct {
	Window   time.Duration // default 2m: "within one poll"
	MinHosts int           // default 10
	Ratio    float64       // default 0.5
}

// massDetector recognises the appliance's own network failure (SPEC §4.5). The rule:
//
// Over a sliding window (Window, default 2 minutes, measured in result check times) it
// considers every distinct host (the endpoint's host name, so twenty services on one
// server count once) that reported a result in the window, not counting internal results,
// paused services and suppressing maintenance windows. A host "turned RED" when its latest
// result is RED and its RED streak began inside the window. A mass failure is in progress
// while at least MinHosts (10) hosts reported and at least Ratio (50 %) of them turned RED.
// Long-standing outages do not count (they did not turn RED in the window), so a few dead
// hosts never make the appliance blind to new ones.
//
// While it lasts, alerts still open (the results and the state are recorded) but their
// notifications are held (Alert.Held); the instance admin gets one "probe connectivity"
// e-mail per episode instead of a page per service. A held alert whose service is still
// failing after the episode is released with its normal notifications at its next failure;
// one that recovers resolves silently. The state is in memory: after a restart a new
// episode is detected afresh within one window.
type massDetector struct {
	cfg   MassFailureConfig
	mu    sync.Mutex
	hosts map[string]*hostState
	// endpoints caches endpoint → host, so url.Parse is not paid per result.
	endpoints map[string]string
	episode   bool
	// memo keeps the last verdict for a second of check time: when thousands of alerts
	// open in one burst, the hosts are counted once per second, not once per alert. Any
	// observation clears it.
	memoAt time.Time
	memoOn bool
	memoOK bool
}

type hostState struct {
	lastSeen, redSince time.Time
	red                bool
}

func newMassDetector(cfg MassFailureConfig) *massDetector {
	if cfg.Window <= 0 {
		cfg.Window = 2 * time.Minute
	}
	if cfg.MinHosts <= 0 {
		cfg.MinHosts = 10
	}
	if cfg.Ratio <= 0 {
		cfg.Ratio = 0.5
	}
	return &massDetector{cfg: cfg, hosts: map[string]*hostState{}, endpoints: map[string]string{}}
}

// hostOf returns the host of an endpoint ("https://a.example/x", "a.example:5432", "a.example").
func hostOf(endpoint string) string {
	if strings.Contains(endpoint, "://") {
		if u, err := url.Parse(endpoint); err == nil && u.Hostname() != "" {
			return strings.ToLower(u.Hostname())
		}
	}
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		return strings.ToLower(h)
	}
	return strings.ToLower(endpoint)
}

// observe records a result of a service on endpoint checked at at.
func (d *massDetector) observe(endpoint string, at time.Time, red bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	host, ok := d.endpoints[endpoint]
	if !ok {
		if len(d.endpoints) > 100_000 {
			clear(d.endpoints) // bounded: endpoints of deleted services do not pile up
		}
		host = hostOf(endpoint)
		d.endpoints[endpoint] = host
	}
	h := d.hosts[host]
	if h == nil {
		h = &hostState{}
		d.hosts[host] = h
	}
	if at.Before(h.lastSeen) {
		return // a late result says nothing about now
	}
	if red != h.red || !h.lastSeen.After(at.Add(-d.cfg.Window)) {
		d.memoOK = false // a host changed colour or came back into the window
	}
	if red && !h.red {
		h.redSince = at
	}
	h.lastSeen, h.red = at, red
}

// counts returns how many hosts reported within the window ending at now, and how many
// of them turned RED in it; hosts silent for a whole window are forgotten.
func (d *massDetector) counts(now time.Time) (seen, turned int) {
	from := now.Add(-d.cfg.Window)
	for name, h := range d.hosts {
		if h.lastSeen.Before(from) {
			delete(d.hosts, name)
			continue
		}
		seen++
		if h.red && !h.redSince.Before(from) {
			turned++
		}
	}
	return seen, turned
}

// active reports whether a mass failure is in progress at now (see massDetector), and
// ends the episode when it is not.
func (d *massDetector) active(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	sec := now.Truncate(time.Second)
	if d.memoOK && d.memoAt.Equal(sec) {
		return d.memoOn
	}
	seen, turned := d.counts(now)
	on := seen >= d.cfg.MinHosts && float64(turned) >= d.cfg.Ratio*float64(seen)
	d.memoAt, d.memoOn, d.memoOK = sec, on, true
	if !on {
		d.episode = false
	}
	return on
}

// startEpisode reports whether this is the first call since the episode began, with the
// figures for the admin's message.
func (d *massDetector) startEpisode(now time.Time) (first bool, seen, turned int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen, turned = d.counts(now)
	first, d.episode = !d.episode, true
	return first, seen, turned
}

// announceMassFailure queues, once per episode, the "probe connectivity" e-mail to the
// instance admin (in the admin's oldest organization's outbox, so no tenant sees it).
func (sm *StateMachine) announceMassFailure(tx *store.AlertTx, at time.Time) error {
	first, seen, turned := sm.mass.startEpisode(at)
	if !first {
		return nil
	}
	admin, orgID, err := tx.InstanceAdmin()
	if err != nil {
		sm.log.Error("mass failure: no instance admin to tell", "error", err)
		return nil
	}
	sm.log.Warn("mass failure: most monitored hosts turned RED at once; holding notifications",
		"hosts", seen, "red", turned)
	n := &notify.Notification{Event: eventFired, Severity: "critical", Title: "Probe connectivity problem",
		Summary: fmt.Sprintf("%d of %d monitored hosts turned RED within %s. AlertifyPro has probably lost its own "+
			"network connectivity; alerts still open, but their notifications are held until it recovers.",
			turned, seen, sm.mass.cfg.Window),
		OrgID: orgID, Status: store.StatusRed, Since: at, AlertURL: sm.cfg.BaseURL + "/alerts",
		DedupKey: "alertifypro-probe-connectivity"}
	return sm.enqueueNotification(tx, orgID, store.OutboxKindEmail, admin.Email, n)
}

package monitor

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// ErrCheckRunning is Check's answer when a check of the same service is already in
// flight, whoever started it (the scheduler or a check-now).
var ErrCheckRunning = errors.New("monitor: a check of this service is already running")

// Checker runs one check of a service end to end: build the target (opening
// its credentials), run the probe under the service's timeout, commit the
// result through the recorder, and return it. The scheduler and the API's
// "check now" both use it, so both record results the same way.
type Checker struct {
	Env      *Env
	Opener   Opener
	Recorder *Recorder
	Metrics  *Metrics
	Logger   *slog.Logger
	// Location is the name of the probe location this checker runs in (LOCATION_NAME, SPEC
	// §8): every result carries it, and the scheduler runs only the services that name it
	// (or none). "" is the built-in location's default name, "local".
	Location string
	// Secrets resolves the {{secrets.NAME}} references of a check's endpoint, body,
	// headers and credential at every check (secrets.go); nil leaves them as they are,
	// as an agent's checker does (the server sends its targets resolved).
	Secrets vault.Resolver
	// Probes picks the probe of a check type; nil means ProbeFor. Tests of
	// the scheduler substitute probes that hang or count.
	Probes func(checkType string) Probe

	// running holds the IDs of services with a check in flight, whoever
	// started it: one check per service at a time, so a check-now and a
	// scheduled tick never probe the same target twice at once.
	running sync.Map
}

// Check runs and records one check of s, or returns ErrCheckRunning at once
// when a check of s is already in flight. Otherwise the error is non-nil only
// when the result could not be committed; a failed check is a RED result,
// not an error.
func (c *Checker) Check(ctx context.Context, s *store.Service) (Result, error) {
	if !c.claim(s.ID) {
		return Result{}, ErrCheckRunning
	}
	defer c.release(s.ID)
	return c.check(ctx, s, true)
}

// claim marks a check of serviceID as in flight; false when one already is.
func (c *Checker) claim(serviceID string) bool {
	_, busy := c.running.LoadOrStore(serviceID, struct{}{})
	return !busy
}

// busy reports whether a check of serviceID is in flight.
func (c *Checker) busy(serviceID string) bool {
	_, ok := c.running.Load(serviceID)
	return ok
}

// release ends the in-flight mark that claim set.
func (c *Checker) release(serviceID string) { c.running.Delete(serviceID) }

// location is the checker's location name.
func (c *Checker) location() string {
	if c.Location == "" {
		return "local"
	}
	return c.Location
}

// check runs and records one check of s; the caller holds its claim. A check run now
// (someone waits for it) commits without the recorder's linger; a scheduled one was
// announced to the recorder by the scheduler when it started it (Recorder.announce), so
// the group of the checks started with it waits for its result.
func (c *Checker) check(ctx context.Context, s *store.Service, now bool) (Result, error) {
	start := time.Now()
	if c.Metrics != nil {
		c.Metrics.inFlight.Add(1)
		defer c.Metrics.inFlight.Add(-1)
	}
	res := c.probe(ctx, s)
	res.Location = c.location()
	if c.Metrics != nil {
		c.Metrics.observeCheck(res, time.Since(start))
	}
	item := Recorded{OrgID: s.OrgID, ServiceID: s.ID, Result: res}
	if now {
		return res, c.Recorder.RecordNow(item)
	}
	return res, c.Recorder.recordAnnounced(item)
}

// probe builds the target and runs the probe with the hard timeout.
func (c *Checker) probe(ctx context.Context, s *store.Service) Result {
	now := c.Env.Now()
	pick := c.Probes
	if pick == nil {
		pick = ProbeFor
	}
	probe := pick(s.CheckType)
	if probe == nil {
		r := failed(now, now, "unknown check type "+s.CheckType)
		r.Internal = true
		return r
	}
	t := &Target{
		OrgID: s.OrgID, ServiceID: s.ID, CheckType: s.CheckType, Endpoint: s.Endpoint,
		Options:           s.Options,
		Timeout:           time.Duration(s.TimeoutSeconds) * time.Second,
		DegradedThreshold: time.Duration(s.DegradedThresholdMS) * time.Millisecond,
	}
	if t.Timeout <= 0 {
		t.Timeout = 10 * time.Second
	}
	auth, headers, err := OpenCredentials(c.Opener, s.OrgID, s)
	if err != nil {
		// Never log the error's details beyond the record: it names no
		// secret, but the cause is ours (wrong key), not the target's.
		if c.Logger != nil {
			c.Logger.Error("service credentials could not be opened", "service_id", s.ID, "error", err)
		}
		r := failed(now, now, "stored credentials could not be opened")
		r.Internal = true
		return r
	}
	t.Auth, t.Headers = auth, headers
	used, err := ResolveSecrets(ctx, c.Secrets, t)
	if err != nil {
		return secretFailure(now, err, c.Logger, s.ID)
	}
	pctx, cancel := context.WithTimeout(ctx, t.Timeout)
	defer cancel()
	res := probe(pctx, c.Env, t)
	res.Error = RedactSecrets(res.Error, used)
	if res.CheckedAt.IsZero() {
		res.CheckedAt = now
	}
	return res
}

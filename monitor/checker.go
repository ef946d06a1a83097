package monitor

import (
	"context"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

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
	// Probes picks the probe of a check type; nil means ProbeFor. Tests of
	// the scheduler substitute probes that hang or count.
	Probes func(checkType string) Probe
}

// Check runs and records one check of s. The error is non-nil only when the
// result could not be committed; a failed check is a RED result, not an
// error.
func (c *Checker) Check(ctx context.Context, s *store.Service) (Result, error) {
	start := time.Now()
	if c.Metrics != nil {
		c.Metrics.inFlight.Add(1)
		defer c.Metrics.inFlight.Add(-1)
	}
	res := c.probe(ctx, s)
	if c.Metrics != nil {
		c.Metrics.observeCheck(res, time.Since(start))
	}
	err := c.Recorder.Record(Recorded{OrgID: s.OrgID, ServiceID: s.ID, Result: res})
	return res, err
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
	pctx, cancel := context.WithTimeout(ctx, t.Timeout)
	defer cancel()
	res := probe(pctx, c.Env, t)
	if res.CheckedAt.IsZero() {
		res.CheckedAt = now
	}
	return res
}

package monitor

import (
	"context"
	"time"
)

// probePostgres is a STUB until its probe lands: it reports RED "not implemented".
func probePostgres(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "postgres probe not implemented")
}

var _ = time.Now

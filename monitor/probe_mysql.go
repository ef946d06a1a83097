package monitor

import (
	"context"
	"time"
)

// probeMySQL is a STUB until its probe lands: it reports RED "not implemented".
func probeMySQL(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "mysql probe not implemented")
}

var _ = time.Now

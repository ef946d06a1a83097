package monitor

import (
	"context"
	"time"
)

// probeRedis is a STUB until its probe lands: it reports RED "not implemented".
func probeRedis(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "redis probe not implemented")
}

var _ = time.Now

package monitor

import (
	"context"
	"time"
)

// probeMongoDB is a STUB until its probe lands: it reports RED "not implemented".
func probeMongoDB(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "mongodb probe not implemented")
}

var _ = time.Now

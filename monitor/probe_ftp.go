package monitor

import (
	"context"
	"time"
)

// probeFTP is a STUB until its probe lands: it reports RED "not implemented".
func probeFTP(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "ftp probe not implemented")
}

var _ = time.Now

package monitor

import (
	"context"
	"time"
)

// probeSMTP is a STUB until its probe lands: it reports RED "not implemented".
func probeSMTP(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "smtp probe not implemented")
}

var _ = time.Now

package monitor

import (
	"context"
	"time"
)

// probeIMAP is a STUB until its probe lands: it reports RED "not implemented".
func probeIMAP(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "imap probe not implemented")
}

var _ = time.Now

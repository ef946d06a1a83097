package monitor

import (
	"context"
	"time"
)

// probeWebSocket is a STUB until its probe lands: it reports RED "not implemented".
func probeWebSocket(ctx context.Context, env *Env, t *Target) Result {
	now := env.Now()
	return failed(now, now, "websocket probe not implemented")
}

var _ = time.Now

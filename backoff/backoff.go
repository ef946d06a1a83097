// Package backoff is the retry delay the outbox sender and the audit streamer share:
// capped exponential growth with jitter over the upper half. It imports nothing of ours,
// so both may use it whatever their place in the dependency order.
package backoff

import "time"

// Delay is min(ceiling, base·2^doublings) (base itself capped at ceiling), spread by u,
// uniform in [0, 1), over [d/2, d): senders that failed together do not retry together,
// and none retries sooner than half the delay. Doubling stops at the ceiling, so any
// number of doublings is safe from overflow.
func Delay(base, ceiling time.Duration, doublings int, u float64) time.Duration {
	d := min(base, ceiling)
	for range doublings {
		if d >= ceiling/2 { // doubling would pass the cap (and could overflow)
			d = ceiling
			break
		}
		d *= 2
	}
	return time.Duration(float64(d) * (0.5 + 0.5*u))
}

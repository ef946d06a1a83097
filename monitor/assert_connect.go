package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
)

// Operators of a connection_time_ms assertion, as the API stores them.
const (
	assertLess      = "lt"
	assertLessEqual = "lte"
)

// connectAssertion is the assert option of HTTP and TCP checks as the API stores it:
// {"connection_time_ms": {"lt": 500}}, one operator with a bound in milliseconds (to the
// microsecond).
type connectAssertion struct {
	ConnectionTimeMS map[string]float64 `json:"connection_time_ms"`
}

// withConnectionTime wraps a probe (one that measures Timings) so that a passing result
// also meets the target's connection_time_ms assertion: the TCP connect alone (the dial
// of a TCP check, the connect of an HTTP request; over redirects the sum of the hops'
// connects, as Timings.Connect is), measured apart from the whole response time.
func withConnectionTime(probe Probe) Probe {
	return func(ctx context.Context, env *Env, t *Target) Result {
		r := probe(ctx, env, t)
		checkConnectionTime(t, &r)
		return r
	}
}

// assertKey is how a stored options object holding an assertion starts its key; most
// have none, and they are not decoded again for each check.
var assertKey = []byte(`"assert"`)

// checkConnectionTime turns a passing r RED when its connect time breaks the assertion
// in t's options, saying what was measured and what was asked:
// "connection time 312 ms, expected < 250 ms". A failed check keeps its own reason.
func checkConnectionTime(t *Target, r *Result) {
	if r.Status == StatusRed || !bytes.Contains(t.Options, assertKey) {
		return
	}
	var o struct {
		Assert *connectAssertion `json:"assert"`
	}
	if json.Unmarshal(t.Options, &o) != nil || o.Assert == nil {
		return
	}
	for op, bound := range o.Assert.ConnectionTimeMS {
		limit := time.Duration(bound * float64(time.Millisecond))
		took := r.Timings.Connect
		sign := "<"
		ok := took < limit
		if op == assertLessEqual {
			sign, ok = "<=", took <= limit
		}
		switch {
		case took <= 0:
			// Nothing was connected that the clock saw: the assertion cannot hold.
			r.Status, r.Error = StatusRed, "connection time not measured, expected "+sign+" "+formatMillis(limit)+" ms"
		case !ok:
			r.Status, r.Error = StatusRed, "connection time "+formatMillis(took)+" ms, expected "+sign+" "+formatMillis(limit)+" ms"
		}
	}
}

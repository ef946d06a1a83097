package api

import (
	"encoding/json"
	"strconv"
)

// The assert option of HTTP and TCP checks (README "Response-time thresholds and
// connection time"): {"connection_time_ms": {"lt": 500}} — the TCP connect alone must take
// less than (lt) or at most (lte) the bound, in milliseconds to the microsecond. It is
// measured apart from the response time: the dial of a TCP check, the connect of an HTTP
// request. The documentation's form gives it at the top of the service body ("assert");
// it is stored and answered as options.assert.

// Bounds of a connection_time_ms assertion, in milliseconds.
const (
	minConnectBoundMS = 0.001 // one microsecond: what the timings resolve
	maxConnectBoundMS = maxDegradedMS
)

// assertOperators are the operators a connection_time_ms assertion takes: an upper bound
// (a lower bound on how long a connect takes would assert nothing worth knowing).
var assertOperators = []string{"lt", "lte"}

// assertHint shows the form an assert object takes.
const assertHint = `{"connection_time_ms": {"lt": 500}}`

// assertTypesOnly is the problem of an assert option on a type that has no connect time
// of its own to assert on.
const assertTypesOnly = "is for HTTP and TCP checks only (" + assertHint + ")"

// connectionAssertion reads options.assert, storing it normalized; {} and null are none.
func (r *optionReader) connectionAssertion() {
	raw, ok := r.get("assert")
	if !ok {
		return
	}
	var a map[string]json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil || a == nil {
		r.problem("assert", "must be an object like "+assertHint)
		return
	}
	for key := range a {
		if key != "connection_time_ms" {
			r.problem("assert."+key, "is not an assertion; the one there is: connection_time_ms")
		}
	}
	rawOps, ok := a["connection_time_ms"]
	if !ok || isNull(rawOps) {
		return
	}
	const field = "assert.connection_time_ms"
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(rawOps, &ops); err != nil || len(ops) != 1 {
		r.problem(field, `must name one operator, lt or lte, with a bound in milliseconds: {"lt": 500}`)
		return
	}
	for op, v := range ops {
		if op != assertOperators[0] && op != assertOperators[1] {
			r.problem(field+"."+op, "is not an operator here; use lt (less than) or lte (at most)")
			return
		}
		var bound float64
		if err := json.Unmarshal(v, &bound); err != nil || bound < minConnectBoundMS || bound > maxConnectBoundMS {
			r.problem(field+"."+op, "must be a number of milliseconds from 0.001 to "+strconv.Itoa(maxConnectBoundMS))
			return
		}
		r.out.values["assert"] = map[string]any{"connection_time_ms": map[string]float64{op: bound}}
	}
}

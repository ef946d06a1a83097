package monitor

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"
)

// Timings splits a check's time into the phases of its connection (SPEC
// §3.7): the name lookup, the TCP connect, the TLS handshake, and the wait
// from the connection being ready to the first byte of the answer (request
// written plus the server's own time). A phase the check did not go through
// is zero — no lookup for an IP address, no TLS on a plain connection, no
// first byte for the TCP-level probes — and one it did go through is never
// zero. A phase that failed counts up to its failure (a refused connect, a
// handshake that timed out). When one check opens several connections (an
// HTTP redirect, an address that refused before the next one answered),
// each phase is the sum over all of them, so the phases never add up to
// more than Result.ResponseTime, which is still the whole check.
//
// They are shown with the result of a check run now and with the service's
// latest result, never stored with each raw result: that row is kept small
// on purpose (SPEC §6, bytes per result).
type Timings struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration
}

// withTimings wraps a probe so that its result carries the Timings of its
// connections, measured by a phaseClock in the probe's context.
func withTimings(probe Probe) Probe {
	return func(ctx context.Context, env *Env, t *Target) Result {
		clock := phaseClock{now: env.Now}
		r := probe(httptrace.WithClientTrace(ctx, clock.trace()), env, t)
		r.Timings = clock.timings()
		return r
	}
}

// phaseClock measures a check's phases from the httptrace hooks of its
// context. The name lookup and the connect are reported by the net package
// itself (the egress guard resolves with a net.Resolver and connects with a
// net.Dialer, both under the check's context); the TLS handshake by
// net/http's transport, or by handshakeTLS for the probes that speak TLS
// themselves; the first byte by the transport. Hooks may run on the
// transport's goroutines, even after the check gave up on a dial, hence the
// lock. It reads env.Now, the clock of the response time, so the phases
// never add up to more than that.
type phaseClock struct {
	now      func() time.Time
	mu       sync.Mutex
	t        Timings
	dnsDepth int       // lookups under way: connects meanwhile are to a nameserver
	dnsAt    time.Time // start of the outermost lookup under way
	connAt   time.Time // start of the connect attempt under way; zero when none
	tlsAt    time.Time // start of the handshake under way; zero when none
	readyAt  time.Time // when the latest connection became ready; zero once its first byte came
}

// trace returns the hooks that feed the clock.
func (c *phaseClock) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.dnsDepth == 0 {
				c.dnsAt = c.now()
			}
			c.dnsDepth++
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.dnsDepth == 0 {
				return
			}
			if c.dnsDepth--; c.dnsDepth == 0 {
				c.t.DNS += phase(c.dnsAt, c.now())
			}
		},
		ConnectStart: func(network, _ string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			// The resolver's own connections to its nameserver happen inside a
			// lookup; a UDP "connect" sends nothing and has no time to report.
			if c.dnsDepth > 0 || strings.HasPrefix(network, "udp") {
				return
			}
			c.connAt = c.now()
		},
		ConnectDone: func(_, _ string, err error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.connAt.IsZero() {
				return
			}
			now := c.now()
			c.t.Connect += phase(c.connAt, now)
			c.connAt = time.Time{}
			if err == nil {
				c.readyAt = now
			}
		},
		TLSHandshakeStart: func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.tlsAt = c.now()
		},
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.tlsAt.IsZero() {
				return
			}
			now := c.now()
			c.t.TLS += phase(c.tlsAt, now)
			c.tlsAt = time.Time{}
			if err == nil {
				c.readyAt = now
			}
		},
		GotFirstResponseByte: func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if !c.readyAt.IsZero() {
				c.t.FirstByte += phase(c.readyAt, c.now())
				c.readyAt = time.Time{}
			}
		},
	}
}

// timings returns what the clock measured.
func (c *phaseClock) timings() Timings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// phase is the time from start to end, at least 1 ns: a phase gone through
// is never reported as "did not happen".
func phase(start, end time.Time) time.Duration {
	return max(end.Sub(start), time.Nanosecond)
}

// handshakeTLS runs tc's client handshake under ctx and reports it to the
// context's trace, as net/http's transport does for the handshakes it makes,
// so the probes that speak TLS themselves (SSL, the mail protocols, gRPC)
// report their TLS time too.
func handshakeTLS(ctx context.Context, tc *tls.Conn) error {
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.TLSHandshakeStart != nil {
		trace.TLSHandshakeStart()
	}
	err := tc.HandshakeContext(ctx)
	if trace != nil && trace.TLSHandshakeDone != nil {
		trace.TLSHandshakeDone(tc.ConnectionState(), err)
	}
	return err
}

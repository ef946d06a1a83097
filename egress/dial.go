package egress

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Guard is the guarded dialer and HTTP transport. Build one in run from the configuration
// and hand it to every worker that connects anywhere on a tenant's behalf; it is safe for
// concurrent use and holds no per-request state.
type Guard struct {
	policy   Policy
	resolver *net.Resolver    // the Guard's name lookups; its nameserver dials skip the policy
	system   *systemResolvers // the host's own resolver (sysresolver.go)
	timeout  time.Duration
	// dial connects to one already checked address literal. A field rather than a fixed
	// net.Dialer so that in-package tests can see the literal a dial targets without
	// sending a packet to a public address.
	dial       func(ctx context.Context, network, address string) (net.Conn, error)
	transports [2]*http.Transport // [verifying TLS, skipping verification]
	// source is the local address every connection leaves from (WithSourceAddr); the zero
	// value lets the system choose.
	source netip.Addr
}

// Option configures a Guard in New.
type Option func(*Guard)

// WithResolver makes the Guard resolve names with r instead of its own resolver (Go's,
// asking the host's resolver); tests point it at a DNS responder on loopback.
func WithResolver(r *net.Resolver) Option {
	return func(g *Guard) {
		if r != nil {
			g.resolver = r
		}
	}
}

// WithDialTimeout bounds each connect attempt (default 30 s, as net/http's default
// transport); a shorter context deadline still wins. Zero or less keeps the default.
func WithDialTimeout(d time.Duration) Option {
	return func(g *Guard) {
		if d > 0 {
			g.timeout = d
		}
	}
}

// WithSourceAddr makes every connection the Guard opens leave from addr
// (PROBE_SOURCE_ADDR, SPEC §8): TCP and UDP sockets bind to it before they connect, and
// names resolve only to addresses of its family, since a socket bound to an address of one
// family cannot reach the other. The host's own resolver (DialSystemResolver) is left
// unbound: it is the operator's, often on loopback, not a check's target. The zero
// address changes nothing.
func WithSourceAddr(addr netip.Addr) Option {
	return func(g *Guard) {
		if addr.IsValid() {
			g.source = addr.Unmap()
		}
	}
}

// New returns a Guard enforcing p. The policy's lists are copied, so later changes to the
// caller's slices do not change what the Guard allows.
func New(p Policy, opts ...Option) *Guard {
	p.Allow, p.Deny = slices.Clone(p.Allow), slices.Clone(p.Deny)
	g := &Guard{policy: p, system: &systemResolvers{path: resolvConfPath}, timeout: 30 * time.Second}
	for _, opt := range opts {
		opt(g)
	}
	if g.resolver == nil {
		// Go's resolver, as net.DefaultResolver is in our cgo-free build, but dialling its
		// nameservers through dialNameserver: what the policy judges is the answers.
		g.resolver = &net.Resolver{PreferGo: true, Dial: g.dialNameserver}
	}
	g.dial = g.newDialer()
	g.transports = [2]*http.Transport{g.newTransport(false), g.newTransport(true)}
	return g
}

// newDialer returns the function that connects to one checked address literal: a
// net.Dialer with the policy's Control hook, bound to the source address when there is
// one (net.Dialer wants a *net.TCPAddr for TCP and a *net.UDPAddr for UDP).
func (g *Guard) newDialer() func(ctx context.Context, network, address string) (net.Conn, error) {
	tcp := &net.Dialer{Timeout: g.timeout, KeepAlive: 30 * time.Second, Control: g.control}
	if !g.source.IsValid() {
		return tcp.DialContext
	}
	udp := *tcp
	tcp.LocalAddr = &net.TCPAddr{IP: g.source.AsSlice()}
	udp.LocalAddr = &net.UDPAddr{IP: g.source.AsSlice()}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if strings.HasPrefix(network, "udp") {
			return udp.DialContext(ctx, network, address)
		}
		return tcp.DialContext(ctx, network, address)
	}
}

// SourceAddr is the address connections leave from (WithSourceAddr), or the zero value.
// Probes that open sockets of their own (ICMP) bind them to it.
func (g *Guard) SourceAddr() netip.Addr { return g.source }

// sourceFamily narrows family ("ip", "ip4", "ip6") to the source address's family when the
// Guard has one; ok is false when family asks for the other one.
func (g *Guard) sourceFamily(family string) (string, bool) {
	if !g.source.IsValid() {
		return family, true
	}
	want := "ip6"
	if g.source.Is4() {
		want = "ip4"
	}
	return want, family == "ip" || family == want
}

// ipFamily maps a dial network to the address family to resolve; only TCP and UDP are
// offered, so no caller can be talked into a unix socket or a raw IP protocol.
func ipFamily(network string) (string, bool) {
	switch network {
	case "tcp", "udp":
		return "ip", true
	case "tcp4", "udp4":
		return "ip4", true
	case "tcp6", "udp6":
		return "ip6", true
	}
	return "", false
}

func inFamily(family string, ip netip.Addr) bool {
	switch family {
	case "ip4":
		return ip.Is4()
	case "ip6":
		return ip.Is6()
	}
	return true
}

// DialContext connects like net.Dialer.DialContext, for networks tcp, tcp4, tcp6, udp,
// udp4 and udp6, to an address the policy allows. The host is resolved once, every answer
// is checked, and the allowed addresses are dialled in order as IP literals, so a name
// whose DNS answer changes between lookups cannot lead anywhere unchecked. The connect
// address is checked once more just before connect (net.Dialer.Control). Refusals are
// *RefusedError; lookup and connect failures are returned as the net package reports them.
// The lookup and each connect attempt run under ctx through a net.Resolver and a
// net.Dialer, so they report to an httptrace.ClientTrace in ctx: the probes time their
// phases that way (keep it so).
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	family, ok := ipFamily(network)
	if !ok {
		return nil, &RefusedError{Target: strconv.Quote(network), Reason: "network not allowed (only tcp and udp)"}
	}
	if family, ok = g.sourceFamily(family); !ok {
		return nil, &net.AddrError{Err: "the network's address family is not the one of PROBE_SOURCE_ADDR " + g.source.String(), Addr: address}
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	// Numeric only: the net package would look a service name up, and callers always
	// hold a number (http.Transport adds the scheme's default port itself).
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("egress: port %q is not a number from 0 to 65535", port)
	}
	ips, err := g.resolve(ctx, family, host)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for i, ip := range ips {
		dctx, cancel := partialDeadline(ctx, len(ips)-i)
		conn, err := g.dial(dctx, network, net.JoinHostPort(ip.String(), port))
		cancel() // ends the dial's context only; an established connection is unaffected
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// ResolveIP returns the first address of host that the policy allows, or a *RefusedError
// when it has none, resolving once. It is for probes that cannot use DialContext (ICMP, a
// DNS check's resolver option): they must then send to the returned address, never
// resolve host again. With a source address (WithSourceAddr) the address is of its family.
func (g *Guard) ResolveIP(ctx context.Context, host string) (netip.Addr, error) {
	family, _ := g.sourceFamily("ip")
	ips, err := g.resolve(ctx, family, host)
	if err != nil {
		return netip.Addr{}, err
	}
	return ips[0], nil
}

// resolve returns the allowed addresses of host in family, in the resolver's order.
// Literals, in every inet_aton form, are parsed here so they never reach a resolver that
// might read them differently; names that are not valid host names never reach one at all.
func (g *Guard) resolve(ctx context.Context, family, host string) ([]netip.Addr, error) {
	if ip, ok := parseLiteral(host); ok {
		if !inFamily(family, ip) {
			return nil, &net.AddrError{Err: "address family does not match the network", Addr: host}
		}
		if r := g.policy.verdict(ip); r != nil {
			return nil, r.err(host)
		}
		return []netip.Addr{ip}, nil
	}
	if err := g.checkName(host); err != nil {
		return nil, err
	}
	answers, err := g.resolver.LookupNetIP(ctx, family, host)
	if err != nil {
		return nil, err
	}
	var allowed []netip.Addr
	var first *refusal
	for _, ip := range answers {
		ip = ip.Unmap()
		if !inFamily(family, ip) {
			continue
		}
		// A refused answer is skipped, not fatal: the allowed ones are still safe to
		// use, and an attacker gains nothing by adding a refused address to a record.
		if r := g.policy.verdict(ip); r != nil {
			if first == nil {
				first = r
			}
			continue
		}
		allowed = append(allowed, ip)
	}
	if len(allowed) == 0 {
		if first != nil {
			return nil, first.err(host)
		}
		return nil, &net.DNSError{Err: "no suitable address", Name: host, IsNotFound: true}
	}
	return allowed, nil
}

// control is the net.Dialer.Control hook: it re-checks the address the socket is about to
// connect to. DialContext only dials checked literals, so this refusing anything means a
// bug elsewhere; it is the second line of defence the spec asks for (§4.2).
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Target: strconv.Quote(address), Reason: "connect address is not an IP address and port"}
	}
	if r := g.policy.verdict(ap.Addr()); r != nil {
		return r.err(ap.Addr().String())
	}
	return nil
}

// partialDeadline shares what is left of ctx's deadline among the addresses still to try,
// as the net package does, so one black-holed address cannot use up the whole budget. No
// attempt gets less than two seconds unless less than that is left.
func partialDeadline(ctx context.Context, remaining int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok || remaining <= 1 {
		return ctx, func() {}
	}
	left := time.Until(deadline)
	per := max(left/time.Duration(remaining), min(2*time.Second, left))
	return context.WithTimeout(ctx, per)
}

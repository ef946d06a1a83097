// Package egress is the one way out of the appliance for anything done on a tenant's
// behalf: checks of every type, webhooks, notification channels and their test sends
// (SPEC §4.2). A tenant chooses the target, so without a guard a monitor is a ready-made
// server-side request forgery tool: it would reach the loopback admin ports, the private
// network and the cloud metadata service that hands out credentials.
//
// Every address is judged by one Policy:
//
//  1. an address in Deny (or whose embedded IPv4 address is in Deny) is refused;
//  2. otherwise an address in Allow is allowed, whatever it is (this is how an operator
//     un-refuses the metadata service or one private host on a public instance);
//  3. otherwise cloud metadata, unspecified (0.0.0.0/8, ::), multicast and broadcast
//     addresses are refused under every mode;
//  4. under ModePublic everything that is not public unicast is refused too: loopback,
//     private, link-local, carrier-grade NAT, documentation, benchmarking and reserved
//     ranges, and IPv6 forms that embed such an IPv4 address (NAT64, 6to4, Teredo,
//     IPv4-compatible). IPv4-mapped IPv6 addresses are judged as the IPv4 address.
//
// Deny wins over Allow so that an operator can open a range and still fence one host
// inside it ("allow 10.0.0.0/8 but never 10.0.0.1").
//
// The Guard enforces the policy where it cannot be sidestepped: it resolves a host once,
// checks every answer, dials the checked address literal (never the name, so a DNS answer
// that changes between lookups cannot slip through) and re-checks the connect address in
// net.Dialer.Control. Host text is parsed the way inet_aton does before any resolver sees
// it, so "127.1", "0x7f.1" and "2130706433" are loopback here as they are to the OS.
//
// One destination is not judged: the host's own DNS resolver (sysresolver.go), which is
// the operator's, not a tenant's choice; what it answers is judged as above.
package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Policy modes accepted in EGRESS_POLICY.
const (
	// ModePrivate lets checks reach private and loopback networks (a homelab instance).
	ModePrivate = "private"
	// ModePublic lets checks reach public unicast addresses only (a shared instance).
	ModePublic = "public"
)

// Policy is what outbound connections may reach. A Mode other than ModePrivate (the zero
// Policy included) is treated as ModePublic, the stricter one, so a forgotten setting fails
// closed.
type Policy struct {
	// Mode is ModePrivate (private and loopback allowed) or ModePublic (public unicast only).
	Mode string
	// Allow lists prefixes allowed even where the mode refuses them, metadata included.
	Allow []netip.Prefix
	// Deny lists prefixes refused even where the mode or Allow would allow them.
	Deny []netip.Prefix
}

// ParsePolicy builds a Policy from the EGRESS_POLICY, EGRESS_ALLOW_CIDRS and
// EGRESS_DENY_CIDRS values. The mode is case-insensitive; list entries are trimmed, empty
// ones skipped and bare addresses taken as single-address prefixes. Every problem is
// reported at once, as config.Validate does.
func ParsePolicy(mode string, allow, deny []string) (Policy, error) {
	p := Policy{Mode: strings.ToLower(strings.TrimSpace(mode))}
	var errs []error
	if p.Mode != ModePrivate && p.Mode != ModePublic {
		errs = append(errs, fmt.Errorf("EGRESS_POLICY must be %s or %s (got %q)", ModePrivate, ModePublic, mode))
	}
	var err error
	if p.Allow, err = parsePrefixes("EGRESS_ALLOW_CIDRS", allow); err != nil {
		errs = append(errs, err)
	}
	if p.Deny, err = parsePrefixes("EGRESS_DENY_CIDRS", deny); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	return p, nil
}

func parsePrefixes(name string, list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue // "a,,b" and a trailing comma are slips, not addresses
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil || a.Zone() != "" {
				errs = append(errs, fmt.Errorf("%s: %q is not a CIDR such as 10.0.0.0/8 or an address", name, s))
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		// Checked addresses are unmapped first, so a mapped prefix must be unmapped too
		// or "::ffff:10.0.0.0/104" would never match anything.
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, errors.Join(errs...)
}

// mode is the mode in force: anything but ModePrivate is ModePublic (fail closed).
func (p Policy) mode() string {
	if p.Mode == ModePrivate {
		return ModePrivate
	}
	return ModePublic
}

// verdict judges ip under p and returns nil when it is allowed.
func (p Policy) verdict(ip netip.Addr) *refusal {
	// Prefix.Contains never matches a zoned address, and the zone does not change what
	// the address is, so it is dropped for judging (the dial keeps it).
	a := ip.Unmap().WithZone("")
	if !a.IsValid() {
		return &refusal{what: "invalid address", why: "EGRESS_POLICY=" + p.mode()}
	}
	v4, _, embeds := embeddedIPv4(a)
	for _, d := range p.Deny {
		if d.Contains(a) || (embeds && d.Contains(v4)) {
			return &refusal{ip: a, what: "denied address", why: "EGRESS_DENY_CIDRS contains " + d.String()}
		}
	}
	for _, al := range p.Allow {
		if al.Contains(a) {
			return nil
		}
	}
	switch c, what := classify(a); {
	case c == classMetadata:
		return &refusal{ip: a, what: what, why: "refused under every EGRESS_POLICY unless in EGRESS_ALLOW_CIDRS"}
	case c == classUnroutable, c == classLocal && p.mode() == ModePublic:
		return &refusal{ip: a, what: what, why: "EGRESS_POLICY=" + p.mode()}
	}
	return nil
}

// RefusedError reports that the egress policy refused a target. It is a configuration
// problem, not an outage: probes record it as RED without opening an alert (SPEC §3.7), so
// callers tell it apart from network errors with errors.As against
// interface{ Refused() bool } and need not import this package.
type RefusedError struct {
	// Target is what the caller asked for (a host, an address, a URL or a network name),
	// followed in parentheses by the address it stands for when that reads differently,
	// e.g. "0x7f.1 (127.0.0.1)" or "evil.example (127.0.0.1)".
	Target string
	// Reason says what the address is and which setting refuses it, e.g.
	// "loopback address (EGRESS_POLICY=public)".
	Reason string
}

// Error returns e.g. "egress policy refused 127.0.0.1: loopback address (EGRESS_POLICY=public)".
// The text ends up in a check result's error, so it names the setting to change.
func (e *RefusedError) Error() string {
	return "egress policy refused " + e.Target + ": " + e.Reason
}

// Refused reports true; it is the method callers detect refusals by.
func (e *RefusedError) Refused() bool { return true }

// refusal is a refused address before it is tied to what the caller asked for, so one
// verdict renders as "127.0.0.1: ...", "0x7f.1 (127.0.0.1): ..." or "evil.test (127.0.0.1): ...".
type refusal struct {
	ip   netip.Addr // the address as classified: unmapped, without zone
	what string     // what the address is: "loopback address"
	why  string     // the setting that refuses it: "EGRESS_POLICY=public"
}

// err renders r for target, the host or address text the caller gave.
func (r *refusal) err(target string) *RefusedError {
	if ip := r.ip.String(); r.ip.IsValid() && target != ip {
		target += " (" + ip + ")"
	}
	return &RefusedError{Target: target, Reason: r.what + " (" + r.why + ")"}
}

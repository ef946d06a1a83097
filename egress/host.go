package egress

import (
	"net/netip"
	"strconv"
	"strings"
)

// Check judges one address: nil when the policy lets it be reached, a *RefusedError when
// not. IPv4-mapped IPv6 addresses are judged as their IPv4 address.
func (g *Guard) Check(ip netip.Addr) error {
	if r := g.policy.verdict(ip); r != nil {
		return r.err(ip.String())
	}
	return nil
}

// CheckHost is the save-time check of a host (no port; brackets around IPv6 allowed). A
// literal address in any form a resolver accepts (127.0.0.1, 127.1, 0x7f.1, 2130706433,
// 017700000001, [::ffff:127.0.0.1], ::1, fe80::1%eth0) is judged by Check, and so are
// names that mean a fixed address without asking DNS: the cloud metadata names and
// localhost. Other valid host names return nil: what they resolve to is judged again at
// every dial. Text that is neither an address nor a valid host name is refused, because
// some resolver might still read it as an address.
func (g *Guard) CheckHost(host string) error {
	if ip, ok := parseLiteral(host); ok {
		if r := g.policy.verdict(ip); r != nil {
			return r.err(host)
		}
		return nil
	}
	return g.checkName(host)
}

// checkName judges a host that is not a literal address.
func (g *Guard) checkName(host string) error {
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if !validHostname(name) {
		return &RefusedError{
			Target: strconv.Quote(host), // quoted: it may hold anything, newlines included
			Reason: "not an IP address or a valid host name (international names go in their xn-- form)",
		}
	}
	if ip, ok := fixedName(name); ok {
		if r := g.policy.verdict(ip); r != nil {
			return r.err(host)
		}
	}
	return nil
}

// fixedNames are names that stand for one address wherever they are resolved, so they are
// refused by name, before any lookup, and also at save time.
var fixedNames = map[string]netip.Addr{
	"metadata":                   netip.MustParseAddr("169.254.169.254"), // GCP, via the search domain
	"metadata.google.internal":   netip.MustParseAddr("169.254.169.254"),
	"metadata.goog":              netip.MustParseAddr("169.254.169.254"),
	"instance-data":              netip.MustParseAddr("169.254.169.254"), // AWS
	"instance-data.ec2.internal": netip.MustParseAddr("169.254.169.254"),
	"localhost":                  netip.MustParseAddr("127.0.0.1"),
}

// fixedName returns the address a lower-case name without trailing dot stands for.
func fixedName(name string) (netip.Addr, bool) {
	if strings.HasSuffix(name, ".localhost") { // RFC 6761: always loopback
		return netip.MustParseAddr("127.0.0.1"), true
	}
	ip, ok := fixedNames[name]
	return ip, ok
}

// parseLiteral reads host as an IP address literal the way resolvers do: IPv6 (brackets
// and a zone allowed) or IPv4 in any inet_aton form. A single trailing dot is ignored, as
// URL parsers do. IPv4-mapped IPv6 is returned as IPv4.
func parseLiteral(host string) (netip.Addr, bool) {
	h := host
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil {
			return netip.Addr{}, false
		}
		if a.Is4In6() {
			a = a.Unmap() // an IPv4 address in disguise; drop any zone with the disguise
		}
		return a, true
	}
	return parseInetAton(strings.TrimSuffix(h, "."))
}

// parseInetAton accepts what inet_aton(3) accepts: one to four parts separated by dots,
// each decimal, octal (leading 0) or hexadecimal (leading 0x), the last part filling the
// bytes that remain ("127.1" is 127.0.0.1, "2130706433" too). Every such form reaches the
// loopback interface through getaddrinfo, so each must be recognised here first.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint32
	for i, p := range parts {
		n, ok := parseAtonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			v |= uint32(n) << (8 * (3 - i))
			continue
		}
		if rest := 8 * (5 - len(parts)); n>>rest != 0 { // last part must fit the rest
			return netip.Addr{}, false
		}
		v |= uint32(n)
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parseAtonPart reads one inet_aton part. "0x" alone is 0, as glibc reads it.
func parseAtonPart(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base, digits := uint64(10), p
	switch {
	case len(p) >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'):
		base, digits = 16, p[2:]
	case len(p) >= 2 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	var n uint64
	for i := 0; i < len(digits); i++ {
		d, ok := digitValue(digits[i])
		if !ok || d >= base {
			return 0, false
		}
		if n = n*base + d; n > 0xffffffff {
			return 0, false
		}
	}
	return n, true
}

func digitValue(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

// validHostname accepts DNS names of letters, digits, hyphens and underscores (Docker
// Compose service names use them) whose last label is not a number. A numeric last label
// means the text was meant as an address but is not a valid one ("1.2.3.4.5",
// "127.0.0.256"); URL parsers reject such hosts, and so do we rather than let a resolver
// guess.
func validHostname(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return !numericLabel(labels[len(labels)-1])
}

// numericLabel is the URL standard's "ends in a number" test for one label.
func numericLabel(l string) bool {
	if len(l) >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X') {
		l = l[2:]
		return strings.Trim(l, "0123456789abcdefABCDEF") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

package egress

import "net/netip"

// class is how far an address may be reached without being listed in Allow.
type class int

const (
	classPublic     class = iota // public unicast: allowed under every mode
	classLocal                   // loopback, private, reserved...: allowed under ModePrivate only
	classUnroutable              // unspecified, multicast, broadcast: refused under every mode
	classMetadata                // cloud metadata services: refused under every mode
)

// special is one range that is not plain public unicast.
type special struct {
	prefix netip.Prefix
	class  class
	what   string
}

func rng(cidr string, c class, what string) special {
	return special{netip.MustParsePrefix(cidr), c, what}
}

const metadata = "cloud metadata address"

// specials4 is scanned in order, so single metadata addresses come before the ranges that
// hold them, and broadcast before 240.0.0.0/4.
var specials4 = []special{
	rng("169.254.169.254/32", classMetadata, metadata), // AWS, GCP, Azure, OpenStack, DigitalOcean...
	rng("169.254.170.2/32", classMetadata, metadata),   // AWS ECS task credentials
	rng("169.254.170.23/32", classMetadata, metadata),  // AWS EKS Pod Identity credentials
	rng("100.100.100.200/32", classMetadata, metadata), // Alibaba Cloud
	// The whole of 0.0.0.0/8, not just 0.0.0.0: Linux connects 0.0.0.0 to the local host,
	// so it is loopback in disguise, and the rest of the block is not routable at all.
	rng("0.0.0.0/8", classUnroutable, "unspecified address"),
	rng("224.0.0.0/4", classUnroutable, "multicast address"),
	rng("255.255.255.255/32", classUnroutable, "broadcast address"),
	rng("127.0.0.0/8", classLocal, "loopback address"),
	rng("10.0.0.0/8", classLocal, "private address"),
	rng("172.16.0.0/12", classLocal, "private address"),
	rng("192.168.0.0/16", classLocal, "private address"),
	rng("169.254.0.0/16", classLocal, "link-local address"),
	rng("100.64.0.0/10", classLocal, "carrier-grade NAT address"),
	rng("192.0.0.0/24", classLocal, "reserved address"),
	rng("192.0.2.0/24", classLocal, "documentation address"),
	rng("198.51.100.0/24", classLocal, "documentation address"),
	rng("203.0.113.0/24", classLocal, "documentation address"),
	rng("198.18.0.0/15", classLocal, "benchmarking address"),
	rng("192.88.99.0/24", classLocal, "reserved address"), // deprecated 6to4 relay anycast
	rng("240.0.0.0/4", classLocal, "reserved address"),
}

var specials6 = []special{
	rng("::/128", classUnroutable, "unspecified address"),
	rng("ff00::/8", classUnroutable, "multicast address"),
	rng("fd00:ec2::254/128", classMetadata, metadata), // AWS
	rng("fd00:ec2::23/128", classMetadata, metadata),  // AWS EKS Pod Identity
	rng("fd20:ce::254/128", classMetadata, metadata),  // GCP
	rng("::1/128", classLocal, "loopback address"),
	rng("fc00::/7", classLocal, "private address"),
	rng("fe80::/10", classLocal, "link-local address"),
	rng("fec0::/10", classLocal, "site-local address"),
	rng("100::/64", classLocal, "reserved address"),       // discard-only
	rng("64:ff9b:1::/48", classLocal, "reserved address"), // local-use NAT64
	rng("2001:db8::/32", classLocal, "documentation address"),
	rng("3fff::/20", classLocal, "documentation address"),
	rng("2001:2::/48", classLocal, "benchmarking address"),
	rng("2001:10::/28", classLocal, "reserved address"), // ORCHID
	rng("2001:20::/28", classLocal, "reserved address"), // ORCHIDv2
}

// globalUnicast6 is where every public IPv6 unicast address lives; the rest of the space is
// reserved or special, so under ModePublic it is refused rather than enumerated.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
	compat    = netip.MustParsePrefix("::/96")
)

// embeddedIPv4 returns the IPv4 address that an IPv6 form carries and routes towards:
// NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:aabb:ccdd::), Teredo (the client address, stored
// inverted in the last 32 bits) and the deprecated IPv4-compatible ::a.b.c.d. Such an
// address reaches the IPv4 host through a translator or tunnel, so it is judged as that host.
func embeddedIPv4(a netip.Addr) (v4 netip.Addr, form string, ok bool) {
	if !a.Is6() {
		return netip.Addr{}, "", false
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), "NAT64 form of", true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4 form of", true
	case teredo.Contains(a):
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), "Teredo form of", true
	case compat.Contains(a) && a.Compare(netip.IPv6Loopback()) > 0: // not :: or ::1
		return netip.AddrFrom4([4]byte(b[12:16])), "IPv4-compatible form of", true
	}
	return netip.Addr{}, "", false
}

// classify says what a (unmapped, without zone) is and how far it may be reached.
func classify(a netip.Addr) (class, string) {
	if a.Is4() {
		return lookup(specials4, a)
	}
	if v4, form, ok := embeddedIPv4(a); ok {
		c, what := lookup(specials4, v4)
		switch {
		case c != classPublic:
			return c, form + " " + what + " " + v4.String()
		case compat.Contains(a):
			return classLocal, "reserved address" // deprecated form, never routed publicly
		}
		return classPublic, ""
	}
	if c, what := lookup(specials6, a); c != classPublic {
		return c, what
	}
	if !globalUnicast6.Contains(a) {
		return classLocal, "reserved address"
	}
	return classPublic, ""
}

func lookup(table []special, a netip.Addr) (class, string) {
	for _, s := range table {
		if s.prefix.Contains(a) {
			return s.class, s.what
		}
	}
	return classPublic, ""
}

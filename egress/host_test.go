package egress

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

func TestParseLiteral(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0X7F.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.01", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"[::ffff:127.0.0.1]", "127.0.0.1"},
		{"::ffff:7f00:1", "127.0.0.1"},
		{"::1", "::1"},
		{"[::1]", "::1"},
		{"fe80::1%eth0", "fe80::1%eth0"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"}, // glibc reads a bare 0x as 0
		{"1.2.65535", "1.2.255.255"},
		{"4294967295", "255.255.255.255"},
		{"0x5d.0xb8.0xd8.0x22", "93.184.216.34"},
		// Not literals:
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.256", ""},
		{"1.2.65536", ""},
		{"1.2.3.4.5", ""},
		{"08.0.0.1", ""}, // 8 is not an octal digit
		{"127..1", ""},
		{"", ""},
		{"example.com", ""},
		{"127.0.0.1 ", ""},
		{"0x1g", ""},
		{"::ffff:127.1", ""},
		{"[127.0.0.1", ""},
	}
	for _, tt := range tests {
		got, ok := parseLiteral(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("parseLiteral(%q) = %s, want not a literal", tt.in, got)
			}
			continue
		}
		if !ok || got != netip.MustParseAddr(tt.want) {
			t.Errorf("parseLiteral(%q) = %s, %v, want %s", tt.in, got, ok, tt.want)
		}
	}
}

func TestCheckHost(t *testing.T) {
	public := guard(t, ModePublic, nil, nil)
	private := guard(t, ModePrivate, nil, nil)
	metadataAllowed := guard(t, ModePrivate, []string{"169.254.169.254/32"}, nil)
	tests := []struct {
		host                string
		publicOK, privateOK bool
	}{
		{"example.com", true, true},
		{"EXAMPLE.COM.", true, true},
		{"xn--bcher-kva.de", true, true},
		{"my_service", true, true},
		{"db.internal", true, true},
		{"93.184.216.34", true, true},
		{"0x5d.0xb8.0xd8.0x22", true, true}, // a public address in hex is still public
		{"2606:4700::1111", true, true},
		{"[2606:4700::1111]", true, true},
		{"127.0.0.1", false, true},
		{"127.1", false, true},
		{"0x7f.1", false, true},
		{"2130706433", false, true},
		{"017700000001", false, true},
		{"127.0.0.1.", false, true},
		{"[::ffff:127.0.0.1]", false, true},
		{"::1", false, true},
		{"[::1]", false, true},
		{"fe80::1%eth0", false, true},
		{"10.0.0.1", false, true},
		{"0xa.1", false, true},
		{"192.168.1", false, true}, // 192.168.0.1
		{"localhost", false, true},
		{"LOCALHOST.", false, true},
		{"app.localhost", false, true},
		{"0.0.0.0", false, false},
		{"0", false, false},
		{"metadata", false, false},
		{"metadata.google.internal", false, false},
		{"Metadata.Google.Internal.", false, false},
		{"metadata.goog", false, false},
		{"instance-data.ec2.internal", false, false},
		{"169.254.169.254", false, false},
		{"0xa9fea9fe", false, false},
		{"[fd00:ec2::254]", false, false},
		{"100.100.100.200", false, false},
		// Neither an address nor a host name: refused under every policy.
		{"", false, false},
		{"1.2.3.4.5", false, false},
		{"127.0.0.256", false, false},
		{"0x7f.0x100.0.1", false, false},
		{"exa mple.com", false, false},
		{"bücher.de", false, false},
		{"example.com:80", false, false},
		{"[example.com]", false, false},
		{"a..b", false, false},
		{"evil.com\n127.0.0.1", false, false},
		{strings.Repeat("a", 64) + ".com", false, false},
	}
	for _, tt := range tests {
		if err := public.CheckHost(tt.host); (err == nil) != tt.publicOK || (err != nil && !refused(err)) {
			t.Errorf("public CheckHost(%q) = %v, want allowed=%v", tt.host, err, tt.publicOK)
		}
		if err := private.CheckHost(tt.host); (err == nil) != tt.privateOK || (err != nil && !refused(err)) {
			t.Errorf("private CheckHost(%q) = %v, want allowed=%v", tt.host, err, tt.privateOK)
		}
	}
	for _, host := range []string{"metadata.google.internal", "metadata.goog", "169.254.169.254"} {
		if err := metadataAllowed.CheckHost(host); err != nil {
			t.Errorf("CheckHost(%q) with the metadata address allowed = %v, want nil", host, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	public := guard(t, ModePublic, nil, nil)
	private := guard(t, ModePrivate, nil, []string{"10.0.0.0/8"})
	tests := []struct {
		err  error
		want string
	}{
		{public.Check(netip.MustParseAddr("127.0.0.1")),
			"egress policy refused 127.0.0.1: loopback address (EGRESS_POLICY=public)"},
		{public.Check(netip.MustParseAddr("::ffff:127.0.0.1")),
			"egress policy refused ::ffff:127.0.0.1 (127.0.0.1): loopback address (EGRESS_POLICY=public)"},
		{public.CheckHost("0x7f.1"),
			"egress policy refused 0x7f.1 (127.0.0.1): loopback address (EGRESS_POLICY=public)"},
		{public.Check(netip.MustParseAddr("64:ff9b::7f00:1")),
			"egress policy refused 64:ff9b::7f00:1: NAT64 form of loopback address 127.0.0.1 (EGRESS_POLICY=public)"},
		{private.Check(netip.MustParseAddr("169.254.169.254")),
			"egress policy refused 169.254.169.254: cloud metadata address (refused under every EGRESS_POLICY unless in EGRESS_ALLOW_CIDRS)"},
		{private.CheckHost("metadata.google.internal"),
			"egress policy refused metadata.google.internal (169.254.169.254): cloud metadata address (refused under every EGRESS_POLICY unless in EGRESS_ALLOW_CIDRS)"},
		{private.Check(netip.MustParseAddr("255.255.255.255")),
			"egress policy refused 255.255.255.255: broadcast address (EGRESS_POLICY=private)"},
		{private.Check(netip.MustParseAddr("10.0.0.5")),
			"egress policy refused 10.0.0.5: denied address (EGRESS_DENY_CIDRS contains 10.0.0.0/8)"},
		{public.CheckHost("exa mple.com"),
			`egress policy refused "exa mple.com": not an IP address or a valid host name (international names go in their xn-- form)`},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("error = %v\nwant    %s", tt.err, tt.want)
		}
	}
}

// FuzzCheckHost: CheckHost never panics, and whatever a resolver would read as a loopback,
// private, link-local, unspecified or multicast address is refused under the public policy.
// The reference reading is independent of parseLiteral: netip for IPv6 and dotted quads,
// strconv's base prefixes (0x, 0) for the inet_aton forms.
func FuzzCheckHost(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.1", "0x7f.1", "2130706433", "017700000001",
		"[::ffff:127.0.0.1]", "::1", "fe80::1%eth0", "10.0.0.1", "0xa.0.0.1", "example.com",
		"metadata.google.internal", "1.2.3.4.5", "0x", "93.184.216.34", "[::]", "localhost"} {
		f.Add(s)
	}
	g := guard(f, ModePublic, nil, nil)
	f.Fuzz(func(t *testing.T, host string) {
		err := g.CheckHost(host)
		if err != nil && !refused(err) {
			t.Fatalf("CheckHost(%q) = %v, not a refusal", host, err)
		}
		ip, ok := referenceLiteral(host)
		if !ok {
			return
		}
		if got, ok := parseLiteral(host); !ok || got.WithZone("") != ip.WithZone("") {
			t.Fatalf("parseLiteral(%q) = %s, %v; a resolver reads %s", host, got, ok, ip)
		}
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
			ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
			if err == nil {
				t.Fatalf("CheckHost(%q) allowed %s under the public policy", host, ip)
			}
		}
	})
}

// referenceLiteral reads host as resolvers do, by other means than parseLiteral.
func referenceLiteral(host string) (netip.Addr, bool) {
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") && len(host) >= 2 {
		host = host[1 : len(host)-1]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		// strconv's base 0 also takes 0b, 0o and underscores, which inet_aton does not.
		if strings.ContainsAny(p, "_+-") || len(p) > 1 && strings.ContainsAny(p[1:2], "bBoO") {
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			v |= n << (8 * (3 - i))
		} else {
			if n >= 1<<(8*(5-len(parts))) {
				return netip.Addr{}, false
			}
			v |= n
		}
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

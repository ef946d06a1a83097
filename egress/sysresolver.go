package egress

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"
)

// The host's own DNS resolver belongs to the operator, not to a tenant (SPEC §12): it is
// wherever the host's resolv.conf says — Docker's 127.0.0.11, systemd-resolved's
// 127.0.0.53, GCP's 169.254.169.254 — and the policy would refuse each of those. So the
// connections to it are not judged by the policy: the Guard's own name lookups, and DNS
// checks that name no resolver of their own (DialSystemResolver). A resolver a tenant
// names is a tenant target like any other and goes through DialContext; the addresses a
// lookup answers are judged as always.

const (
	// resolvConfPath is where the host's resolver is configured.
	resolvConfPath = "/etc/resolv.conf"
	// resolvConfRecheck is how often the file is looked at again, as Go's resolver does,
	// so a resolver changed by DHCP or a VPN is followed without a restart.
	resolvConfRecheck = 5 * time.Second
	// maxNameservers is how many nameserver lines count, as for Go's resolver and glibc.
	maxNameservers = 3
)

// defaultNameservers are used when resolv.conf names none or cannot be read, as Go's
// resolver does.
var defaultNameservers = []netip.AddrPort{
	netip.MustParseAddrPort("127.0.0.1:53"),
	netip.MustParseAddrPort("[::1]:53"),
}

// WithSystemResolver makes servers the host's resolver instead of the nameservers of
// /etc/resolv.conf: the Guard's lookups and DialSystemResolver use the first of them.
// Tests point it at a DNS server on loopback; no address, no change.
func WithSystemResolver(servers ...netip.AddrPort) Option {
	return func(g *Guard) {
		if len(servers) > 0 {
			g.system = &systemResolvers{fixed: append([]netip.AddrPort(nil), servers...)}
		}
	}
}

// DialSystemResolver connects over network ("udp" or "tcp") to the host's own resolver,
// the first nameserver of /etc/resolv.conf (or of WithSystemResolver), without judging it
// by the policy: it is the operator's, never a tenant's choice. DNS checks without a
// resolver option query it.
func (g *Guard) DialSystemResolver(ctx context.Context, network string) (net.Conn, error) {
	if network != "udp" && network != "tcp" {
		return nil, &RefusedError{Target: network, Reason: "network not allowed for the system resolver (only udp and tcp)"}
	}
	return g.dialNameserver(ctx, network, g.system.first().String())
}

// dialNameserver is the Dial of the Guard's net.Resolver: Go's resolver hands it the
// nameserver it picked from /etc/resolv.conf. It connects with a plain dialer, not
// through DialContext or the Control hook, which would refuse a loopback resolver under
// the public policy and break every name. A configured system resolver replaces the
// resolver's pick, so tests can stand in for the host's resolver.
func (g *Guard) dialNameserver(ctx context.Context, network, address string) (net.Conn, error) {
	if g.system.fixed != nil {
		address = g.system.first().String()
	}
	d := net.Dialer{Timeout: g.timeout}
	return d.DialContext(ctx, network, address)
}

// systemResolvers is the host's resolver list: fixed, or read from a resolv.conf file
// and read again when the file changes (looked at no more than every resolvConfRecheck).
type systemResolvers struct {
	fixed []netip.AddrPort // WithSystemResolver; nil: read path
	path  string

	mu      sync.Mutex
	checked time.Time // when path was last looked at
	modTime time.Time // of the file as last read
	servers []netip.AddrPort
}

// first returns the first nameserver.
func (s *systemResolvers) first() netip.AddrPort {
	if s.fixed != nil {
		return s.fixed[0]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); s.servers == nil || now.Sub(s.checked) >= resolvConfRecheck {
		s.checked = now
		fi, err := os.Stat(s.path)
		if s.servers == nil || err != nil || !fi.ModTime().Equal(s.modTime) {
			if err == nil {
				s.modTime = fi.ModTime()
			}
			s.servers = readResolvConf(s.path)
		}
	}
	return s.servers[0]
}

// readResolvConf returns the nameservers of a resolv.conf file the way Go's resolver reads
// them: "nameserver <IP address>" lines, at most three, port 53; lines starting with # or
// ; are comments. None, or no readable file, gives 127.0.0.1 and ::1 as for Go.
func readResolvConf(path string) []netip.AddrPort {
	f, err := os.Open(path)
	if err != nil {
		return defaultNameservers
	}
	defer f.Close()
	var servers []netip.AddrPort
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(servers) < maxNameservers {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "nameserver" {
			continue
		}
		if ip, err := netip.ParseAddr(fields[1]); err == nil {
			servers = append(servers, netip.AddrPortFrom(ip, 53))
		}
	}
	if len(servers) == 0 {
		return defaultNameservers
	}
	return servers
}

package egress

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestReadResolvConf(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ap := netip.MustParseAddrPort
	cases := []struct {
		path string
		want []netip.AddrPort
	}{
		{write("docker", "# comment\n; other comment\nsearch lan\nnameserver 127.0.0.11\noptions ndots:0\n"), []netip.AddrPort{ap("127.0.0.11:53")}},
		{write("resolved", "nameserver 127.0.0.53\nnameserver\tfd00::53\n"), []netip.AddrPort{ap("127.0.0.53:53"), ap("[fd00::53]:53")}},
		{write("gcp", "domain c.project.internal\nnameserver 169.254.169.254\n"), []netip.AddrPort{ap("169.254.169.254:53")}},
		{write("four", "nameserver 10.0.0.1\nnameserver bogus\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n"),
			[]netip.AddrPort{ap("10.0.0.1:53"), ap("10.0.0.2:53"), ap("10.0.0.3:53")}},
		{write("zone", "nameserver fe80::1%eth0\n"), []netip.AddrPort{ap("[fe80::1%eth0]:53")}},
		{write("none", "search lan\n"), defaultNameservers},
		{filepath.Join(dir, "missing"), defaultNameservers},
	}
	for _, c := range cases {
		if got := readResolvConf(c.path); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", filepath.Base(c.path), got, c.want)
		}
	}
}

// TestSystemResolverFollowsResolvConf: a changed file is read again (no sooner than the
// recheck interval, which the test skips by forgetting when it last looked).
func TestSystemResolverFollowsResolvConf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(p, []byte("nameserver 127.0.0.53\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &systemResolvers{path: p}
	if got := s.first(); got != netip.MustParseAddrPort("127.0.0.53:53") {
		t.Fatalf("first = %s", got)
	}
	if err := os.WriteFile(p, []byte("nameserver 127.0.0.11\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if got := s.first(); got != netip.MustParseAddrPort("127.0.0.53:53") {
		t.Fatalf("read again within %s: %s", resolvConfRecheck, got)
	}
	s.mu.Lock()
	s.checked = time.Time{}
	s.mu.Unlock()
	if got := s.first(); got != netip.MustParseAddrPort("127.0.0.11:53") {
		t.Fatalf("after the change: %s, want 127.0.0.11:53", got)
	}
}

// TestSystemResolverExemptFromPolicy: the host's resolver on loopback, under the public
// policy and even inside EGRESS_DENY_CIDRS, is reached by the Guard's own lookups and by
// DialSystemResolver (a DNS check without a resolver), while the same address given as a
// tenant target is refused, and the answers of a lookup are judged as always.
func TestSystemResolverExemptFromPolicy(t *testing.T) {
	dns := startDNS(t, map[string][][]netip.Addr{"public.test": one(publicAddr), "local.test": one(loopback4)})
	sys := netip.MustParseAddrPort(dns.pc.LocalAddr().String())
	g := guard(t, ModePublic, nil, []string{"127.0.0.0/8"}, WithSystemResolver(sys))
	var mu sync.Mutex
	var dialled []string
	g.dial = func(_ context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		dialled = append(dialled, address)
		mu.Unlock()
		// A stand-in connection: nothing leaves the machine for the public address.
		c1, c2 := net.Pipe()
		c2.Close()
		return c1, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	// A DNS check without a resolver: its queries reach the host's resolver.
	viaSystem := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return g.DialSystemResolver(ctx, network)
	}}
	if ips, err := viaSystem.LookupNetIP(ctx, "ip4", "public.test"); err != nil || !slices.Equal(ips, []netip.Addr{publicAddr}) {
		t.Errorf("query through DialSystemResolver = %v, %v", ips, err)
	}
	if _, err := g.DialSystemResolver(ctx, "unix"); !refused(err) {
		t.Errorf("DialSystemResolver(unix) = %v, want a refusal", err)
	}
	// The same address as a tenant's resolver option is a tenant target: refused.
	for _, network := range []string{"udp", "tcp"} {
		if _, err := g.DialContext(ctx, network, sys.String()); !refused(err) {
			t.Errorf("tenant-given resolver %s %s = %v, want a refusal", network, sys, err)
		}
	}
	// Every hostname check resolves through the host's resolver, not refused for being on
	// loopback; its answers are still judged.
	if conn, err := g.DialContext(ctx, "tcp", "public.test:443"); err != nil {
		t.Errorf("dial public.test through a loopback system resolver: %v", err)
	} else {
		conn.Close()
	}
	if ip, err := g.ResolveIP(ctx, "public.test"); err != nil || ip != publicAddr {
		t.Errorf("ResolveIP(public.test) = %s, %v", ip, err)
	}
	if _, err := g.DialContext(ctx, "tcp", "local.test:80"); !refused(err) {
		t.Errorf("a name answering 127.0.0.1 = %v, want a refusal", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"93.184.216.34:443"}; !slices.Equal(dialled, want) {
		t.Errorf("guarded dials %v, want only %v", dialled, want)
	}
}

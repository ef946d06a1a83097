package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var (
	loopback4   = netip.MustParseAddr("127.0.0.1")
	loopback4b  = netip.MustParseAddr("127.0.0.2")
	publicAddr  = netip.MustParseAddr("93.184.216.34")
	one         = func(a ...netip.Addr) [][]netip.Addr { return [][]netip.Addr{a} }
	testTimeout = 5 * time.Second
	itoa        = strconv.Itoa
)

// okServer is an HTTP server on 127.0.0.1 that answers "ok" and counts requests.
func okServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

// get fetches u through g's transport and returns the body.
func get(t *testing.T, g *Guard, u string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	client := &http.Client{Transport: g.Transport(false), CheckRedirect: g.CheckRedirect(5)}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// noDial makes any dial past the checks fail the test.
func noDial(t *testing.T) func(context.Context, string, string) (net.Conn, error) {
	return func(_ context.Context, network, address string) (net.Conn, error) {
		t.Errorf("dialled %s %s; it should have been refused before", network, address)
		return nil, errors.New("unexpected dial")
	}
}

func TestDialLiteralsRefused(t *testing.T) {
	g := guard(t, ModePublic, nil, nil)
	g.dial = noDial(t)
	for _, addr := range []string{"127.0.0.1:80", "127.1:80", "0x7f.1:80", "2130706433:80", "017700000001:80",
		"[::ffff:127.0.0.1]:80", "[::1]:80", "[fe80::1%eth0]:80", "10.0.0.1:80", "[64:ff9b::7f00:1]:80",
		"169.254.169.254:80", "metadata.google.internal:80", "localhost:80", "1.2.3.4.5:80"} {
		for _, network := range []string{"tcp", "udp"} {
			if _, err := g.DialContext(context.Background(), network, addr); !refused(err) {
				t.Errorf("DialContext(%s, %s) = %v, want a refusal", network, addr, err)
			}
		}
	}
	for _, network := range []string{"unix", "ip4:icmp", "tcp7", ""} {
		if _, err := g.DialContext(context.Background(), network, "93.184.216.34:80"); !refused(err) {
			t.Errorf("DialContext(%q) = %v, want a refusal", network, err)
		}
	}
	if _, err := g.DialContext(context.Background(), "tcp", "93.184.216.34:http"); err == nil || refused(err) {
		t.Errorf("a service-name port = %v, want a plain error", err)
	}
}

// TestDialName: a name answering 127.0.0.1 is refused under public and reaches the
// server under private, where the socket connects to the checked literal, not the name.
func TestDialName(t *testing.T) {
	srv, hits := okServer(t)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	dns := startDNS(t, map[string][][]netip.Addr{"local.test": one(loopback4)})
	u := "http://local.test:" + itoa(port) + "/"

	public := guard(t, ModePublic, nil, nil, WithResolver(dns.resolver()))
	if _, err := get(t, public, u); !refused(err) {
		t.Fatalf("public GET %s = %v, want a refusal", u, err)
	}
	if hits.Load() != 0 {
		t.Fatal("the server was reached under the public policy")
	}

	private := guard(t, ModePrivate, nil, nil, WithResolver(dns.resolver()))
	var connected []string
	var mu sync.Mutex
	d := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		mu.Lock()
		connected = append(connected, address)
		mu.Unlock()
		return private.control(network, address, c)
	}}
	private.dial = d.DialContext
	if body, err := get(t, private, u); err != nil || body != "ok" {
		t.Fatalf("private GET %s = %q, %v", u, body, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"127.0.0.1:" + itoa(port)}; !slices.Equal(connected, want) {
		t.Errorf("sockets connected to %v, want %v", connected, want)
	}
}

// TestDialRebinding: a name answering a public address first and 127.0.0.1 next. The
// first dial goes to the public literal it checked (faked here, so nothing leaves the
// machine), the second is refused; each dial asks DNS exactly once.
func TestDialRebinding(t *testing.T) {
	srv, hits := okServer(t)
	port := itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	dns := startDNS(t, map[string][][]netip.Addr{"rebind.test": {{publicAddr}, {loopback4}}})
	g := guard(t, ModePublic, nil, nil, WithResolver(dns.resolver()))
	var mu sync.Mutex
	var dialled []string
	g.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		dialled = append(dialled, address)
		mu.Unlock()
		// Stand in for 93.184.216.34 with the local server.
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	u := "http://rebind.test:" + port + "/"
	if body, err := get(t, g, u); err != nil || body != "ok" {
		t.Fatalf("first GET = %q, %v", body, err)
	}
	g.Transport(false).CloseIdleConnections() // force a second dial
	if _, err := get(t, g, u); !refused(err) {
		t.Fatalf("second GET after rebinding to 127.0.0.1 = %v, want a refusal", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"93.184.216.34:" + port}; !slices.Equal(dialled, want) {
		t.Errorf("dialled %v, want only the checked literal %v", dialled, want)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("server hits = %d, want 1 (the first request only)", n)
	}
	if n := dns.count("rebind.test", "A"); n != 2 {
		t.Errorf("A queries = %d, want 2: one per dial, none between check and connect", n)
	}
}

// TestDialMixedAnswers: refused answers are skipped and an allowed one is used.
func TestDialMixedAnswers(t *testing.T) {
	srv, _ := okServer(t)
	port := itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	dns := startDNS(t, map[string][][]netip.Addr{"mixed.test": one(loopback4b, loopback4)})
	g := guard(t, ModePublic, []string{"127.0.0.1/32"}, nil, WithResolver(dns.resolver()))
	if body, err := get(t, g, "http://mixed.test:"+port+"/"); err != nil || body != "ok" {
		t.Fatalf("GET = %q, %v", body, err)
	}
	ip, err := g.ResolveIP(context.Background(), "mixed.test")
	if err != nil || ip != loopback4 {
		t.Errorf("ResolveIP(mixed.test) = %s, %v, want 127.0.0.1", ip, err)
	}
}

func TestControlRechecks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// Dial the raw address through the same net.Dialer New builds, skipping DialContext's
	// own checks, to show the Control hook refuses on its own.
	g := guard(t, ModePublic, nil, nil)
	d := &net.Dialer{Control: g.control}
	if _, err := d.Dial("tcp", ln.Addr().String()); !refused(err) {
		t.Errorf("Control let a public-policy dial reach %s: %v", ln.Addr(), err)
	}
	d.Control = guard(t, ModePrivate, nil, nil).control
	conn, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("Control refused under private: %v", err)
	}
	conn.Close()
}

func TestResolveIP(t *testing.T) {
	dns := startDNS(t, map[string][][]netip.Addr{"local.test": one(loopback4), "v6.test": one(netip.IPv6Loopback())})
	public := guard(t, ModePublic, nil, nil, WithResolver(dns.resolver()))
	private := guard(t, ModePrivate, nil, nil, WithResolver(dns.resolver()))
	ctx := context.Background()

	if _, err := public.ResolveIP(ctx, "local.test"); !refused(err) {
		t.Errorf("public ResolveIP(local.test) = %v, want a refusal", err)
	}
	for host, want := range map[string]netip.Addr{"local.test": loopback4, "0x7f.1": loopback4,
		"v6.test": netip.IPv6Loopback(), "[::1]": netip.IPv6Loopback()} {
		if ip, err := private.ResolveIP(ctx, host); err != nil || ip != want {
			t.Errorf("private ResolveIP(%s) = %s, %v, want %s", host, ip, err, want)
		}
	}
	var dnsErr *net.DNSError
	if _, err := private.ResolveIP(ctx, "missing.test"); !errors.As(err, &dnsErr) || refused(err) {
		t.Errorf("ResolveIP(missing.test) = %v, want a *net.DNSError that is not a refusal", err)
	}
	// Names refused by name, or not valid names at all, never reach the resolver.
	for _, host := range []string{"metadata.google.internal", "1.2.3.4.5", "exa mple.com"} {
		if _, err := private.ResolveIP(ctx, host); !refused(err) {
			t.Errorf("ResolveIP(%q) = %v, want a refusal", host, err)
		}
		if n := dns.count(host, "A") + dns.count(host, "AAAA"); n != 0 {
			t.Errorf("%q reached the resolver (%d queries)", host, n)
		}
	}
}

// TestRefusalThroughHTTPClient: a refusal survives the wrapping of http.Client and
// url.Error, so probes can tell it from an outage.
func TestRefusalThroughHTTPClient(t *testing.T) {
	_, err := get(t, guard(t, ModePublic, nil, nil), "http://127.1:9/")
	var uerr *url.Error
	if !errors.As(err, &uerr) || !refused(err) {
		t.Fatalf("GET = %#v, want a *url.Error wrapping a refusal", err)
	}
}

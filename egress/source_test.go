package egress

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// PROBE_SOURCE_ADDR: TCP (and so HTTP) and UDP connections leave from the source address;
// the server on 127.0.0.1 sees 127.0.0.2 as the peer.
func TestSourceAddrBindsTCPAndUDP(t *testing.T) {
	g := New(Policy{Mode: ModePrivate}, WithSourceAddr(loopback4b))
	if g.SourceAddr() != loopback4b {
		t.Fatalf("SourceAddr = %v", g.SourceAddr())
	}
	peers := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peers <- r.RemoteAddr
	}))
	defer srv.Close()
	if _, err := get(t, g, srv.URL); err != nil {
		t.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(<-peers); host != "127.0.0.2" {
		t.Errorf("HTTP peer = %s, want 127.0.0.2", host)
	}

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	conn, err := g.DialContext(ctx, "udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	_, from, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := from.(*net.UDPAddr).IP.String(); got != "127.0.0.2" {
		t.Errorf("UDP peer = %s, want 127.0.0.2", got)
	}
}

// A socket bound to an IPv4 address cannot reach an IPv6 one: the Guard says so instead
// of letting the kernel fail with a puzzling error, and ResolveIP answers IPv4 only.
func TestSourceAddrKeepsItsFamily(t *testing.T) {
	g := New(Policy{Mode: ModePrivate}, WithSourceAddr(loopback4b))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	_, err := g.DialContext(ctx, "tcp", "[::1]:80")
	var ae *net.AddrError
	if !errors.As(err, &ae) {
		t.Fatalf("dial [::1] from 127.0.0.2: %v, want an address error", err)
	}
	if _, err := g.DialContext(ctx, "tcp6", "127.0.0.1:80"); !errors.As(err, &ae) {
		t.Fatalf("tcp6 from 127.0.0.2: %v, want an address error", err)
	}
	if ip, err := g.ResolveIP(ctx, "127.0.0.1"); err != nil || ip != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("ResolveIP = %v, %v", ip, err)
	}
	if _, err := g.ResolveIP(ctx, "::1"); err == nil {
		t.Fatal("ResolveIP(::1) with an IPv4 source succeeded")
	}
	// Without a source nothing changes.
	if New(Policy{Mode: ModePrivate}).SourceAddr().IsValid() {
		t.Fatal("a Guard without WithSourceAddr has a source address")
	}
}

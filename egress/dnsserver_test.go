package egress

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// dnsServer is a tiny authoritative DNS responder on 127.0.0.1 speaking raw UDP packets.
// Each name has a list of answer sets: the n-th query of a type gets the n-th set (the
// last one repeats), which is how a rebinding name changes its answer between lookups.
type dnsServer struct {
	pc      net.PacketConn
	mu      sync.Mutex
	zone    map[string][][]netip.Addr // lower-case FQDN → answer sets
	queries map[string]int            // "name type" → queries seen
}

const (
	dnsTypeA    = 1
	dnsTypeAAAA = 28
)

// startDNS serves zone (names without trailing dot) until the test ends.
func startDNS(t *testing.T, zone map[string][][]netip.Addr) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{pc: pc, zone: map[string][][]netip.Addr{}, queries: map[string]int{}}
	for name, sets := range zone {
		s.zone[strings.ToLower(name)+"."] = sets
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return // closed at cleanup
			}
			if resp := s.answer(buf[:n]); resp != nil {
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	t.Cleanup(func() { _ = pc.Close(); <-done })
	return s
}

// resolver is a Go resolver that asks only this server.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.pc.LocalAddr().String())
	}}
}

// count is how many queries of qtype ("A" or "AAAA") name has had.
func (s *dnsServer) count(name, qtype string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[strings.ToLower(name)+". "+qtype]
}

// answer builds the response to one query packet, or nil for garbage.
func (s *dnsServer) answer(q []byte) []byte {
	name, qtype, end, err := parseQuestion(q)
	if err != nil {
		return nil
	}
	typeName := map[uint16]string{dnsTypeA: "A", dnsTypeAAAA: "AAAA"}[qtype]

	s.mu.Lock()
	sets, known := s.zone[name]
	n := s.queries[name+" "+typeName]
	s.queries[name+" "+typeName]++
	s.mu.Unlock()

	var addrs []netip.Addr
	if known && len(sets) > 0 {
		for _, a := range sets[min(n, len(sets)-1)] {
			if (qtype == dnsTypeA && a.Is4()) || (qtype == dnsTypeAAAA && a.Is6()) {
				addrs = append(addrs, a)
			}
		}
	}
	rcode := uint16(0)
	if !known {
		rcode = 3 // NXDOMAIN
	}
	// Header: same ID; QR, AA and RA set, RD echoed; one question, the answers, no
	// authority or additional records (the query's EDNS0 record is not echoed).
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	binary.BigEndian.PutUint16(resp[2:], 0x8000|0x0400|0x0080|uint16(q[2]&1)<<8|rcode)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(addrs)))
	resp = append(resp, q[12:end]...)
	for _, a := range addrs {
		rdata := a.AsSlice()
		resp = append(resp, 0xc0, 12) // name: pointer to the question's name
		resp = binary.BigEndian.AppendUint16(resp, qtype)
		resp = binary.BigEndian.AppendUint16(resp, 1) // class IN
		resp = binary.BigEndian.AppendUint32(resp, 0) // TTL 0: nothing may cache it
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
	}
	return resp
}

// parseQuestion reads the first question: its lower-case name with trailing dot, its
// type, and the offset just past it.
func parseQuestion(q []byte) (name string, qtype uint16, end int, err error) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return "", 0, 0, errors.New("not one question")
	}
	var labels []string
	off := 12
	for {
		if off >= len(q) {
			return "", 0, 0, errors.New("short name")
		}
		l := int(q[off])
		off++
		if l == 0 {
			break
		}
		if l&0xc0 != 0 || off+l > len(q) {
			return "", 0, 0, errors.New("bad label")
		}
		labels = append(labels, string(q[off:off+l]))
		off += l
	}
	if off+4 > len(q) {
		return "", 0, 0, errors.New("short question")
	}
	return strings.ToLower(strings.Join(labels, ".")) + ".", binary.BigEndian.Uint16(q[off:]), off + 4, nil
}

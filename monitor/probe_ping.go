package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// icmpUnavailable is the result when this host can open no ICMP socket
// (SPEC §3.7); it is Internal: the appliance's setup, not the target.
const icmpUnavailable = "ICMP unavailable: set net.ipv4.ping_group_range or grant CAP_NET_RAW"

// DetectICMP reports how this process may send ICMP echo requests: "udp"
// when unprivileged datagram ICMP sockets are allowed (our group is within
// net.ipv4.ping_group_range), "ip" when raw sockets are (CAP_NET_RAW), ""
// when neither is. It opens and closes one socket of each kind in turn and
// sends nothing. The engine calls it once at start-up and keeps the answer
// in Env.ICMP.
func DetectICMP() string {
	for _, mode := range []string{"udp", "ip"} {
		if c, err := icmp.ListenPacket(icmpNetwork(mode, false), "0.0.0.0"); err == nil {
			_ = c.Close()
			return mode
		}
	}
	return ""
}

// icmpNetwork is the icmp.ListenPacket network of a mode and address family.
func icmpNetwork(mode string, v6 bool) string {
	switch {
	case mode == "udp" && v6:
		return "udp6"
	case mode == "udp":
		return "udp4"
	case v6:
		return "ip6:ipv6-icmp"
	}
	return "ip4:icmp"
}

// probePing sends options.count echo requests (default 1), one after the
// other, each waiting its share of the time left. It passes when at least one
// reply came back; the response time is the average round trip.
func probePing(ctx context.Context, env *Env, t *Target) Result {
	return pingCheck(ctx, env, t, func(network, address string) (net.PacketConn, error) {
		return icmp.ListenPacket(network, address)
	})
}

// pingCheck is probePing with the ICMP socket opened by listen, so tests can
// lose replies on purpose: no loopback address ever leaves a ping unanswered.
func pingCheck(ctx context.Context, env *Env, t *Target, listen func(network, address string) (net.PacketConn, error)) Result {
	var opts struct {
		Count int `json:"count"`
	}
	_ = json.Unmarshal(t.Options, &opts) // validated by the API (1–10)
	count := min(max(opts.Count, 1), 10)
	start := env.Now()
	host := strings.TrimSuffix(strings.TrimPrefix(t.Endpoint, "["), "]")
	addr, err := env.ResolveIP(ctx, host)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	addr = addr.Unmap()
	if env.ICMP == "" {
		r := failed(start, env.Now(), icmpUnavailable)
		r.Internal, r.Resolved = true, true
		return r
	}
	laddr := "0.0.0.0"
	switch {
	case env.SourceAddr.IsValid():
		// PROBE_SOURCE_ADDR: ResolveIP answered an address of its family.
		laddr = env.SourceAddr.String()
	case addr.Is6():
		laddr = "::"
	}
	conn, err := listen(icmpNetwork(env.ICMP, addr.Is6()), laddr)
	if err != nil {
		r := failed(start, env.Now(), "cannot open ICMP socket: "+err.Error())
		r.Internal, r.Resolved = true, true
		return r
	}
	defer conn.Close()
	p := newPinger(conn, addr, env.ICMP == "udp")
	rtts, sent, err := p.run(ctx, count)
	if len(rtts) == 0 {
		if err == nil && sent == 0 {
			err = ctx.Err() // out of time before the first request
		}
		if err != nil {
			r := failedErr(t, start, env.Now(), protoCtxErr(ctx, err))
			r.Resolved = true
			return r
		}
		r := failed(start, env.Now(), fmt.Sprintf("no echo reply from %s (%d sent)", addr, sent))
		r.Resolved = true
		return r
	}
	var sum time.Duration
	for _, d := range rtts {
		sum += d
	}
	return passed(t, start, start.Add(sum/time.Duration(len(rtts))))
}

// pinger sends echo requests on one socket and recognizes their replies: by
// sequence number, by the random payload, by the sender, and on raw sockets
// by ID too. A raw socket sees every ICMP packet the host receives, replies
// to other probes included; on a datagram socket the kernel replaces our ID
// with its own and delivers only that socket's replies.
type pinger struct {
	conn    net.PacketConn
	dst     net.Addr
	peer    netip.Addr
	proto   int       // 1 (ICMP) or 58 (ICMPv6), for icmp.ParseMessage
	request icmp.Type // echo request type of the family
	reply   icmp.Type // echo reply type of the family
	id      int
	matchID bool
	data    []byte
}

// newPinger prepares echo requests to addr over conn, a datagram ("udp")
// ICMP socket or a raw one.
func newPinger(conn net.PacketConn, addr netip.Addr, datagram bool) *pinger {
	p := &pinger{conn: conn, peer: addr, proto: 1, request: ipv4.ICMPTypeEcho, reply: ipv4.ICMPTypeEchoReply,
		id: rand.IntN(1 << 16), matchID: !datagram}
	if addr.Is6() {
		p.proto, p.request, p.reply = 58, ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply
	}
	ip := net.IP(addr.AsSlice())
	if datagram {
		p.dst = &net.UDPAddr{IP: ip, Zone: addr.Zone()}
	} else {
		p.dst = &net.IPAddr{IP: ip, Zone: addr.Zone()}
	}
	p.data = fmt.Appendf(nil, "AlertifyPro %016x", rand.Uint64())
	return p
}

// run sends up to count requests (fewer when ctx ends first) and returns the
// round trips of those answered. A lost reply is no error; err is a failure
// to send or receive at all.
func (p *pinger) run(ctx context.Context, count int) (rtts []time.Duration, sent int, err error) {
	stop := context.AfterFunc(ctx, func() { _ = p.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, 1500)
	for seq := 1; seq <= count && ctx.Err() == nil; seq++ {
		wait := time.Second
		if d, ok := ctx.Deadline(); ok {
			wait = time.Until(d) / time.Duration(count-seq+1)
		}
		msg := icmp.Message{Type: p.request, Body: &icmp.Echo{ID: p.id, Seq: seq, Data: p.data}}
		b, err := msg.Marshal(nil) // the kernel fills in the ICMPv6 checksum
		if err != nil {
			return rtts, sent, err
		}
		sentAt := time.Now()
		if _, err := p.conn.WriteTo(b, p.dst); err != nil {
			return rtts, sent, err
		}
		sent++
		if ctx.Err() == nil {
			_ = p.conn.SetReadDeadline(sentAt.Add(wait))
		}
		for {
			n, from, err := p.conn.ReadFrom(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break // lost; the next request gets the time left
			}
			if err != nil {
				return rtts, sent, err
			}
			if p.isReply(buf[:n], from, seq) {
				rtts = append(rtts, time.Since(sentAt))
				break
			}
		}
	}
	return rtts, sent, nil
}

// isReply reports whether b, received from from, answers request seq.
func (p *pinger) isReply(b []byte, from net.Addr, seq int) bool {
	var ip net.IP
	switch a := from.(type) {
	case *net.UDPAddr:
		ip = a.IP
	case *net.IPAddr:
		ip = a.IP
	}
	if got, ok := netip.AddrFromSlice(ip); !ok || got.Unmap() != p.peer.WithZone("") {
		return false
	}
	m, err := icmp.ParseMessage(p.proto, b)
	if err != nil || m.Type != p.reply {
		return false
	}
	echo, ok := m.Body.(*icmp.Echo)
	return ok && echo.Seq == seq && (!p.matchID || echo.ID == p.id) && bytes.Equal(echo.Data, p.data)
}

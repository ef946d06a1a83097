package monitor

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// TestProbePingLoopback pings 127.0.0.1 and ::1 for real, in every ICMP mode
// this process may use: raw sockets need CAP_NET_RAW (root has it), datagram
// sockets need our group inside net.ipv4.ping_group_range.
func TestProbePingLoopback(t *testing.T) {
	mode := DetectICMP()
	if mode == "" {
		t.Skip("no ICMP socket can be opened here (not root and net.ipv4.ping_group_range excludes our group): " +
			"real pings are not tested; TestPingLostReplies covers the logic")
	}
	modes := []string{mode}
	if mode == "udp" {
		if c, err := icmp.ListenPacket("ip4:icmp", "0.0.0.0"); err == nil {
			c.Close()
			modes = append(modes, "ip")
		}
	}
	for _, m := range modes {
		for _, host := range []string{"127.0.0.1", "::1", "[::1]"} {
			t.Run(m+" "+host, func(t *testing.T) {
				env := loopbackEnv(t)
				env.ICMP = m
				tgt := protoTarget("PING", host)
				tgt.Options = []byte(`{"count":3}`)
				// A round trip, not the wait for it: a probe that timed each request's
				// wait (its 10 s share of the timeout) reports 10 s; a loaded machine
				// stretches a loopback round trip to milliseconds, never seconds.
				tgt.Timeout = 30 * time.Second
				tgt.DegradedThreshold = 5 * time.Second
				r := protoRun(probePing, env, tgt)
				protoCheck(t, r, protoWant{status: StatusGreen})
				if r.ResponseTime <= 0 || r.ResponseTime > tgt.DegradedThreshold || !r.Resolved || !r.Connected {
					t.Errorf("result %+v: want a loopback round trip", r)
				}
			})
		}
	}
	// Raw sockets see every echo reply the host receives: concurrent probes
	// must each pick out their own.
	if c, err := icmp.ListenPacket("ip4:icmp", "0.0.0.0"); err == nil {
		c.Close()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				env := loopbackEnv(t)
				env.ICMP = "ip"
				tgt := protoTarget("PING", "127.0.0.1")
				tgt.Options = []byte(`{"count":3}`)
				tgt.Timeout, tgt.DegradedThreshold = 30*time.Second, 5*time.Second // GREEN on a loaded machine too
				protoCheck(t, protoRun(probePing, env, tgt), protoWant{status: StatusGreen})
			})
		}
		wg.Wait()
	}
	if mode == "ip" {
		t.Log("datagram ICMP sockets are not allowed here (net.ipv4.ping_group_range); tested raw sockets only")
	}
}

func TestProbePingUnavailable(t *testing.T) {
	env := loopbackEnv(t) // ICMP ""
	protoCheck(t, protoRun(probePing, env, protoTarget("PING", "127.0.0.1")),
		protoWant{status: StatusRed, err: "ICMP unavailable: set net.ipv4.ping_group_range or grant CAP_NET_RAW", internal: true})

	env = refusingEnv(t)
	env.ICMP = "ip"
	protoCheck(t, protoRun(probePing, env, protoTarget("PING", "10.0.0.1")),
		protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true})

	env = loopbackEnv(t)
	env.ICMP = "udp"
	r := pingCheck(t.Context(), env, protoTarget("PING", "127.0.0.1"), func(string, string) (net.PacketConn, error) {
		return nil, os.ErrPermission
	})
	protoCheck(t, r, protoWant{status: StatusRed, err: "cannot open ICMP socket: permission denied", internal: true})

	// Out of time before the first request: a timeout, not "0 sent".
	ctx, cancel := context.WithTimeout(t.Context(), -time.Second)
	defer cancel()
	r = pingCheck(ctx, env, protoTarget("PING", "127.0.0.1"), func(string, string) (net.PacketConn, error) {
		return &fakeICMPConn{datagram: true, reply: func(int) bool { return true }}, nil
	})
	protoCheck(t, r, protoWant{status: StatusRed, err: "timeout after 2s"})
}

// fakeICMPConn stands for an ICMP socket to 127.0.0.1 whose replies the test
// decides: for every request it queues decoys (another sequence number,
// another ID, another payload, another sender) and, when reply says so, the
// true reply. ReadFrom with nothing queued answers at once as though the read
// deadline had passed, and keeps the wait the probe gave that request: a lost
// reply costs no wall-clock time, so a loaded machine cannot run a test out of
// time between requests, and the test checks each request's share of the
// time from the deadlines themselves.
type fakeICMPConn struct {
	net.PacketConn // unused methods
	datagram       bool
	reply          func(seq int) bool
	lag            time.Duration // before the true reply arrives
	mu             sync.Mutex
	queue          []fakePacket
	deadline       time.Time
	sentAt         time.Time  // of the latest request
	seq            int        // of the latest request
	lost           []lostWait // one per lost reply
}

// lostWait is how long the probe waited for the reply to request seq: its read
// deadline after the request was sent.
type lostWait struct {
	seq  int
	wait time.Duration
}

type fakePacket struct {
	b    []byte
	from net.Addr
	at   time.Time // when it arrives
}

func (c *fakeICMPConn) addr(ip string) net.Addr {
	if c.datagram {
		return &net.UDPAddr{IP: net.ParseIP(ip)}
	}
	return &net.IPAddr{IP: net.ParseIP(ip)}
}

func (c *fakeICMPConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	m, err := icmp.ParseMessage(1, b)
	if err != nil {
		return 0, err
	}
	req := m.Body.(*icmp.Echo)
	echo := func(id, seq int, data []byte, from string) fakePacket {
		b, _ := (&icmp.Message{Type: ipv4.ICMPTypeEchoReply, Body: &icmp.Echo{ID: id, Seq: seq, Data: data}}).Marshal(nil)
		return fakePacket{b, c.addr(from), time.Now()}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sentAt, c.seq = time.Now(), req.Seq
	c.queue = append(c.queue,
		echo(req.ID, req.Seq+100, req.Data, "127.0.0.1"),
		echo(req.ID, req.Seq, []byte("someone else's"), "127.0.0.1"),
		echo(req.ID, req.Seq, req.Data, "127.0.0.2"))
	if !c.datagram { // a datagram socket gets only its own ID back
		c.queue = append(c.queue, echo(req.ID^1, req.Seq, req.Data, "127.0.0.1"))
	}
	if c.reply(req.Seq) {
		id := req.ID
		if c.datagram {
			id = 4242 // the kernel's ID, not ours
		}
		p := echo(id, req.Seq, req.Data, "127.0.0.1")
		p.at = p.at.Add(c.lag)
		c.queue = append(c.queue, p)
	}
	return len(b), nil
}

func (c *fakeICMPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	c.mu.Lock()
	if len(c.queue) > 0 {
		p := c.queue[0]
		c.queue = c.queue[1:]
		c.mu.Unlock()
		time.Sleep(time.Until(p.at))
		return copy(b, p.b), p.from, nil
	}
	c.lost = append(c.lost, lostWait{c.seq, c.deadline.Sub(c.sentAt)})
	c.mu.Unlock()
	return 0, nil, os.ErrDeadlineExceeded
}

func (c *fakeICMPConn) SetReadDeadline(d time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deadline = d
	return nil
}

func (c *fakeICMPConn) Close() error { return nil }

// TestPingLostReplies drives the probe over fake sockets that lose replies:
// no loopback target can be made to stay silent. A lost reply costs no time
// (the fake answers "deadline passed" at once), so the timeout is one no
// loaded machine reaches between requests, and each lost request's share of
// it is checked from the read deadline the probe set.
func TestPingLostReplies(t *testing.T) {
	cases := []struct {
		name     string
		datagram bool
		reply    func(seq int) bool
		lag      time.Duration
		want     protoWant
		lost     []int // the requests whose replies are lost
	}{
		{"all lost, decoys ignored", false, func(int) bool { return false }, 0,
			protoWant{status: StatusRed, err: "no echo reply from 127.0.0.1 (3 sent)"}, []int{1, 2, 3}},
		{"all lost, datagram socket", true, func(int) bool { return false }, 0,
			protoWant{status: StatusRed, err: "no echo reply from 127.0.0.1 (3 sent)"}, []int{1, 2, 3}},
		{"one of three answered", false, func(seq int) bool { return seq == 2 }, 0, protoWant{status: StatusGreen}, []int{1, 3}},
		{"datagram socket, kernel's ID", true, func(int) bool { return true }, 0, protoWant{status: StatusGreen}, nil},
		{"slow replies are YELLOW", false, func(int) bool { return true }, 60 * time.Millisecond,
			protoWant{status: StatusYellow}, nil},
	}
	const timeout = 30 * time.Second
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			env.ICMP = "ip"
			if c.datagram {
				env.ICMP = "udp"
			}
			tgt := protoTargetFor("PING", "127.0.0.1", c.want)
			tgt.Timeout = timeout
			count := 3
			if c.lag > 0 {
				count = 2
			}
			tgt.Options = fmt.Appendf(nil, `{"count":%d}`, count)
			conn := &fakeICMPConn{datagram: c.datagram, reply: c.reply, lag: c.lag}
			var network string
			r := protoRun(func(ctx context.Context, env *Env, t *Target) Result {
				return pingCheck(ctx, env, t, func(n, _ string) (net.PacketConn, error) { network = n; return conn, nil })
			}, env, tgt)
			protoCheck(t, r, c.want)
			if want := map[bool]string{true: "udp4", false: "ip4:icmp"}[c.datagram]; network != want {
				t.Errorf("socket %q, want %q", network, want)
			}
			if r.Status == StatusRed && (!r.Resolved || r.Connected) {
				t.Errorf("resolved %v connected %v, want true false", r.Resolved, r.Connected)
			}
			// Each request waits its share of the time left: with k requests to go
			// (itself included) at most timeout/k, as the time left is at most the
			// timeout, and at least half of that, as nothing here takes the other half.
			// The last request so waits out the rest, the first leaves time for the others.
			if len(conn.lost) != len(c.lost) {
				t.Fatalf("lost replies %+v, want requests %v", conn.lost, c.lost)
			}
			for i, l := range conn.lost {
				share := timeout / time.Duration(count-l.seq+1)
				if l.seq != c.lost[i] || l.wait > share || l.wait < share/2 {
					t.Errorf("request %d waited %v for its reply; want request %d, between %v and %v",
						l.seq, l.wait, c.lost[i], share/2, share)
				}
			}
		})
	}
}

// With PROBE_SOURCE_ADDR the ICMP socket is bound to it, as every other check's socket is
// (the egress guard binds those).
func TestPingBindsTheSourceAddress(t *testing.T) {
	env := loopbackEnv(t)
	env.ICMP = "ip"
	env.SourceAddr = netip.MustParseAddr("127.0.0.2")
	tgt := protoTargetFor("PING", "127.0.0.1", protoWant{status: StatusGreen})
	tgt.Timeout = time.Second
	conn := &fakeICMPConn{reply: func(int) bool { return true }}
	var bound string
	r := protoRun(func(ctx context.Context, env *Env, t *Target) Result {
		return pingCheck(ctx, env, t, func(_, address string) (net.PacketConn, error) { bound = address; return conn, nil })
	}, env, tgt)
	protoCheck(t, r, protoWant{status: StatusGreen})
	if bound != "127.0.0.2" {
		t.Errorf("ICMP socket bound to %q, want 127.0.0.2", bound)
	}
}

package monitor

import (
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/alertifypro/alertifypro/egress"
)

// dnsTestZone answers like an authoritative server for *.test: records from
// a table, NXDOMAIN for unknown names, SERVFAIL for servfail.test, a slow
// answer for slow.test, and for big.test a truncated UDP answer (the full one
// only over TCP). tcpQueries counts queries that came over TCP.
type dnsTestZone struct {
	records    map[string][]dns.RR // by lower-case owner name
	tcpQueries atomic.Int32
}

func newDNSTestZone(t *testing.T, rrs ...string) *dnsTestZone {
	z := &dnsTestZone{records: map[string][]dns.RR{}}
	for _, s := range rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.ToLower(rr.Header().Name)
		z.records[name] = append(z.records[name], rr)
	}
	return z
}

func (z *dnsTestZone) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	qn, qt := strings.ToLower(q.Question[0].Name), q.Question[0].Qtype
	tcp := w.RemoteAddr().Network() == "tcp"
	if tcp {
		z.tcpQueries.Add(1)
	}
	switch {
	case qn == "servfail.test.":
		m.Rcode = dns.RcodeServerFailure
	case qn == "slow.test.":
		time.Sleep(80 * time.Millisecond)
		fallthrough
	default:
		rrs, ok := z.records[qn]
		if !ok {
			m.Rcode = dns.RcodeNameError
		}
		for _, rr := range rrs {
			// Follow a CNAME as a recursive resolver would.
			if c, isCNAME := rr.(*dns.CNAME); isCNAME && qt != dns.TypeCNAME {
				m.Answer = append(m.Answer, rr)
				for _, rr2 := range z.records[c.Target] {
					if rr2.Header().Rrtype == qt {
						m.Answer = append(m.Answer, rr2)
					}
				}
			} else if rr.Header().Rrtype == qt {
				m.Answer = append(m.Answer, rr)
			}
		}
		if qn == "big.test." && !tcp {
			m.Answer, m.Truncated = nil, true
		}
	}
	_ = w.WriteMsg(m)
}

// dnsTestServer serves z (a dnsTestZone, or any handler) over UDP and TCP on
// the same 127.0.0.1 port.
func dnsTestServer(t *testing.T, z dns.Handler) string {
	t.Helper()
	var pc net.PacketConn
	var ln net.Listener
	for i := 0; ln == nil; i++ { // the TCP port may be taken; try another
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err != nil {
			pc.Close()
			if i == 5 {
				t.Fatal(err)
			}
		}
	}
	for _, s := range []*dns.Server{{PacketConn: pc, Handler: z}, {Listener: ln, Handler: z}} {
		started := make(chan struct{})
		s.NotifyStartedFunc = func() { close(started) }
		go func() { _ = s.ActivateAndServe() }()
		<-started
		t.Cleanup(func() { _ = s.Shutdown() })
	}
	return pc.LocalAddr().String()
}

func TestProbeDNS(t *testing.T) {
	z := newDNSTestZone(t,
		"example.test. A 192.0.2.1", "example.test. A 192.0.2.2", "example.test. AAAA 2001:db8::1",
		"example.test. MX 10 Mail.Example.Test.", `example.test. TXT "v=spf1 " "-all"`,
		"example.test. NS ns1.example.test.", "www.example.test. CNAME example.test.",
		"empty.test. A 192.0.2.9", "slow.test. A 192.0.2.3", "big.test. A 192.0.2.4")
	resolver := dnsTestServer(t, z)
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // takes queries, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	closed := closedLoopbackAddr(t) // no UDP socket there either, in practice
	cases := []struct {
		name, host, opts string
		resolver         string // default: the test server
		env              func(t *testing.T) *Env
		want             protoWant
	}{
		{name: "A", host: "example.test", want: protoWant{status: StatusGreen}},
		{name: "A expected, trailing dot", host: "example.test.", opts: `"expected":"192.0.2.2"`, want: protoWant{status: StatusGreen}},
		{name: "AAAA normalized", host: "example.test", opts: `"record_type":"AAAA","expected":"2001:DB8:0::1"`, want: protoWant{status: StatusGreen}},
		{name: "A through a CNAME", host: "www.example.test", opts: `"expected":"192.0.2.1"`, want: protoWant{status: StatusGreen}},
		{name: "CNAME", host: "WWW.example.test", opts: `"record_type":"CNAME","expected":"EXAMPLE.test."`, want: protoWant{status: StatusGreen}},
		{name: "MX host", host: "example.test", opts: `"record_type":"MX","expected":"mail.example.test"`, want: protoWant{status: StatusGreen}},
		{name: "MX with preference", host: "example.test", opts: `"record_type":"MX","expected":"10 mail.example.test."`, want: protoWant{status: StatusGreen}},
		{name: "TXT joined", host: "example.test", opts: `"record_type":"TXT","expected":"v=spf1 -all"`, want: protoWant{status: StatusGreen}},
		{name: "NS", host: "example.test", opts: `"record_type":"NS","expected":"ns1.example.test"`, want: protoWant{status: StatusGreen}},
		{name: "slow answer is YELLOW", host: "slow.test", want: protoWant{status: StatusYellow}},
		{name: "truncated over UDP, retried over TCP", host: "big.test", opts: `"expected":"192.0.2.4"`, want: protoWant{status: StatusGreen}},
		{name: "expected not among answers", host: "example.test", opts: `"expected":"1.2.3.4"`,
			want: protoWant{status: StatusRed, err: `expected "1.2.3.4" not among answers [192.0.2.1 192.0.2.2]`, connected: true}},
		{name: "TXT is case-sensitive", host: "example.test", opts: `"record_type":"TXT","expected":"V=SPF1 -ALL"`,
			want: protoWant{status: StatusRed, err: `expected "V=SPF1 -ALL" not among answers ["v=spf1 -all"]`, connected: true}},
		{name: "NXDOMAIN", host: "nope.test", want: protoWant{status: StatusRed, err: "DNS NXDOMAIN for nope.test", connected: true}},
		{name: "SERVFAIL", host: "servfail.test", want: protoWant{status: StatusRed, err: "DNS SERVFAIL", connected: true}},
		{name: "no records of the type", host: "empty.test", opts: `"record_type":"AAAA"`,
			want: protoWant{status: StatusRed, err: "no AAAA records for empty.test", connected: true}},
		{name: "resolver never answers", host: "example.test", resolver: silent.LocalAddr().String(),
			want: protoWant{status: StatusRed, err: "timeout after 300ms"}},
		{name: "nothing on the resolver port", host: "example.test", resolver: closed,
			want: protoWant{status: StatusRed, err: "connection refused"}},
		{name: "egress refused", host: "example.test", resolver: "10.0.0.1:53", env: refusingEnv,
			want: protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			res := resolver
			if c.resolver != "" {
				res = c.resolver
			}
			tgt := protoTargetFor("DNS", c.host, c.want)
			tgt.Options = []byte(`{"resolver":"` + res + `"` + map[bool]string{true: ",", false: ""}[c.opts != ""] + c.opts + `}`)
			r := protoRun(probeDNS, env, tgt)
			protoCheck(t, r, c.want)
			if r.Resolved != (r.Status != StatusRed) {
				t.Errorf("resolved = %v for a %s result", r.Resolved, r.Status)
			}
		})
	}
	if z.tcpQueries.Load() != 1 {
		t.Errorf("%d queries over TCP, want 1 (the truncated one)", z.tcpQueries.Load())
	}
}

// TestDNSSystemResolverExemptFromPolicy: with the production wiring (every Env function
// backed by the egress guard) under EGRESS_POLICY=public, a DNS check without a resolver
// asks the host's resolver — here a DNS server on 127.0.0.1, as Docker's 127.0.0.11 or
// systemd-resolved's 127.0.0.53 — and passes, over UDP and over TCP after truncation. The
// same address given as the check's resolver is a tenant target and is refused.
func TestDNSSystemResolverExemptFromPolicy(t *testing.T) {
	z := newDNSTestZone(t, "example.test. A 192.0.2.1", "big.test. A 192.0.2.4")
	sys := dnsTestServer(t, z)
	guard := egress.New(egress.Policy{Mode: egress.ModePublic}, egress.WithSystemResolver(netip.MustParseAddrPort(sys)))
	env := &Env{Dial: guard.DialContext, ResolveIP: guard.ResolveIP, DialSystemResolver: guard.DialSystemResolver,
		UserAgent: "AlertifyPro/test", Now: time.Now}

	for _, host := range []string{"example.test", "big.test"} {
		tgt := protoTarget("DNS", host)
		r := protoRun(probeDNS, env, tgt)
		protoCheck(t, r, protoWant{status: StatusGreen})
	}
	if z.tcpQueries.Load() != 1 {
		t.Errorf("%d queries over TCP, want 1 (the truncated one)", z.tcpQueries.Load())
	}
	tenant := protoTargetFor("DNS", "example.test", protoWant{status: StatusRed})
	tenant.Options = []byte(`{"resolver":"` + sys + `"}`)
	r := protoRun(probeDNS, env, tenant)
	if r.Status != StatusRed || !r.Internal || !strings.Contains(r.Error, "egress policy refused 127.0.0.1") {
		t.Errorf("tenant-given loopback resolver under public: %+v, want RED, internal, refused", r)
	}
	// An Env without a system resolver says so, as our problem, not the service's.
	env.DialSystemResolver = nil
	r = protoRun(probeDNS, env, protoTarget("DNS", "example.test"))
	protoCheck(t, r, protoWant{status: StatusRed, err: "no system resolver configured", internal: true})
}

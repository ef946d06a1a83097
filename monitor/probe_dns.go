package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

const (
	// dnsUDPSize is the EDNS0 buffer size we advertise (the DNS flag day 2020
	// value, safe from fragmentation); larger answers come back truncated and
	// are asked again over TCP.
	dnsUDPSize = 1232
	// dnsMaxShown is how many answers a mismatch message lists.
	dnsMaxShown = 5
)

// dnsDial opens one connection to the resolver a DNS check asks.
type dnsDial func(ctx context.Context, network string) (net.Conn, error)

// probeDNS asks options.resolver (or the host's own resolver) for the
// endpoint's record_type records. It passes on NOERROR with at least one
// answer of the type, and when options.expected is set, that value among them.
// Every RED result has Resolved false: the name did not resolve as required.
//
// A resolver the tenant names is a target like any other, reached through
// env.Dial and the egress policy. Without one the check asks the host's
// resolver through env.DialSystemResolver, which the policy exempts (SPEC
// §12): it is the operator's (Docker's 127.0.0.11, systemd-resolved's
// 127.0.0.53, GCP's 169.254.169.254), and refusing it would leave every such
// check RED as "internal", never alerting — silently unmonitored. Never a
// hard-coded public resolver either: it would leak the monitored names.
func probeDNS(ctx context.Context, env *Env, t *Target) Result {
	var opts struct {
		RecordType string `json:"record_type"`
		Resolver   string `json:"resolver"`
		Expected   string `json:"expected"`
	}
	_ = json.Unmarshal(t.Options, &opts) // validated by the API
	if opts.RecordType == "" {
		opts.RecordType = "A"
	}
	name := strings.TrimSuffix(t.Endpoint, ".")
	start := env.Now()
	qtype, ok := dns.StringToType[opts.RecordType]
	if !ok {
		return failed(start, start, "unsupported record type "+opts.RecordType)
	}
	if isLocalhostName(name) {
		return dnsLocalhost(t, start, env.Now(), name, opts.RecordType, qtype, opts.Expected)
	}
	dial := dnsDial(env.DialSystemResolver)
	if opts.Resolver != "" {
		dial = func(ctx context.Context, network string) (net.Conn, error) {
			return env.Dial(ctx, network, opts.Resolver)
		}
	} else if env.DialSystemResolver == nil {
		r := failed(start, env.Now(), "no system resolver configured")
		r.Internal = true // the appliance's configuration, not the service
		return r
	}
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	q.SetEdns0(dnsUDPSize, false)
	reply, err := dnsExchange(ctx, t, dial, q)
	end := env.Now()
	if err != nil {
		r := failedErr(t, start, end, protoCtxErr(ctx, err))
		r.Resolved = false
		return r
	}
	msg := dnsVerdict(reply, name, opts.RecordType, qtype, opts.Expected)
	if msg == "" {
		return passed(t, start, end)
	}
	r := failed(start, end, msg)
	r.Connected = true // the resolver answered
	return r
}

// isLocalhostName reports "localhost" or a name under it (RFC 6761 §6.3).
func isLocalhostName(name string) bool {
	n := dnsName(name)
	return n == "localhost" || strings.HasSuffix(n, ".localhost")
}

// dnsLocalhost answers a localhost name the way RFC 6761 §6.3 asks resolver libraries to:
// loopback addresses, without asking any resolver (one that answered otherwise would be
// wrong, and asking leaks nothing useful). Nothing is dialled, so the egress policy has
// nothing to decide; the answer is judged like a resolver's.
func dnsLocalhost(t *Target, start, end time.Time, name, typeName string, qtype uint16, expected string) Result {
	reply := new(dns.Msg)
	hdr := dns.RR_Header{Name: dns.Fqdn(name), Rrtype: qtype, Class: dns.ClassINET}
	switch qtype {
	case dns.TypeA:
		reply.Answer = []dns.RR{&dns.A{Hdr: hdr, A: net.IPv4(127, 0, 0, 1)}}
	case dns.TypeAAAA:
		reply.Answer = []dns.RR{&dns.AAAA{Hdr: hdr, AAAA: net.IPv6loopback}}
	}
	if msg := dnsVerdict(reply, name, typeName, qtype, expected); msg != "" {
		return failed(start, end, msg)
	}
	return passed(t, start, end)
}

// dnsVerdict judges a reply; "" means the check passed.
func dnsVerdict(reply *dns.Msg, name, typeName string, qtype uint16, expected string) string {
	switch reply.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return "DNS NXDOMAIN for " + name
	default:
		rcode, ok := dns.RcodeToString[reply.Rcode]
		if !ok {
			rcode = "rcode " + strconv.Itoa(reply.Rcode)
		}
		return "DNS " + rcode
	}
	var answers []string
	for _, rr := range reply.Answer {
		if rr.Header().Rrtype == qtype { // a CNAME chain also holds the CNAMEs
			answers = append(answers, dnsValue(rr))
		}
	}
	if len(answers) == 0 {
		return fmt.Sprintf("no %s records for %s", typeName, name)
	}
	if expected == "" {
		return ""
	}
	want := dnsNormalize(qtype, expected)
	for _, a := range answers {
		if a == want {
			return ""
		}
	}
	if qtype == dns.TypeTXT {
		for i, a := range answers {
			answers[i] = protoQuote(a)
		}
	}
	shown := strings.Join(answers[:min(len(answers), dnsMaxShown)], " ")
	if len(answers) > dnsMaxShown {
		shown += " …"
	}
	return fmt.Sprintf("expected %s not among answers [%s]", protoQuote(expected), shown)
}

// dnsValue is an answer's comparable value: the address, the target host
// (CNAME, NS, and MX without its preference) or the TXT strings joined.
func dnsValue(rr dns.RR) string {
	switch rr := rr.(type) {
	case *dns.A:
		return rr.A.String()
	case *dns.AAAA:
		return rr.AAAA.String()
	case *dns.CNAME:
		return dnsName(rr.Target)
	case *dns.NS:
		return dnsName(rr.Ns)
	case *dns.MX:
		return dnsName(rr.Mx)
	case *dns.TXT:
		return strings.Join(rr.Txt, "")
	}
	return rr.String()
}

// dnsNormalize puts an expected value in dnsValue's form: addresses in
// canonical text ("2001:DB8:0::1" → "2001:db8::1"), host names lower-case
// without the trailing dot; an MX given as "10 mx.example.com" compares its
// host. TXT is compared as written: tokens in TXT records are case-sensitive.
func dnsNormalize(qtype uint16, s string) string {
	s = strings.TrimSpace(s)
	switch qtype {
	case dns.TypeA, dns.TypeAAAA:
		if ip := net.ParseIP(s); ip != nil {
			return ip.String()
		}
	case dns.TypeMX:
		if f := strings.Fields(s); len(f) > 0 {
			return dnsName(f[len(f)-1])
		}
	case dns.TypeCNAME, dns.TypeNS:
		return dnsName(s)
	}
	return s
}

// dnsName is a host name as compared: lower-case, no trailing dot.
func dnsName(s string) string {
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// dnsExchange sends q over UDP and, when the answer comes back truncated,
// again over TCP.
func dnsExchange(ctx context.Context, t *Target, dial dnsDial, q *dns.Msg) (*dns.Msg, error) {
	reply, err := dnsExchangeOver(ctx, t, dial, "udp", q)
	if err == nil && reply.Truncated {
		reply, err = dnsExchangeOver(ctx, t, dial, "tcp", q)
	}
	return reply, err
}

// dnsExchangeOver runs one query over a connection from dial. UDP is
// handled here rather than by dns.Conn, which picks datagram or stream
// framing by the connection's Go type: a dialer that wraps its connections
// would silently get stream framing on UDP.
func dnsExchangeOver(ctx context.Context, t *Target, dial dnsDial, network string, q *dns.Msg) (*dns.Msg, error) {
	conn, err := dial(ctx, network)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer protoBind(ctx, t, conn)()
	if network == "tcp" {
		co := &dns.Conn{Conn: conn}
		if err := co.WriteMsg(q); err != nil {
			return nil, err
		}
		reply, err := co.ReadMsg()
		if err == nil && reply.Id != q.Id {
			err = dns.ErrId
		}
		return reply, err
	}
	packed, err := q.Pack()
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(packed); err != nil {
		return nil, err
	}
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, err
		}
		reply := new(dns.Msg)
		if err := reply.Unpack(buf[:n]); err != nil {
			return nil, fmt.Errorf("malformed DNS reply: %w", err)
		}
		// A late answer to an earlier query on a reused port is not ours.
		if reply.Id == q.Id && reply.Response {
			return reply, nil
		}
	}
}

package monitor

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/alertifypro/alertifypro/egress"
)

// movingName answers A queries for one name with whatever address it holds
// now (TTL 0), as a record moved by a failover does; it counts the queries.
type movingName struct {
	name    string // FQDN, lower case
	addr    atomic.Value
	queries atomic.Int32
}

func (z *movingName) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	if strings.ToLower(q.Question[0].Name) != z.name {
		m.Rcode = dns.RcodeNameError
	} else if q.Question[0].Qtype == dns.TypeA {
		z.queries.Add(1)
		m.Answer = append(m.Answer, &dns.A{
			Hdr: dns.RR_Header{Name: z.name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 0},
			A:   netip.MustParseAddr(z.addr.Load().(string)).AsSlice(),
		})
	}
	_ = w.WriteMsg(m)
}

// After a DNS change the next check goes to the new address, even while the
// server at the old one would still answer: every check resolves through
// the egress guard. Tests may reach only 127.0.0.1, so the name moves from
// 127.0.0.1 to an address the policy denies: the guard judges the new
// address and refuses it, and nothing leaves the machine.
func TestDNSChangeSeenByNextCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	zone := &movingName{name: "app.test."}
	zone.addr.Store("127.0.0.1")
	resolver := netip.MustParseAddrPort(dnsTestServer(t, zone))
	guard := egress.New(egress.Policy{Mode: egress.ModePrivate, Deny: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}},
		egress.WithSystemResolver(resolver))
	env := &Env{Dial: guard.DialContext, ResolveIP: guard.ResolveIP, UserAgent: "AlertifyPro/test", Now: time.Now}
	u, _ := url.Parse(srv.URL)
	tgt := &Target{ServiceID: "svc", CheckType: "HTTP", Endpoint: "http://app.test:" + u.Port() + "/",
		Timeout: 5 * time.Second}
	check := func() Result { return protoRun(ProbeFor("HTTP"), env, tgt) }

	r := check()
	if r.Status != StatusGreen {
		t.Fatalf("at 127.0.0.1: %s %q", r.Status, r.Error)
	}
	if r.Timings.DNS <= 0 || r.Timings.Connect <= 0 {
		t.Errorf("timings %+v: want the lookup and the connect measured", r.Timings)
	}
	zone.addr.Store("192.0.2.10") // the failover
	r = check()
	if r.Status != StatusRed || !r.Internal || !strings.Contains(r.Error, "(192.0.2.10)") {
		t.Errorf("after the record moved: %s %q (internal %v), want RED, refused app.test (192.0.2.10)", r.Status, r.Error, r.Internal)
	}
	zone.addr.Store("127.0.0.1") // and back
	if r = check(); r.Status != StatusGreen {
		t.Errorf("back at 127.0.0.1: %s %q", r.Status, r.Error)
	}
	if n := zone.queries.Load(); n != 3 {
		t.Errorf("%d A lookups for 3 checks, want one per check", n)
	}
}

package monitor

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// netHTTPSServer serves h over TLS on 127.0.0.1 with cert (HTTP/2 on when
// h2 is set) and returns its base URL.
func netHTTPSServer(t *testing.T, cert tls.Certificate, h2 bool, h http.HandlerFunc) string {
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = h2
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are the point of some tests
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestProbeHTTPS(t *testing.T) {
	ca := newNetTestCA(t)
	now := time.Now()
	expiredAt := now.Add(-23 * time.Hour)
	proto := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) }
	acme := httptest.NewTLSServer(http.HandlerFunc(proto)) // Go's own test certificate (Acme Co)
	defer acme.Close()
	acmePool := x509.NewCertPool()
	acmePool.AddCert(acme.Certificate())
	year := netHTTPSServer(t, ca.valid(t, now.Add(365*24*time.Hour+time.Hour)), true, proto)
	soon := netHTTPSServer(t, ca.valid(t, now.Add(5*24*time.Hour+time.Hour)), false, proto)
	expired := netHTTPSServer(t, ca.valid(t, expiredAt), false, proto)
	plain := httptest.NewServer(http.HandlerFunc(proto))
	defer plain.Close()

	cases := []struct {
		name, url, options string
		roots              *x509.CertPool
		status, err        string
		code, days         int // days: the certificate's; 0 for none
	}{
		{name: "Go test certificate", url: acme.URL, roots: acmePool, status: StatusGreen, code: 200, days: 1000},
		{name: "HTTP/2", url: year, options: `{"body_contains":"HTTP/2.0"}`, roots: ca.pool, status: StatusGreen, code: 200, days: 365},
		{name: "unknown authority", url: year, roots: acmePool, status: StatusRed,
			err: "TLS certificate invalid: x509: certificate signed by unknown authority", days: 365},
		{name: "unknown authority, verify_tls false", url: year, options: `{"verify_tls":false}`, roots: acmePool,
			status: StatusGreen, code: 200, days: 365},
		{name: "expires in 5 days", url: soon, roots: ca.pool, status: StatusYellow, err: "certificate expires in 5 days", code: 200, days: 5},
		{name: "outside a 3 day window", url: soon, options: `{"ssl_warn_days":3}`, roots: ca.pool, status: StatusGreen, code: 200, days: 5},
		{name: "expired", url: expired, roots: ca.pool, status: StatusRed,
			err: "certificate expired on " + expiredAt.UTC().Format(time.DateOnly), days: -1},
		{name: "expired, verify_tls false", url: expired, options: `{"verify_tls":false}`, roots: ca.pool, status: StatusYellow,
			err: "certificate expired on " + expiredAt.UTC().Format(time.DateOnly), code: 200, days: -1},
		{name: "assertion fails on https", url: soon, options: `{"body_contains":"nope"}`, roots: ca.pool, status: StatusRed,
			err: `keyword "nope" not found`, code: 200, days: 5},
		{name: "plain HTTP server", url: "https" + plain.URL[len("http"):], roots: ca.pool, status: StatusRed,
			err: "http: server gave HTTP response to HTTPS client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			env.RootCAs = c.roots
			tgt := &Target{CheckType: "HTTP", Endpoint: c.url, DegradedThreshold: time.Second}
			if c.options != "" {
				tgt.Options = []byte(c.options)
			}
			r := runNetProbe(probeHTTP, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			if r.StatusCode != c.code {
				t.Errorf("status code %d, want %d", r.StatusCode, c.code)
			}
			switch cert := r.Certificate; {
			case c.days == 0:
				if cert != nil {
					t.Errorf("certificate = %+v, want none", cert)
				}
			case c.days == 1000: // httptest's certificate: Acme Co, example.com, valid for decades
				if cert == nil || cert.Issuer != "Acme Co" || !slices.Contains(cert.DNSNames, "example.com") || cert.DaysUntilExpiry < 1000 {
					t.Errorf("certificate = %+v, want Acme Co's for example.com", cert)
				}
			default:
				if cert == nil || cert.Issuer != "AlertifyPro Test CA" || cert.Subject != "localhost" ||
					!slices.Equal(cert.DNSNames, []string{"localhost"}) || cert.DaysUntilExpiry != c.days {
					t.Errorf("certificate = %+v, want localhost by the test CA, %d days", cert, c.days)
				}
			}
		})
	}
}

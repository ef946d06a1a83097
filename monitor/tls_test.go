package monitor

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// netTestCA issues the certificates of the TLS probes' loopback servers.
type netTestCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool // trusts this CA only: set it as Env.RootCAs
}

func newNetTestCA(t testing.TB) *netTestCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "AlertifyPro Test CA", Organization: []string{"AlertifyPro"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &netTestCA{cert: cert, key: key, pool: pool}
}

// issue signs a server certificate for CN "localhost" valid from notBefore
// to notAfter, for names (DNS names, or IP addresses when they parse).
func (ca *netTestCA) issue(t testing.TB, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// valid issues a certificate for localhost and 127.0.0.1 that expires at
// notAfter.
func (ca *netTestCA) valid(t testing.TB, notAfter time.Time) tls.Certificate {
	return ca.issue(t, time.Now().Add(-48*time.Hour), notAfter, "localhost", "127.0.0.1")
}

// netTLSServer serves TLS with cert on 127.0.0.1, waiting delay before each
// handshake, and returns its address.
func netTLSServer(t *testing.T, cert tls.Certificate, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				time.Sleep(delay)
				tc := tls.Server(c, cfg)
				_ = tc.SetDeadline(time.Now().Add(2 * time.Second))
				if tc.Handshake() == nil {
					_, _ = io.Copy(io.Discard, tc)
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestCertificateOf(t *testing.T) {
	ca := newNetTestCA(t)
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	cert := ca.issue(t, now.AddDate(0, -1, 0), now.Add(5*24*time.Hour+time.Hour), "localhost", "www.localhost", "127.0.0.1")
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	c := certificateOf(tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}}, now)
	if c.Issuer != "AlertifyPro Test CA" || c.Subject != "localhost" ||
		strings.Join(c.DNSNames, ",") != "localhost,www.localhost" || c.DaysUntilExpiry != 5 ||
		!c.ValidTo.Equal(leaf.NotAfter) || !c.ValidFrom.Equal(leaf.NotBefore) {
		t.Errorf("certificateOf = %+v", c)
	}
	if certificateOf(tls.ConnectionState{}, now) != nil {
		t.Error("no peer certificate should give nil")
	}
}

func TestCertificateWindow(t *testing.T) {
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	cert := func(validTo time.Time) *Certificate {
		return &Certificate{ValidFrom: now.AddDate(-1, 0, 0), ValidTo: validTo}
	}
	cases := []struct {
		name        string
		c           *Certificate
		status, msg string
	}{
		{"expired", cert(time.Date(2026, 1, 2, 23, 0, 0, 0, time.UTC)), StatusRed, "certificate expired on 2026-01-02"},
		{"5 days", cert(now.Add(5*24*time.Hour + time.Hour)), StatusYellow, "certificate expires in 5 days"},
		{"1 day", cert(now.Add(36 * time.Hour)), StatusYellow, "certificate expires in 1 day"},
		{"hours", cert(now.Add(3 * time.Hour)), StatusYellow, "certificate expires in less than a day"},
		{"edge of the window", cert(now.Add(30 * 24 * time.Hour)), "", ""},
		{"fine", cert(now.Add(31 * 24 * time.Hour)), "", ""},
		{"not yet valid", &Certificate{ValidFrom: now.Add(time.Hour), ValidTo: now.AddDate(1, 0, 0)}, StatusRed, "certificate not valid before 2026-01-03"},
		{"none", nil, "", ""},
	}
	for _, c := range cases {
		if status, msg := certificateWindow(c.c, now, 30); status != c.status || msg != c.msg {
			t.Errorf("%s: = %q %q, want %q %q", c.name, status, msg, c.status, c.msg)
		}
	}
	// Whole days, rounded down: an hour past expiry is day -1.
	for d, want := range map[time.Duration]int{-time.Hour: -1, -25 * time.Hour: -2, 23 * time.Hour: 0, 49 * time.Hour: 2} {
		if got := certDaysUntil(now.Add(d), now); got != want {
			t.Errorf("certDaysUntil(now%+v) = %d, want %d", d, got, want)
		}
	}
}

func TestGradeCertificate(t *testing.T) {
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	expired := &Certificate{ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.Add(-time.Hour)}
	soon := &Certificate{ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.Add(5*24*time.Hour + time.Hour)}
	cases := []struct {
		name    string
		in      Result
		lenient bool
		status  string
		msg     string
	}{
		{"expired", Result{Status: StatusGreen, Certificate: expired}, false, StatusRed, "certificate expired on 2026-01-03"},
		{"expired lenient", Result{Status: StatusGreen, Certificate: expired}, true, StatusYellow, "certificate expired on 2026-01-03"},
		{"soon and slow", Result{Status: StatusYellow, Error: "slow response: 80 ms (threshold 50 ms)", Certificate: soon}, false,
			StatusYellow, "certificate expires in 5 days; slow response: 80 ms (threshold 50 ms)"},
		{"already red", Result{Status: StatusRed, Error: "keyword \"ok\" not found", Certificate: expired}, false, StatusRed, "keyword \"ok\" not found"},
	}
	for _, c := range cases {
		r := c.in
		gradeCertificate(&r, now, 30, c.lenient)
		if r.Status != c.status || r.Error != c.msg {
			t.Errorf("%s: = %s %q, want %s %q", c.name, r.Status, r.Error, c.status, c.msg)
		}
	}
}

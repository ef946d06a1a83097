package monitor

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
)

// grpcTestCert makes a self-signed certificate for 127.0.0.1 named cn that
// expires validFor from now (negative: already expired).
func grpcTestCert(t *testing.T, cn string, validFor time.Duration) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"AlertifyPro tests"}},
		NotBefore:             now.Add(min(-time.Hour, validFor-48*time.Hour)),
		NotAfter:              now.Add(validFor),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// grpcRoots is a pool trusting certs.
func grpcRoots(certs ...tls.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c.Leaf)
	}
	return p
}

// grpcWantCert checks the result carries the certificate of cn expiring in days.
func grpcWantCert(cn string, days int) func(*testing.T, Result) {
	return func(t *testing.T, r Result) {
		c := r.Certificate
		if c == nil {
			t.Fatal("no certificate in the result")
		}
		// The shared certificate description (tls.go): subject by CN, days
		// rounded down, so an expired certificate counts negative days.
		daysOK := c.DaysUntilExpiry == days || days < 0 && c.DaysUntilExpiry < 0
		if c.Subject != cn || c.Issuer != c.Subject || !daysOK || len(c.DNSNames) != 1 || c.ValidTo.Before(c.ValidFrom) {
			t.Errorf("certificate = %+v, want CN %s expiring in %d days", c, cn, days)
		}
	}
}

func TestProbeGRPCTLS(t *testing.T) {
	good := grpcTestCert(t, "grpc.test", 90*24*time.Hour+time.Hour)
	soon := grpcTestCert(t, "soon.test", 5*24*time.Hour+time.Hour)
	expired := grpcTestCert(t, "expired.test", -24*time.Hour)
	stranger := grpcTestCert(t, "stranger.test", 90*24*time.Hour+time.Hour)
	roots := grpcRoots(good, soon, expired)
	tlsOn := map[string]any{"tls": true}
	runWireCases(t, probeGRPC, "GRPC", []wireCase{
		{name: "trusted", addr: grpcTLSServer(t, good), options: tlsOn, roots: roots,
			status: StatusGreen, check: grpcWantCert("grpc.test", 90)},
		{name: "service over TLS", addr: grpcTLSServer(t, good), roots: roots,
			options: map[string]any{"tls": true, "service": "shop.Billing"},
			status:  StatusRed, err: "health status NOT_SERVING", check: grpcWantCert("grpc.test", 90)},
		{name: "expires in 5 days", addr: grpcTLSServer(t, soon), options: tlsOn, roots: roots,
			status: StatusGreen, check: grpcWantCert("soon.test", 5)},
		{name: "expired", addr: grpcTLSServer(t, expired), options: tlsOn, roots: roots,
			status: StatusRed, err: "TLS handshake failed: certificate has expired or is not yet valid: *",
			check: grpcWantCert("expired.test", -1)},
		{name: "unknown authority", addr: grpcTLSServer(t, stranger), options: tlsOn, roots: roots,
			status: StatusRed, err: "TLS handshake failed: certificate signed by unknown authority",
			check: grpcWantCert("stranger.test", 90)},
		{name: "closed port", options: tlsOn, status: StatusRed, err: "connection refused"},
		{name: "egress refused", options: tlsOn, refused: true, status: StatusRed,
			err: "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	})
}

// TestGRPCHealthMessages compares the hand-made protobuf with the real one.
func TestGRPCHealthMessages(t *testing.T) {
	for _, svc := range []string{"", "shop.Cart", strings.Repeat("s", 200)} {
		want, err := proto.Marshal(&healthpb.HealthCheckRequest{Service: svc})
		if err != nil {
			t.Fatal(err)
		}
		if got := grpcHealthRequest(svc); !bytes.Equal(got, want) {
			t.Errorf("request %q = % x, want % x", svc, got, want)
		}
	}
	for s := range 4 {
		b, err := proto.Marshal(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_ServingStatus(s)})
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, 0x12, 2, 'h', 'i', 0x1d, 1, 2, 3, 4, 0x21, 1, 2, 3, 4, 5, 6, 7, 8) // unknown fields
		if got, err := grpcHealthStatus(b); err != nil || got != uint64(s) {
			t.Errorf("status %d: got %d, %v", s, got, err)
		}
	}
	for _, bad := range [][]byte{{0x08}, {0x08, 0x80}, {0x12, 5, 'a'}, {0x0b}, {0x1d, 1}} {
		if _, err := grpcHealthStatus(bad); err == nil {
			t.Errorf("% x decoded", bad)
		}
	}
	if got := grpcServingStatusName(7); got != "7" {
		t.Errorf("status 7 named %q", got)
	}
}

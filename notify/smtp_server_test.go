package notify

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
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// received is one message as the test SMTP server saw it.
type received struct {
	From string
	To   []string
	Data []byte
	User string // the AUTH PLAIN user name, "" without AUTH
	TLS  bool   // the session was encrypted when DATA arrived
	Helo string // the name the client gave in EHLO/HELO
}

// smtpBackend records every delivered message; with user set it offers
// AUTH PLAIN and demands it before MAIL.
type smtpBackend struct {
	user, pass string
	rcptErr    error // when set, every RCPT TO is refused with it
	mu         sync.Mutex
	msgs       []received
}

func (b *smtpBackend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	return &smtpSession{be: b, conn: c}, nil
}

func (b *smtpBackend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type smtpSession struct {
	be   *smtpBackend
	conn *gosmtp.Conn
	cur  received
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.be.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.be.user || pass != s.be.pass {
			return gosmtp.ErrAuthFailed // 535, as real servers answer
		}
		s.cur.User = user
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.be.user != "" && s.cur.User == "" {
		return gosmtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.be.rcptErr != nil {
		return s.be.rcptErr
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	msg := s.cur
	msg.Data, msg.TLS, msg.Helo = raw, isTLS, s.conn.Hostname()
	s.be.mu.Lock()
	s.be.msgs = append(s.be.msgs, msg)
	s.be.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.cur = received{User: s.cur.User} }
func (s *smtpSession) Logout() error { return nil }

// testServerMode says how the test server speaks TLS.
type testServerMode int

const (
	plainOnly   testServerMode = iota // no TLS at all: STARTTLS not offered
	startTLS                          // offers STARTTLS
	implicitTLS                       // TLS from the first byte
)

// startSMTPServer runs a real SMTP server on 127.0.0.1:0 until the test
// ends and returns its port.
func startSMTPServer(t *testing.T, be *smtpBackend, mode testServerMode, cert *tls.Certificate) int {
	t.Helper()
	srv := gosmtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.AllowInsecureAuth = mode == plainOnly
	var ln net.Listener
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case startTLS:
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	case implicitTLS:
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*cert}})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// selfSignedCert makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSignedCert(t *testing.T) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "alertifypro test smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
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
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

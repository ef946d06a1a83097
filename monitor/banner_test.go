package monitor

// Test servers and helpers shared by the protocol probe tests (SMTP, IMAP,
// FTP, SSH, Redis, DNS, PING). Every server listens on 127.0.0.1 only.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// protoScript is a line server: it sends greeting (after delay), then answers
// each command line by its first word (upper-cased) from replies, and hangs up
// after QUIT or LOGOUT. Unknown commands get no answer.
func protoScript(delay time.Duration, greeting string, replies map[string]string) func(net.Conn) {
	return func(c net.Conn) {
		time.Sleep(delay)
		if _, err := c.Write([]byte(greeting)); err != nil {
			return
		}
		r := textproto.NewReader(bufio.NewReader(c))
		for {
			line, err := r.ReadLine()
			if err != nil {
				return
			}
			f := strings.Fields(strings.ToUpper(line))
			if len(f) == 0 {
				continue
			}
			word := f[0]
			if len(f) > 1 && word == "A1" { // IMAP: tag, then command
				word = f[1]
			}
			if reply, ok := replies[word]; ok {
				_, _ = c.Write([]byte(reply))
			}
			if word == "QUIT" || word == "LOGOUT" {
				return
			}
		}
	}
}

// protoCert makes a self-signed certificate for 127.0.0.1, ::1 and localhost
// valid from notBefore to notAfter, and a pool that trusts it.
func protoCert(t *testing.T, notBefore, notAfter time.Time) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "probe test"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
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
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}}, pool
}

// protoTarget is a target of checkType at endpoint. Its timeout and degraded
// threshold are generous, so a passing check stays GREEN on a loaded machine;
// protoTargetFor tightens them for the cases that test them.
func protoTarget(checkType, endpoint string) *Target {
	return &Target{CheckType: checkType, Endpoint: endpoint, Options: []byte(`{}`),
		Timeout: 2 * time.Second, DegradedThreshold: time.Second}
}

// protoTargetFor is protoTarget for a case expecting want: a 50 ms threshold
// when it expects YELLOW (its server sleeps longer than that), and the
// timeout its "timeout after ..." text names.
// degradedFor is the degraded threshold of a probe test case: 50 ms for the cases that
// expect a "slow response" (their servers wait 100 ms), and one no loaded CI machine
// reaches for every other case, so none turns YELLOW by chance.
func degradedFor(wantErr string) time.Duration {
	if strings.HasPrefix(wantErr, "slow response") {
		return 50 * time.Millisecond
	}
	return 5 * time.Second
}

func protoTargetFor(checkType, endpoint string, want protoWant) *Target {
	tgt := protoTarget(checkType, endpoint)
	if want.status == StatusYellow {
		tgt.DegradedThreshold = 50 * time.Millisecond
	}
	if d, err := time.ParseDuration(strings.TrimPrefix(want.err, "timeout after ")); err == nil {
		tgt.Timeout = d
	}
	return tgt
}

// protoRun runs probe with a context carrying tgt.Timeout, as the engine does.
func protoRun(probe Probe, env *Env, tgt *Target) Result {
	ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
	defer cancel()
	return probe(ctx, env, tgt)
}

// protoWant is what a protocol probe test expects of a result.
type protoWant struct {
	status    string
	err       string // exact error text ("" = none)
	errPrefix string // or a prefix of it
	internal  bool
	connected bool
}

// protoCheck compares a result with want.
func protoCheck(t *testing.T, r Result, want protoWant) {
	t.Helper()
	if r.Status != want.status {
		t.Errorf("status = %s (%q), want %s", r.Status, r.Error, want.status)
	}
	switch {
	case want.errPrefix != "":
		if !strings.HasPrefix(r.Error, want.errPrefix) {
			t.Errorf("error = %q, want prefix %q", r.Error, want.errPrefix)
		}
	case want.status == StatusYellow:
		if !strings.HasPrefix(r.Error, "slow response: ") {
			t.Errorf("error = %q, want slow response", r.Error)
		}
	case r.Error != want.err:
		t.Errorf("error = %q, want %q", r.Error, want.err)
	}
	if r.Internal != want.internal {
		t.Errorf("internal = %v, want %v", r.Internal, want.internal)
	}
	if want.status == StatusRed && r.Connected != want.connected {
		t.Errorf("connected = %v, want %v", r.Connected, want.connected)
	}
	if r.CheckedAt.IsZero() || r.ResponseTime < 0 {
		t.Errorf("checked_at %v, response time %v", r.CheckedAt, r.ResponseTime)
	}
}

func TestReadProtoReply(t *testing.T) {
	cases := []struct {
		in    string
		code  int
		lines int
		err   bool
	}{
		{"220 ready\r\n", 220, 1, false},
		{"220-first\r\n220-second\r\n220 last\r\n", 220, 3, false},
		{"220-first\r\nfree text (RFC 959)\r\n220 last\r\n", 220, 3, false},
		{"220\r\n", 220, 1, false},
		{"HTTP/1.1 400 Bad Request\r\n", 0, 1, false},
		{"220-first\r\n", 220, 1, true},
		{"220-" + strings.Repeat("x", protoMaxRead) + "\r\n", 0, 0, true},
	}
	for _, c := range cases {
		code, lines, err := readProtoReply(newProtoReader(strings.NewReader(c.in)))
		if code != c.code || len(lines) != c.lines || (err != nil) != c.err {
			t.Errorf("%.30q: code %d, %d lines, err %v; want %d, %d, err %v", c.in, code, len(lines), err, c.code, c.lines, c.err)
		}
	}
	if got := protoQuote(strings.Repeat("é", 70)); got != `"`+strings.Repeat("é", 60)+`…"` {
		t.Errorf("protoQuote cut = %s", got)
	}
}

// TestProtoCancel: a cancelled check stops at once, not at its timeout, and
// says why. The timeout is one no loaded machine reaches, so "at once" is anything
// well short of it.
func TestProtoCancel(t *testing.T) {
	addr := loopbackServer(t, silentConn)
	for name, probe := range map[string]Probe{"SMTP": probeSMTP, "FTP": probeFTP, "SSH": probeSSH, "REDIS": probeRedis} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		tgt := protoTarget(name, addr)
		tgt.Timeout = 30 * time.Second
		r := probe(ctx, loopbackEnv(t), tgt)
		cancel()
		if took := time.Since(start); r.Error != "check cancelled" || took > 10*time.Second {
			t.Errorf("%s: %q after %v, want check cancelled promptly", name, r.Error, took)
		}
	}
}

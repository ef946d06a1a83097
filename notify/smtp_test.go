package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"
)

var testMessage = Message{
	To:      []string{"Grace Hopper <grace@example.com>", "ops@example.com"},
	Subject: "Café ✓ is down",
	Text:    "Plain body, ünïcode, and a long line " + strings.Repeat("x", 120),
	HTML:    "<p>HTML <b>body</b></p>",
}

// sendCtx bounds each test send so a broken exchange fails fast.
func sendCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// parsed is a delivered message decoded the way a mail client would.
type parsed struct {
	header  mail.Header
	subject string
	parts   map[string]string // media type → decoded body
}

func parseDelivered(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("delivered message does not parse: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: m.Header, subject: subject, parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(m.Body)
		// The SMTP DATA writer ends the message with a line break.
		p.parts[mt] = strings.TrimSuffix(string(body), "\r\n")
		return p
	}
	if mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable transparently
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		p.parts[pt] = string(body)
	}
	return p
}

func TestSMTPMailerPlainDeliversMIMEMessage(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	m := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "AlertifyPro <alerts@example.org>", TLS: SMTPNone})
	if err := m.Send(sendCtx(t), testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := be.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "alerts@example.org" || strings.Join(got.To, ",") != "grace@example.com,ops@example.com" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.TLS || got.User != "" {
		t.Errorf("plain session reported TLS=%v user=%q", got.TLS, got.User)
	}
	p := parseDelivered(t, got.Data)
	if p.subject != testMessage.Subject {
		t.Errorf("Subject decodes to %q", p.subject)
	}
	if !strings.Contains(p.header.Get("Subject"), "=?utf-8?") {
		t.Errorf("non-ASCII Subject not RFC 2047 encoded: %q", p.header.Get("Subject"))
	}
	if d, err := p.header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date header %q: %v", p.header.Get("Date"), err)
	}
	if id := p.header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q", id)
	}
	if to, err := p.header.AddressList("To"); err != nil || len(to) != 2 || to[0].Name != "Grace Hopper" {
		t.Errorf("To header %q: %v", p.header.Get("To"), err)
	}
	if p.header.Get("MIME-Version") != "1.0" {
		t.Error("no MIME-Version header")
	}
	if p.parts["text/plain"] != testMessage.Text || p.parts["text/html"] != testMessage.HTML {
		t.Errorf("parts = %q", p.parts)
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line longer than RFC 5322 allows: %d bytes", len(line))
		}
	}
}

func TestSMTPMailerStartTLSWithAuth(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{user: "mailer", pass: "s3cret"}
	port := startSMTPServer(t, be, startTLS, cert)
	cfg := SMTPConfig{Host: "127.0.0.1", Port: port, Username: "mailer", Password: "s3cret",
		From: "alerts@example.org", TLS: SMTPStartTLS, RootCAs: pool}
	if err := NewSMTPMailer(cfg).Send(sendCtx(t), testMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := be.messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "mailer" {
		t.Fatalf("messages = %+v, want one over TLS by user mailer", msgs)
	}

	bad := cfg
	bad.Password = "wrong"
	if err := NewSMTPMailer(bad).Send(sendCtx(t), testMessage); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("wrong password: err = %v, want an AUTH error", err)
	}
	untrusted := cfg
	untrusted.RootCAs = nil // the system roots do not know the test certificate
	if err := NewSMTPMailer(untrusted).Send(sendCtx(t), testMessage); err == nil {
		t.Fatal("STARTTLS with an untrusted certificate succeeded")
	}
	if n := len(be.messages()); n != 1 {
		t.Fatalf("failed sends delivered messages: %d in total", n)
	}
}

func TestSMTPMailerImplicitTLS(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{user: "mailer", pass: "pw"}
	port := startSMTPServer(t, be, implicitTLS, cert)
	cfg := SMTPConfig{Host: "127.0.0.1", Port: port, Username: "mailer", Password: "pw",
		From: "alerts@example.org", TLS: SMTPTLS, RootCAs: pool}
	if err := NewSMTPMailer(cfg).Send(sendCtx(t), Message{To: []string{"a@example.com"}, Subject: "s", Text: "only text"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := be.messages()
	if len(msgs) != 1 || !msgs[0].TLS {
		t.Fatalf("messages = %+v", msgs)
	}
	p := parseDelivered(t, msgs[0].Data)
	if p.parts["text/plain"] != "only text" || len(p.parts) != 1 {
		t.Errorf("text-only message parts = %q", p.parts)
	}
}

func TestSMTPMailerStartTLSRequiredButNotOffered(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	m := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "alerts@example.org", TLS: SMTPStartTLS})
	err := m.Send(sendCtx(t), testMessage)
	if !errors.Is(err, ErrStartTLSUnavailable) {
		t.Fatalf("err = %v, want ErrStartTLSUnavailable", err)
	}
	if n := len(be.messages()); n != 0 {
		t.Fatalf("message sent in clear after STARTTLS was refused (%d)", n)
	}
	// The zero TLS mode means starttls too: never silently plain.
	m = NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "alerts@example.org"})
	if err := m.Send(sendCtx(t), testMessage); !errors.Is(err, ErrStartTLSUnavailable) {
		t.Fatalf("default mode: err = %v, want ErrStartTLSUnavailable", err)
	}
}

func TestSMTPMailerHonoursContextDeadline(t *testing.T) {
	// A server that accepts and then never says a word.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	m := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.org", TLS: SMTPNone})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = m.Send(ctx, testMessage)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Send took %v despite a 200ms deadline", d)
	}
}

func TestSMTPMailerRefusesBadInput(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	ok := SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.org", TLS: SMTPNone}
	cases := map[string]struct {
		cfg SMTPConfig
		msg Message
	}{
		"no recipients":     {ok, Message{Subject: "s", Text: "t"}},
		"bad recipient":     {ok, Message{To: []string{"not an address"}, Text: "t"}},
		"injected rcpt":     {ok, Message{To: []string{"a@example.com\r\nRCPT TO:<b@example.com>"}, Text: "t"}},
		"bad from":          {SMTPConfig{Host: "127.0.0.1", Port: port, From: "nobody", TLS: SMTPNone}, testMessage},
		"unknown tls mode":  {SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.org", TLS: "ssl3"}, testMessage},
		"auth not accepted": {SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.org", TLS: SMTPNone, Username: "u"}, testMessage},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := NewSMTPMailer(tc.cfg).Send(sendCtx(t), tc.msg); err == nil {
				t.Fatal("Send succeeded")
			}
		})
	}
	if n := len(be.messages()); n != 0 {
		t.Fatalf("%d messages delivered from refused sends", n)
	}
}

func TestSubjectCannotInjectHeaders(t *testing.T) {
	from := &mail.Address{Address: "a@example.org"}
	raw, err := buildMessage(from, []*mail.Address{{Address: "b@example.com"}},
		Message{Subject: "Hi\r\nBcc: victim@example.com", Text: "t"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" || m.Header.Get("Subject") != "Hi Bcc: victim@example.com" {
		t.Fatalf("headers = %v", m.Header)
	}
}

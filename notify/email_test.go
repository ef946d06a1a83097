package notify

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// countingDial dials directly and counts, standing in for the egress guard.
func countingDial(calls *atomic.Int32) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		calls.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

// ownSMTPConfig is an email channel config with its own server on port.
func ownSMTPConfig(port int, tlsMode string, user, pass string) map[string]any {
	cfg := map[string]any{"to": []any{"ops@example.com", "Oncall <oncall@example.com>"},
		"smtp_host": "127.0.0.1", "smtp_port": float64(port), "smtp_from": "AlertifyPro <alerts@example.org>", "smtp_tls": tlsMode}
	if user != "" {
		cfg["smtp_username"], cfg["smtp_password"] = user, pass
	}
	return cfg
}

func TestEmailOwnSMTPStartTLSThroughDial(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{user: "mailer", pass: "s3cret"}
	port := startSMTPServer(t, be, startTLS, cert)
	var dials atomic.Int32
	s := mustSender(t, "email", ownSMTPConfig(port, "starttls", "mailer", "s3cret"), Deps{Dial: countingDial(&dials)})
	s.(*emailSender).own.RootCAs = pool // trust the test certificate

	a := mustSend(t, s, firedNotification())
	if a != (Attempt{}) || dials.Load() != 1 {
		t.Fatalf("attempt %+v, %d dials through Deps.Dial", a, dials.Load())
	}
	msgs := be.messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "mailer" || msgs[0].From != "alerts@example.org" ||
		strings.Join(msgs[0].To, ",") != "ops@example.com,oncall@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
	p := parseDelivered(t, msgs[0].Data)
	if p.subject != "[AlertifyPro] API is down" {
		t.Errorf("subject = %q", p.subject)
	}
	text, html := p.parts["text/plain"], p.parts["text/html"]
	for _, want := range []string{"Since: 2025-03-14T10:25:00Z (5 minutes ago)", "Endpoint: https://api.example.com/health (http)",
		"Acknowledge: " + firedNotification().AckURL} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, `href="https://alertify.example.com/api/v1/alerts/alert-1/ack?token=tok123"`) ||
		!strings.Contains(html, "connection refused") {
		t.Errorf("HTML part:\n%s", html)
	}

	// A wrong password is a 535 from the server: permanent.
	bad := mustSender(t, "email", ownSMTPConfig(port, "starttls", "mailer", "wrong"), Deps{Dial: countingDial(&dials)})
	bad.(*emailSender).own.RootCAs = pool
	if _, err := bad.Send(t.Context(), firedNotification()); !asDeliveryError(t, err).Permanent {
		t.Errorf("failed AUTH: %v, want permanent", err)
	}
	// Without the test CA the certificate does not verify: permanent too.
	untrusted := mustSender(t, "email", ownSMTPConfig(port, "starttls", "mailer", "s3cret"), Deps{Dial: countingDial(&dials)})
	if _, err := untrusted.Send(t.Context(), firedNotification()); !asDeliveryError(t, err).Permanent {
		t.Errorf("untrusted certificate: %v, want permanent", err)
	}
}

func TestEmailOwnSMTPImplicitTLSAndStartTLSMissing(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{}
	port := startSMTPServer(t, be, implicitTLS, cert)
	var dials atomic.Int32
	s := mustSender(t, "email", ownSMTPConfig(port, "tls", "", ""), Deps{Dial: countingDial(&dials)})
	s.(*emailSender).own.RootCAs = pool
	mustSend(t, s, resolvedNotification())
	msgs := be.messages()
	if len(msgs) != 1 || !msgs[0].TLS || dials.Load() != 1 {
		t.Fatalf("messages %+v, dials %d", msgs, dials.Load())
	}
	if p := parseDelivered(t, msgs[0].Data); !strings.Contains(p.parts["text/plain"], "API was down for 12 minutes.") ||
		p.subject != "[AlertifyPro] API is up again" {
		t.Errorf("recovery mail: %q\n%s", p.subject, p.parts["text/plain"])
	}

	plain := startSMTPServer(t, &smtpBackend{}, plainOnly, nil)
	s = mustSender(t, "email", ownSMTPConfig(plain, "starttls", "", ""), Deps{Dial: countingDial(&dials)})
	if _, err := s.Send(t.Context(), firedNotification()); !asDeliveryError(t, err).Permanent {
		t.Errorf("STARTTLS not offered: %v, want permanent", err)
	}
}

func TestEmailViaInstanceMail(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	instance := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "instance@example.org", TLS: SMTPNone})
	s := mustSender(t, "email", validConfigs["email"], Deps{InstanceMail: instance})
	mustSend(t, s, firedNotification())
	msgs := be.messages()
	if len(msgs) != 1 || msgs[0].From != "instance@example.org" || strings.Join(msgs[0].To, ",") != "ops@example.com,grace@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
	if p := parseDelivered(t, msgs[0].Data); p.parts["text/plain"] == "" || p.parts["text/html"] == "" {
		t.Errorf("want text and HTML parts, got %v", p.parts)
	}

	noServer := mustSender(t, "email", validConfigs["email"], Deps{})
	_, err := noServer.Send(t.Context(), firedNotification())
	if de := asDeliveryError(t, err); !de.Permanent || !strings.Contains(err.Error(), "no SMTP server configured") {
		t.Errorf("no instance SMTP: %v", err)
	}
}

func TestEmailSMTPReplyClassification(t *testing.T) {
	for code, permanent := range map[int]bool{550: true, 451: false} {
		be := &smtpBackend{rcptErr: &gosmtp.SMTPError{Code: code, Message: "mailbox says no"}}
		port := startSMTPServer(t, be, plainOnly, nil)
		instance := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "instance@example.org", TLS: SMTPNone})
		s := mustSender(t, "email", validConfigs["email"], Deps{InstanceMail: instance})
		a, err := s.Send(t.Context(), firedNotification())
		if de := asDeliveryError(t, err); de.Permanent != permanent || a.Permanent != permanent ||
			!strings.HasPrefix(a.Response, strconv.Itoa(code)+" ") {
			t.Errorf("RCPT refused with %d: attempt %+v, err %v; want permanent=%v", code, a, err, permanent)
		}
	}
	// Nothing listening: a network failure, retried.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var dials atomic.Int32
	s := mustSender(t, "email", ownSMTPConfig(port, "none", "", ""), Deps{Dial: countingDial(&dials)})
	if _, err := s.Send(t.Context(), firedNotification()); asDeliveryError(t, err).Permanent {
		t.Errorf("connection refused: %v, want transient", err)
	}
}

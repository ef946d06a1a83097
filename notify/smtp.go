// Package notify delivers AlertifyPro's outgoing messages: the instance
// e-mail (invitations, escalations to users, reports) and the notification
// channels of SPEC §3.11 (channels.go: the type table and validation; one
// <type>.go per channel type; render.go: the shared message content).
package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// SMTP transport security modes (SMTP_TLS).
const (
	SMTPStartTLS = "starttls" // plain connect, then STARTTLS, which the server must offer
	SMTPTLS      = "tls"      // implicit TLS from the first byte (port 465)
	SMTPNone     = "none"     // no encryption (a relay on localhost or a trusted LAN)
)

// defaultSendTimeout bounds a send whose context carries no deadline, so a
// mail server that stops answering cannot hold a goroutine forever.
const defaultSendTimeout = 30 * time.Second

// ErrStartTLSUnavailable reports that SMTP_TLS is "starttls" but the server
// does not offer STARTTLS; the message is not sent in clear instead.
var ErrStartTLSUnavailable = errors.New("notify: SMTP server does not offer STARTTLS")

// SMTPConfig is where and how to deliver instance e-mail.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty: no AUTH
	Password string
	From     string // "Name <addr>" or a bare address
	TLS      string // SMTPStartTLS (default when empty), SMTPTLS or SMTPNone
	// RootCAs verifies the server certificate instead of the system roots
	// (a private CA, or a test server's self-signed certificate).
	RootCAs *x509.CertPool
	// HeloName is the name given in EHLO: the host of BASE_URL (HeloNameOf), so
	// receiving servers see a real name, not net/smtp's "localhost"; empty
	// sends "localhost".
	HeloName string
}

// Message is one e-mail: a plain-text body and, optionally, an HTML
// alternative of the same content.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// AutoSubmitted marks the message "Auto-Submitted: auto-generated" (RFC 3834), so
	// mail servers and vacation responders do not answer it (alert notifications).
	AutoSubmitted bool `json:",omitempty"`
	// MessageID, when set, is the left part of the message's Message-ID, whose right
	// part is the sender's domain ("<MessageID@domain>"); otherwise a fresh one is
	// made. InReplyTo, when set, is the left part of the message this one answers:
	// In-Reply-To and References name it, so mail clients thread the two.
	MessageID string `json:",omitempty"`
	InReplyTo string `json:",omitempty"`
	// ListUnsubscribe, when set, is an https (or http) one-click unsubscribe URL sent as
	// List-Unsubscribe with List-Unsubscribe-Post (RFC 8058), so mail clients offer an
	// unsubscribe button that POSTs to it (status-page subscriber mail).
	ListUnsubscribe string `json:",omitempty"`
	// Attachments are files sent with the message (multipart/mixed, base64), at most
	// MaxAttachmentBytes together (a scheduled report's PDF, CSV or JSON).
	Attachments []Attachment `json:",omitempty"`
}

// SMTPMailer sends Messages through the instance mail server. That server is
// the operator's own, configured in the environment, never a tenant's target,
// so it is dialled directly and not through the egress guard that fences
// checks and tenant notification channels.
type SMTPMailer struct {
	cfg SMTPConfig
	now func() time.Time
	// dialContext, when set, makes every connection (an email channel's own
	// server dials through the egress guard); nil dials directly.
	dialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewSMTPMailer returns a mailer for cfg; it does not connect until Send.
func NewSMTPMailer(cfg SMTPConfig) *SMTPMailer {
	if cfg.TLS == "" {
		cfg.TLS = SMTPStartTLS
	}
	return &SMTPMailer{cfg: cfg, now: time.Now}
}

// Send delivers msg in one SMTP session. The whole exchange honours ctx:
// its deadline (or 30 s) becomes the connection deadline, and cancelling
// ctx aborts a send in progress.
func (m *SMTPMailer) Send(ctx context.Context, msg Message) error {
	from, err := mail.ParseAddress(m.cfg.From)
	if err != nil {
		return fmt.Errorf("notify: SMTP from address %q: %w", m.cfg.From, err)
	}
	if len(msg.To) == 0 {
		return errors.New("notify: message has no recipients")
	}
	to := make([]*mail.Address, len(msg.To))
	for i, s := range msg.To {
		if to[i], err = mail.ParseAddress(s); err != nil {
			return fmt.Errorf("notify: recipient %q: %w", s, err)
		}
	}
	raw, err := buildMessage(from, to, msg, m.now())
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultSendTimeout)
		defer cancel()
	}
	conn, err := m.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	// A cancelled context expires the deadline at once, which unblocks any
	// read or write in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := m.session(conn, from.Address, to, raw); err != nil {
		// The connection deadline is the context's, and may fire a moment
		// before the context notices; both mean "out of time".
		if cause := ctx.Err(); cause != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return fmt.Errorf("notify: smtp %s: %w (%v)", m.addr(), cause, err)
		}
		return err
	}
	return nil
}

// HeloNameOf is the EHLO name for an appliance reached at baseURL: its host name, or
// an address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]") for an IP; "" when
// baseURL has no host.
func HeloNameOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	switch {
	case ip == nil && smtpHostname.MatchString(host):
		return strings.TrimSuffix(host, ".")
	case ip == nil:
		return ""
	case ip.To4() != nil:
		return "[" + ip.String() + "]"
	}
	return "[IPv6:" + ip.String() + "]"
}

func (m *SMTPMailer) addr() string {
	return net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
}

func (m *SMTPMailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: m.cfg.Host, RootCAs: m.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

// dial connects, with TLS from the start in "tls" mode.
func (m *SMTPMailer) dial(ctx context.Context) (net.Conn, error) {
	if m.cfg.TLS != SMTPTLS && m.cfg.TLS != SMTPStartTLS && m.cfg.TLS != SMTPNone {
		return nil, fmt.Errorf("notify: unknown SMTP TLS mode %q", m.cfg.TLS)
	}
	dial := m.dialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(ctx, "tcp", m.addr())
	if err != nil {
		return nil, fmt.Errorf("notify: smtp connect %s: %w", m.addr(), err)
	}
	if m.cfg.TLS == SMTPTLS {
		tc := tls.Client(conn, m.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("notify: smtp TLS handshake with %s: %w", m.addr(), err)
		}
		conn = tc
	}
	return conn, nil
}

// session runs EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA and QUIT on conn.
func (m *SMTPMailer) session(conn net.Conn, from string, to []*mail.Address, raw []byte) error {
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		return fmt.Errorf("notify: smtp greeting from %s: %w", m.addr(), err)
	}
	defer c.Close()
	if m.cfg.HeloName != "" {
		if err := c.Hello(m.cfg.HeloName); err != nil {
			return fmt.Errorf("notify: smtp EHLO: %w", err)
		}
	}
	if m.cfg.TLS == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return ErrStartTLSUnavailable
		}
		if err := c.StartTLS(m.tlsConfig()); err != nil {
			return fmt.Errorf("notify: smtp STARTTLS: %w", err)
		}
	}
	if m.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("notify: SMTP server does not offer AUTH but a username is configured")
		}
		// net/smtp's PLAIN refuses to send the password over a connection
		// that is neither TLS nor to localhost, which is the guard we want.
		auth := smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("notify: smtp AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("notify: smtp MAIL FROM: %w", err)
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("notify: smtp RCPT TO %s: %w", a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: smtp DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("notify: smtp message body: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: smtp message refused: %w", err)
	}
	// The server accepted the message at the end of DATA; a failed QUIT
	// does not undo that, so it is not reported as a failed send.
	_ = c.Quit()
	return nil
}

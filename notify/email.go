package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"slices"
	"time"
)

// smtpHostname is a DNS name; an IP literal is checked with net.ParseIP.
var smtpHostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$`)

// emailOwnSMTPFields are the optional settings of a channel's own server.
var emailOwnSMTPFields = []string{"smtp_host", "smtp_port", "smtp_username", "smtp_password", "smtp_from", "smtp_tls"}

// emailSender mails a text and HTML message to the channel's recipients,
// through the channel's own SMTP server (dialled through the egress guard)
// or, without one, the instance SMTP server.
type emailSender struct {
	to       []string
	own      *SMTPConfig // nil: the instance server
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	instance *SMTPMailer
	heloName string // the EHLO name for the channel's own server
	now      func() time.Time
}

func validateEmail(c *configCheck) {
	var to []string
	for _, entry := range c.list("to", true) {
		addrs, err := mail.ParseAddressList(entry)
		if err != nil {
			c.problem("to", "must list valid e-mail addresses")
			break
		}
		for _, a := range addrs {
			s := a.Address
			if a.Name != "" {
				s = a.String()
			}
			if !slices.Contains(to, s) {
				to = append(to, s)
			}
		}
	}
	if _, bad := c.problems["to"]; !bad && len(to) > 0 {
		c.clean["to"] = to
	}

	host := c.str("smtp_host", false, 253)
	if host != "" && net.ParseIP(host) == nil && !smtpHostname.MatchString(host) {
		c.problem("smtp_host", "must be a host name or IP address, without scheme or port")
	}
	port := c.port("smtp_port")
	user := c.str("smtp_username", false, 256)
	pass := c.str("smtp_password", false, maxFieldLength)
	from := c.str("smtp_from", false, 320)
	mode := c.oneOf("smtp_tls", SMTPStartTLS, SMTPStartTLS, SMTPTLS, SMTPNone)
	if host == "" {
		if c.in["smtp_tls"] != nil || port != 0 || user != "" || pass != "" || from != "" {
			c.problem("smtp_host", "is required with the other SMTP settings")
		}
		for _, k := range emailOwnSMTPFields {
			delete(c.clean, k)
		}
		return
	}
	if from == "" {
		c.problem("smtp_from", "is required with an own SMTP server")
	} else if _, err := mail.ParseAddress(from); err != nil {
		c.problem("smtp_from", "must be an e-mail address")
	}
	if port == 0 && mode != "" {
		c.clean["smtp_port"] = map[string]int{SMTPStartTLS: 587, SMTPTLS: 465, SMTPNone: 25}[mode]
	}
	if pass != "" && user == "" {
		c.problem("smtp_username", "is required with smtp_password")
	}
	if user != "" && mode == SMTPNone {
		c.problem("smtp_tls", "must be starttls or tls when a password is sent")
	}
}

func newEmailSender(cfg map[string]any, d Deps) (Sender, error) {
	to, _ := cfg["to"].([]string)
	s := &emailSender{to: to, dial: d.Dial, instance: d.InstanceMail, heloName: d.HeloName, now: time.Now}
	if host := cfgString(cfg, "smtp_host"); host != "" {
		if d.Dial == nil {
			return nil, configError("email", "no dialer for the channel's SMTP server")
		}
		port, _ := cfg["smtp_port"].(int)
		s.own = &SMTPConfig{Host: host, Port: port, Username: cfgString(cfg, "smtp_username"),
			Password: cfgString(cfg, "smtp_password"), From: cfgString(cfg, "smtp_from"), TLS: cfgString(cfg, "smtp_tls")}
	}
	return s, nil
}

// Send mails the message in one SMTP session. A 5xx reply (bad recipient,
// failed AUTH), a server without the STARTTLS it must offer, an
// unverifiable certificate or an egress refusal are permanent; 4xx replies
// and network failures are retried.
func (s *emailSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	var msg Message
	if n.Mail != nil {
		msg = *n.Mail
		msg.To = s.to
	} else {
		msg = alertMail(n, renderMessage(n, s.now()), s.to)
	}
	mailer := s.instance
	if s.own != nil {
		own := *s.own
		own.HeloName = s.heloName
		mailer = NewSMTPMailer(own)
		mailer.now = s.now
		mailer.dialContext = s.dial
	}
	if mailer == nil {
		return configFailure("email", "no SMTP server configured")
	}
	if err := mailer.Send(ctx, msg); err != nil {
		var a Attempt
		var reply *textproto.Error
		if errors.As(err, &reply) {
			a.Response = firstChars([]byte(fmt.Sprintf("%d %s", reply.Code, reply.Msg)), maxAnswerChars)
		}
		return failed(a, smtpPermanent(err), fmt.Errorf("email: %w", err))
	}
	return Attempt{}, nil
}

// alertMail is the e-mail of an alert notification: marked auto-generated, and
// threaded: the alert's first message (fired) has a Message-ID made from the alert,
// and every later one (reminder, acknowledged, resolved) answers it, so a mail
// client shows one conversation per alert. A retry of a delivery sends the same
// Message-ID (the delivery's), so a receiving server can drop the duplicate.
func alertMail(n *Notification, m renderedMessage, to []string) Message {
	msg := Message{To: to, Subject: "[AlertifyPro] " + m.Headline, Text: m.textBody(), HTML: m.htmlBody(),
		AutoSubmitted: true, MessageID: "delivery-" + n.ID}
	if n.AlertID != "" {
		root := "alert-" + n.AlertID
		if n.Event == "alert.fired" {
			msg.MessageID = root
		} else {
			msg.InReplyTo = root
		}
	}
	return msg
}

// smtpPermanent reports whether an SMTP failure cannot be fixed by retrying.
func smtpPermanent(err error) bool {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code >= 500
	}
	return errors.Is(err, ErrStartTLSUnavailable) || errors.Is(err, ErrAttachmentTooLarge) || permanentTransportError(err)
}

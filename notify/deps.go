package notify

import (
	"net/http"

	"github.com/alertifypro/alertifypro/egress"
)

// maxRedirects is how many redirects a notification delivery follows, each judged by the
// egress guard.
const maxRedirects = 5

// NewDeps builds the outbound means of every delivery, test sends included: the HTTP
// client whose every connection and redirect (at most 5) goes through the egress guard,
// the guard's dialer for e-mail channels with their own SMTP server, and the instance SMTP
// server (smtp nil: none configured). The client has no timeout of its own; each attempt
// is bounded by its context.
func NewDeps(g *egress.Guard, smtp *SMTPConfig, userAgent string) Deps {
	d := Deps{UserAgent: userAgent,
		HTTP: &http.Client{Transport: g.Transport(false), CheckRedirect: g.CheckRedirect(maxRedirects)},
		Dial: g.DialContext}
	if smtp != nil {
		d.InstanceMail = NewSMTPMailer(*smtp)
	}
	return d
}

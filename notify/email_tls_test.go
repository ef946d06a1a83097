package notify

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Encrypted delivery through the email channel sender (not only the instance mailer)
// to a real in-process SMTP server: implicit TLS and STARTTLS, on the channel's own
// server and on the instance server, with both MIME parts checked as received.

// checkAlertMail asserts a delivered alert mail: its subject and both parts, text and
// HTML, carrying the fired or the resolved content.
func checkAlertMail(t *testing.T, raw []byte, n *Notification) {
	t.Helper()
	p := parseDelivered(t, raw)
	text, html := p.parts["text/plain"], p.parts["text/html"]
	wantSubject, wantText, wantHTML := "[AlertifyPro] API is down",
		[]string{"API is down: connection refused", "Endpoint: https://api.example.com/health (http)", "Acknowledge: " + n.AckURL},
		[]string{"<!doctype html>", "connection refused", `href="` + n.AckURL + `"`, `href="` + n.AlertURL + `"`}
	if n.Event == "alert.resolved" {
		wantSubject = "[AlertifyPro] API is up again"
		wantText = []string{"API was down for 12 minutes.", "Endpoint: https://api.example.com/health (http)"}
		wantHTML = []string{"<!doctype html>", "API was down for 12 minutes.", `href="` + n.AlertURL + `"`}
	}
	if p.subject != wantSubject {
		t.Errorf("subject = %q, want %q", p.subject, wantSubject)
	}
	for _, want := range wantText {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range wantHTML {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
}

func TestEmailChannelOwnSMTPImplicitTLSWithAuth(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{user: "mailer", pass: "s3cret"}
	port := startSMTPServer(t, be, implicitTLS, cert)
	var dials atomic.Int32
	s := mustSender(t, "email", ownSMTPConfig(port, "tls", "mailer", "s3cret"), Deps{Dial: countingDial(&dials)})
	s.(*emailSender).own.RootCAs = pool

	for _, n := range []*Notification{firedNotification(), resolvedNotification()} {
		mustSend(t, s, n)
	}
	msgs := be.messages()
	if len(msgs) != 2 || dials.Load() != 2 {
		t.Fatalf("%d messages, %d dials through Deps.Dial; want 2, 2", len(msgs), dials.Load())
	}
	for i, n := range []*Notification{firedNotification(), resolvedNotification()} {
		if m := msgs[i]; !m.TLS || m.User != "mailer" || m.From != "alerts@example.org" ||
			strings.Join(m.To, ",") != "ops@example.com,oncall@example.com" {
			t.Errorf("message %d envelope = %+v", i, m)
		}
		checkAlertMail(t, msgs[i].Data, n)
	}
}

func TestEmailChannelViaInstanceMailOverTLS(t *testing.T) {
	for name, tc := range map[string]struct {
		mode   testServerMode
		tlsCfg string
	}{"starttls": {startTLS, SMTPStartTLS}, "implicit tls": {implicitTLS, SMTPTLS}} {
		t.Run(name, func(t *testing.T) {
			cert, pool := selfSignedCert(t)
			be := &smtpBackend{user: "instance", pass: "pw"}
			port := startSMTPServer(t, be, tc.mode, cert)
			instance := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "AlertifyPro <instance@example.org>",
				TLS: tc.tlsCfg, Username: "instance", Password: "pw", RootCAs: pool})
			s := mustSender(t, "email", validConfigs["email"], Deps{InstanceMail: instance})
			mustSend(t, s, firedNotification())
			msgs := be.messages()
			if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "instance" || msgs[0].From != "instance@example.org" ||
				strings.Join(msgs[0].To, ",") != "ops@example.com,grace@example.com" {
				t.Fatalf("messages = %+v", msgs)
			}
			checkAlertMail(t, msgs[0].Data, firedNotification())
		})
	}
}

// The whole path: outbox entries for an email channel, the OutboxSender, the channel's
// sender, STARTTLS to a real server. Fired and resolved arrive once each, in order.
func TestOutboxDeliversEmailChannelOverStartTLS(t *testing.T) {
	cert, pool := selfSignedCert(t)
	be := &smtpBackend{user: "mailer", pass: "s3cret"}
	port := startSMTPServer(t, be, startTLS, cert)
	env := newOutboxEnv(t)
	s := env.sender("")
	s.Resolve = func(e *store.OutboxEntry) (Sender, error) {
		snd, err := NewSender("email", ownSMTPConfig(port, "starttls", "mailer", "s3cret"),
			Deps{Dial: countingDial(new(atomic.Int32))})
		if err == nil {
			snd.(*emailSender).own.RootCAs = pool
		}
		return snd, err
	}
	var ids []string
	for _, n := range []*Notification{firedNotification(), resolvedNotification()} {
		n.ID = "" // the outbox entry's id becomes the notification's
		raw, _ := json.Marshal(n)
		e := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: "mail", Event: n.Event, Notification: raw}
		if err := env.db.Enqueue(env.orgID, e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
		env.clock.Advance(time.Second)
	}
	if n := pass(t, s); n != 2 {
		t.Fatalf("attempted %d, want 2", n)
	}
	msgs := be.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages received, want 2", len(msgs))
	}
	for i, n := range []*Notification{firedNotification(), resolvedNotification()} {
		if !msgs[i].TLS {
			t.Errorf("message %d was not encrypted", i)
		}
		checkAlertMail(t, msgs[i].Data, n)
	}
	logs, _, _ := env.db.Deliveries(env.orgID, store.DeliveryFilter{TargetID: "mail"})
	if len(logs) != 2 || logs[0].EntryID != ids[1] || logs[1].EntryID != ids[0] || logs[0].Outcome != store.DeliveryDelivered {
		t.Errorf("delivery logs = %+v", logs)
	}
}

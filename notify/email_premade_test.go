package notify

import (
	"encoding/json"
	"strings"
	"testing"
)

// A notification carrying a rendered Mail is sent as it is, to the sender's recipients,
// with the RFC 8058 one-click unsubscribe headers; the Mail survives the outbox's JSON.
func TestEmailSendsPremadeMailWithListUnsubscribe(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	instance := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "instance@example.org", TLS: SMTPNone})
	s := mustSender(t, "email", map[string]any{"to": []string{"sub@example.com"}}, Deps{InstanceMail: instance})
	raw, err := json.Marshal(&Notification{Event: "subscriber.incident", Mail: &Message{To: []string{"ignored@example.com"},
		Subject: "[Acme] API down — investigating", Text: "plain body", HTML: "<p>html body</p>",
		ListUnsubscribe: "https://status.example.com/api/v1/public/subscriptions/unsubscribe?token=t1"}})
	if err != nil {
		t.Fatal(err)
	}
	var n Notification
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	mustSend(t, s, &n)
	msgs := be.messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "sub@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
	p := parseDelivered(t, msgs[0].Data)
	if p.subject != "[Acme] API down — investigating" || p.parts["text/plain"] != "plain body" || p.parts["text/html"] != "<p>html body</p>" {
		t.Errorf("delivered %q %v", p.subject, p.parts)
	}
	if got := p.header.Get("List-Unsubscribe"); got != "<https://status.example.com/api/v1/public/subscriptions/unsubscribe?token=t1>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := p.header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
}

package notify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

// TestSMTPMailerSendsAttachments mails a text+HTML message with two files through a real
// SMTP server on loopback and reads it back as a mail client would: multipart/mixed, the
// alternative body first, then each file base64-encoded in lines of 76, byte for byte,
// under its (RFC 2231-encoded) name. The message survives a trip through the outbox's
// JSON as well.
func TestSMTPMailerSendsAttachments(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	m := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: port, From: "alerts@example.org", TLS: SMTPNone})
	binary := make([]byte, 3000)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	msg := testMessage
	msg.Attachments = []Attachment{
		{Filename: "sla-report-2026-11-01.pdf", ContentType: "application/pdf", Data: binary},
		{Filename: "Zürich.csv", ContentType: "text/csv; charset=utf-8", Data: []byte("a,b\r\n")},
	}
	raw, err := json.Marshal(&Notification{Mail: &msg}) // as the outbox stores it
	if err != nil {
		t.Fatal(err)
	}
	var n Notification
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(sendCtx(t), *n.Mail); err != nil {
		t.Fatal(err)
	}
	got := be.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	parsedMsg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, _ := mime.ParseMediaType(parsedMsg.Header.Get("Content-Type"))
	if mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q, want multipart/mixed", mt)
	}
	mr := multipart.NewReader(parsedMsg.Body, params["boundary"])
	var types []string
	files := map[string][]byte{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ptype, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		types = append(types, ptype)
		if part.FileName() == "" {
			continue
		}
		body, _ := io.ReadAll(part)
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\r\n") {
			if len(line) > 76 {
				t.Errorf("base64 line of %d characters", len(line))
			}
		}
		data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", ""))
		if err != nil {
			t.Fatal(err)
		}
		files[part.FileName()] = data
	}
	if strings.Join(types, ",") != "multipart/alternative,application/pdf,text/csv" {
		t.Errorf("parts = %v", types)
	}
	if !bytes.Equal(files["sla-report-2026-11-01.pdf"], binary) || string(files["Zürich.csv"]) != "a,b\r\n" {
		t.Errorf("attachments came back as %d files: %q", len(files), files["Zürich.csv"])
	}
}

// TestAttachmentLimits: more than MaxAttachmentBytes together, or too many files, are
// refused before anything is sent.
func TestAttachmentLimits(t *testing.T) {
	if err := CheckAttachments([]Attachment{{Data: make([]byte, MaxAttachmentBytes)}}); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
	big := []Attachment{{Data: make([]byte, MaxAttachmentBytes/2+1)}, {Data: make([]byte, MaxAttachmentBytes/2)}}
	if err := CheckAttachments(big); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if err := CheckAttachments(make([]Attachment, maxAttachments+1)); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("too many files: %v", err)
	}
	msg := testMessage
	msg.Attachments = big
	m := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: 1, From: "alerts@example.org", TLS: SMTPNone})
	if err := m.Send(sendCtx(t), msg); !errors.Is(err, ErrAttachmentTooLarge) {
		t.Errorf("Send over the limit: %v, want ErrAttachmentTooLarge before connecting", err)
	}
}

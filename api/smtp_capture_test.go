package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/alertifypro/alertifypro/config"
)

// capturedMail is one message the in-process SMTP server accepted, decoded.
type capturedMail struct {
	To      []string
	Subject string
	Text    string
	HTML    string
}

// smtpCapture is a real SMTP server (go-smtp) on 127.0.0.1 that records
// what it receives.
type smtpCapture struct {
	mu   sync.Mutex
	raw  [][]byte
	to   [][]string
	port int
}

func (s *smtpCapture) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &captureSession{srv: s}, nil
}

type captureSession struct {
	srv *smtpCapture
	to  []string
}

func (s *captureSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *captureSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *captureSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.raw, s.srv.to = append(s.srv.raw, raw), append(s.srv.to, s.to)
	s.srv.mu.Unlock()
	return nil
}
func (s *captureSession) Reset()        { s.to = nil }
func (s *captureSession) Logout() error { return nil }

// startSMTPCapture runs the server until the test ends.
func startSMTPCapture(t *testing.T) *smtpCapture {
	t.Helper()
	capture := &smtpCapture{}
	srv := gosmtp.NewServer(capture)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	capture.port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return capture
}

// configure points the instance SMTP settings at the capture server.
func (s *smtpCapture) configure(cfg *config.Config) {
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = "127.0.0.1", s.port, "none"
	cfg.SMTPFrom = "AlertifyPro <noreply@alertify.example>"
}

// messages decodes everything received so far as a mail client would
// (RFC 2047 subject, multipart/alternative, quoted-printable).
func (s *smtpCapture) messages(t *testing.T) []capturedMail {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]capturedMail, 0, len(s.raw))
	for i, raw := range s.raw {
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("message does not parse: %v", err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		got := capturedMail{To: s.to[i], Subject: subject}
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(m.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("multipart body: %v", err)
			}
			body, _ := io.ReadAll(part)
			switch mt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); mt {
			case "text/plain":
				got.Text = string(body)
			case "text/html":
				got.HTML = string(body)
			}
		}
		out = append(out, got)
	}
	return out
}

package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// buildMessage renders msg as an RFC 5322 message: From, To, an RFC 2047
// encoded Subject, Date and Message-ID headers (In-Reply-To, References and
// Auto-Submitted when msg asks for them), and the body of messageBody; with
// attachments, a multipart/mixed of that body and the files (base64).
// Bodies are quoted-printable, so any UTF-8 and long lines travel safely.
func buildMessage(from *mail.Address, to []*mail.Address, msg Message, now time.Time) ([]byte, error) {
	id := "<" + msgIDPart(msg.MessageID) + "@" + messageDomain(from.Address) + ">"
	if msgIDPart(msg.MessageID) == "" {
		var err error
		if id, err = messageID(from.Address); err != nil {
			return nil, err
		}
	}
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.String()
	}
	var buf bytes.Buffer
	header := func(k, v string) {
		if !strings.HasPrefix(v, "\r\n") { // a folded value may start on the next line
			v = " " + v
		}
		buf.WriteString(k + ":" + v + "\r\n")
	}
	// mail.Address.String encodes a non-ASCII display name itself.
	header("From", from.String())
	// To and Subject are folded (RFC 5322: lines of at most 78 characters where
	// possible, 998 at most): a long list of recipients or a long service name
	// would otherwise make a line that servers refuse or cut.
	header("To", foldHeader(len("To: "), rcpts, ","))
	header("Subject", foldHeader(len("Subject: "), strings.Fields(mime.QEncoding.Encode("utf-8", oneLine(msg.Subject))), ""))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	if part := msgIDPart(msg.InReplyTo); part != "" {
		reply := "<" + part + "@" + messageDomain(from.Address) + ">"
		header("In-Reply-To", reply)
		header("References", reply)
	}
	if msg.AutoSubmitted {
		header("Auto-Submitted", "auto-generated")
	}
	header("MIME-Version", "1.0")
	if u := oneLine(msg.ListUnsubscribe); u != "" && !strings.ContainsAny(u, "<>") {
		header("List-Unsubscribe", "<"+u+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}

	contentType, encoding, body, err := messageBody(msg)
	if err != nil {
		return nil, err
	}
	if len(msg.Attachments) == 0 {
		header("Content-Type", contentType)
		if encoding != "" {
			header("Content-Transfer-Encoding", encoding)
		}
		buf.WriteString("\r\n")
		buf.Write(body)
		return buf.Bytes(), nil
	}
	// With attachments: multipart/mixed, the message's own body first, then each file.
	mw := multipart.NewWriter(&buf)
	header("Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	first := textproto.MIMEHeader{"Content-Type": {contentType}}
	if encoding != "" {
		first.Set("Content-Transfer-Encoding", encoding)
	}
	pw, err := mw.CreatePart(first)
	if err != nil {
		return nil, err
	}
	if _, err := pw.Write(body); err != nil {
		return nil, err
	}
	if err := writeAttachments(mw, msg.Attachments); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// messageBody renders the message's text (and HTML) as a MIME body: one quoted-printable
// text part, or a multipart/alternative with the text part first and the HTML part last
// (mail clients show the last alternative they understand). encoding is the body's
// Content-Transfer-Encoding, "" for a multipart.
func messageBody(msg Message) (contentType, encoding string, body []byte, err error) {
	var buf bytes.Buffer
	if msg.HTML == "" {
		if err := writeQuotedPrintable(&buf, msg.Text); err != nil {
			return "", "", nil, err
		}
		return "text/plain; charset=utf-8", "quoted-printable", buf.Bytes(), nil
	}
	mw := multipart.NewWriter(&buf)
	parts := []struct{ contentType, body string }{
		{"text/plain; charset=utf-8", msg.Text},
		{"text/html; charset=utf-8", msg.HTML},
	}
	for _, p := range parts {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return "", "", nil, err
		}
		if err := writeQuotedPrintable(pw, p.body); err != nil {
			return "", "", nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return "", "", nil, err
	}
	return `multipart/alternative; boundary="` + mw.Boundary() + `"`, "", buf.Bytes(), nil
}

// writeQuotedPrintable encodes body onto w (line breaks become CRLF).
func writeQuotedPrintable(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, body); err != nil {
		return err
	}
	return qp.Close()
}

// oneLine folds a subject to a single line, so a newline in user-supplied
// text (an organization name) can never start a new header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// maxHeaderLine is the line length RFC 5322 asks header lines to keep to.
const maxHeaderLine = 78

// foldHeader joins parts, each followed by sep but the last, with a space, and
// folds the result (CRLF and a space) before a part that would take the line past
// maxHeaderLine; first is the length of the field name and ": " already on the
// first line. A single part longer than a line stays whole.
func foldHeader(first int, parts []string, sep string) string {
	var b strings.Builder
	line := first
	for i, p := range parts {
		if i < len(parts)-1 {
			p += sep
		}
		switch {
		case i == 0 && line+1+len(p) > maxHeaderLine:
			b.WriteString("\r\n ")
			line = 1
		case i == 0:
		case line+1+len(p) > maxHeaderLine:
			b.WriteString("\r\n")
			line = 0
			fallthrough
		default:
			b.WriteString(" ")
			line++
		}
		b.WriteString(p)
		line += len(p)
	}
	return b.String()
}

// msgIDPart keeps the characters a Message-ID's left part may hold (RFC 5322
// dot-atom text, without the few that need care), so nothing can break the header.
func msgIDPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+=", r) {
			return r
		}
		return -1
	}, s)
}

// messageDomain is the domain of the sender's address, where Message-IDs are made.
func messageDomain(fromAddr string) string {
	if _, d, ok := strings.Cut(fromAddr, "@"); ok && d != "" {
		return d
	}
	return "alertifypro.invalid"
}

// messageID returns a fresh, globally unique Message-ID in the sender's
// domain.
func messageID(fromAddr string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("notify: message id: %w", err)
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + messageDomain(fromAddr) + ">", nil
}

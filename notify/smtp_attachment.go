package notify

import (
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// MaxAttachmentBytes bounds the files of one message together (before base64). An e-mail
// rides in the outbox, which is one database value per recipient and, in a cluster, one
// Raft entry: a few MiB keep both cheap, and mail servers commonly refuse 10 MiB and more
// once base64 has grown it by a third.
const MaxAttachmentBytes = 4 << 20

// maxAttachments bounds the number of files of one message.
const maxAttachments = 10

// ErrAttachmentTooLarge refuses a message whose files exceed MaxAttachmentBytes.
var ErrAttachmentTooLarge = errors.New("notify: attachments exceed the size limit")

// Attachment is a file sent with a message (a scheduled report). Data travels through
// the outbox as base64 JSON, like any []byte.
type Attachment struct {
	Filename    string
	ContentType string // "application/pdf"; empty: application/octet-stream
	Data        []byte
}

// CheckAttachments reports whether files fit the limits (count and total size).
func CheckAttachments(files []Attachment) error {
	if len(files) > maxAttachments {
		return fmt.Errorf("%w: %d files, at most %d", ErrAttachmentTooLarge, len(files), maxAttachments)
	}
	total := 0
	for _, a := range files {
		total += len(a.Data)
	}
	if total > MaxAttachmentBytes {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrAttachmentTooLarge, total, MaxAttachmentBytes)
	}
	return nil
}

// writeAttachments adds each file to mw as a base64 part with Content-Disposition
// attachment; the file name is RFC 2231-encoded when it is not plain ASCII.
func writeAttachments(mw *multipart.Writer, files []Attachment) error {
	if err := CheckAttachments(files); err != nil {
		return err
	}
	for _, a := range files {
		ctype := a.ContentType
		if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
			ctype = "application/octet-stream"
		}
		name := oneLine(a.Filename)
		if name == "" {
			name = "attachment"
		}
		disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
		if disposition == "" {
			disposition = "attachment"
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {ctype},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {disposition},
		})
		if err != nil {
			return err
		}
		// Lines of 76 characters, as RFC 2045 requires of base64 bodies.
		enc := base64.StdEncoding.EncodeToString(a.Data)
		var b strings.Builder
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
		if _, err := pw.Write([]byte(b.String())); err != nil {
			return err
		}
	}
	return nil
}

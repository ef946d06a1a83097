package notify

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// updateGolden rewrites testdata/golden from what the senders send now:
// go test ./notify -run TestGolden -update. Review every changed file against the
// provider's documented format before committing it.
var updateGolden = flag.Bool("update", false, "rewrite the golden files of TestGoldenRendering")

// hostileName is a service name that is Markdown, HTML, a masked link, a mention
// and a heading at once: every channel must show it as text.
const hostileName = "*bold* <b>x</b> _x_ [x](http://evil) @channel # H"

// goldenNotifications are one alert's fired, acknowledged and resolved
// notifications as the alerting package words them, about hostileName.
func goldenNotifications() map[string]*Notification {
	fired := firedNotification()
	fired.ServiceName, fired.Rule = hostileName, hostileName
	fired.Title = hostileName + " is down"
	fired.Error = "@here <script>x</script> [x](http://evil)\n# H"
	fired.Summary = fired.Title + ": " + fired.Error

	acked := *fired
	acked.ID, acked.Event, acked.AckURL, acked.Actor = "7a3e9c10-5b2d-4f6e-8a1b-2c3d4e5f6a7b", "alert.acknowledged", "", "Ada Lovelace"
	acked.Title = fired.Title + ", acknowledged by Ada Lovelace"
	acked.Summary = "The alert no longer escalates."

	resolved := *fired
	at := channelsNow
	resolved.ID, resolved.Event, resolved.AckURL, resolved.Status, resolved.Error = "8b4f0d21-6c3e-4a7f-9b2c-3d4e5f6a7b8c", "alert.resolved", "", "GREEN", ""
	resolved.Title, resolved.Summary = hostileName+" is up again", ""
	resolved.Since, resolved.ResolvedAt, resolved.DownFor = channelsNow.Add(-40*time.Second), &at, 40*time.Second
	fired.FailingRegions = []string{"eu-west", "us-east"} // a service checked from several locations
	return map[string]*Notification{"fired": fired, "acknowledged": &acked, "resolved": &resolved}
}

// TestGoldenRendering pins what every channel type sends for a fired, an
// acknowledged and a resolved alert about hostileName: request line, headers and
// body as the provider receives them (testdata/golden/<type>.<event>.golden).
func TestGoldenRendering(t *testing.T) {
	for _, typ := range ChannelTypes() {
		for event, n := range goldenNotifications() {
			t.Run(typ+"/"+event, func(t *testing.T) {
				var got string
				if typ == "email" {
					got = goldenEmail(t, n)
				} else {
					r := receiverFor(t, typ)
					mustSend(t, senderAt(t, typ, r), n)
					got = goldenRequest(t, r.last(t), r.srv.URL)
				}
				checkGolden(t, filepath.Join("testdata", "golden", typ+"."+event+".golden"), got)
			})
		}
	}
}

// checkGolden compares got with the file at path, or writes it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./notify -run TestGolden -update, then review the file)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s\nwant:\n%s", path, got, want)
	}
}

// goldenSkippedHeaders vary with the Go version or the connection, not with us.
var goldenSkippedHeaders = []string{"Accept-Encoding", "Content-Length", "User-Agent"}

// goldenRequest prints a captured request: method, path and query (the receiver's
// address replaced), the headers, and the body, JSON indented and forms one field a
// line.
func goldenRequest(t *testing.T, req hookRequest, base string) string {
	t.Helper()
	var b strings.Builder
	line := req.Method + " " + req.Path
	if req.Query != "" {
		line += "?" + req.Query
	}
	b.WriteString(line + "\n")
	var names []string
	for k := range req.Header {
		if !slices.Contains(goldenSkippedHeaders, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			b.WriteString(k + ": " + strings.ReplaceAll(v, base, "http://receiver") + "\n")
		}
	}
	b.WriteString("\n")
	switch ct := req.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/json"):
		var out bytes.Buffer
		if err := json.Indent(&out, req.Body, "", "  "); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		b.WriteString(out.String() + "\n")
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(req.Body))
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, 0, len(form))
		for k := range form {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s=%q\n", k, form.Get(k))
		}
	default:
		b.WriteString(string(req.Body) + "\n")
	}
	return b.String()
}

// boundary matches the random multipart boundary of a mail.
var boundary = regexp.MustCompile(`[0-9a-f]{60}`)

// goldenEmail sends n through an email channel to a real SMTP server on loopback and
// prints the message as delivered: envelope, EHLO name and the raw message, its
// random MIME boundary replaced.
func goldenEmail(t *testing.T, n *Notification) string {
	t.Helper()
	be := &smtpBackend{}
	port := startSMTPServer(t, be, plainOnly, nil)
	var dials atomic.Int32
	cfg := ownSMTPConfig(port, "none", "", "")
	s := mustSender(t, "email", cfg, Deps{Dial: countingDial(&dials), HeloName: "status.example.com"})
	s.(*emailSender).now = func() time.Time { return channelsNow }
	mustSend(t, s, n)
	msgs := be.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	raw := boundary.ReplaceAllString(strings.ReplaceAll(string(m.Data), "\r\n", "\n"), "BOUNDARY")
	return fmt.Sprintf("EHLO %s\nMAIL FROM:<%s>\nRCPT TO:%v\n\n%s", m.Helo, m.From, m.To, raw)
}

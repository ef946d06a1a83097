package notify

import (
	"strings"
	"testing"
	"time"
)

func TestRenderFired(t *testing.T) {
	m := renderMessage(firedNotification(), channelsNow)
	if m.Headline != "Firing: API health Triggered by Check" || m.Icon != "🔴" || m.Recovered {
		t.Fatalf("message = %+v", m)
	}
	want := `Firing: API health Triggered by Check
API is down: connection refused

Service: API
Endpoint: https://api.example.com/health (http)
Status: RED
Severity: critical
Error: dial tcp 203.0.113.7:443: connect: connection refused
Since: 2025-03-14T10:25:00Z (5 minutes ago)
Organization: Acme

View alert: https://alertify.example.com/alerts/alert-1
Acknowledge: https://alertify.example.com/api/v1/alerts/alert-1/ack?token=tok123`
	if got := m.textBody(); got != want {
		t.Fatalf("text:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderRecovery(t *testing.T) {
	m := renderMessage(resolvedNotification(), channelsNow)
	if m.Headline != "Resolved: API health Triggered by Check" || !m.Recovered || m.color() != 0x12B76A {
		t.Fatalf("message = %+v", m)
	}
	text := m.textBody()
	for _, want := range []string{
		"API is up again. API was down for 12 minutes.",
		"Resolved: 2025-03-14T10:30:00Z (just now)",
		"Since: 2025-03-14T10:18:00Z (12 minutes ago)",
		"Down for: 12 minutes",
		"View alert: https://alertify.example.com/alerts/alert-1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("recovery text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Acknowledge") || strings.Contains(text, "Error:") {
		t.Errorf("a recovery offers no acknowledge link and no stale error:\n%s", text)
	}

	// Without DownFor, the time between firing and resolution counts.
	n := resolvedNotification()
	n.DownFor, n.Summary = 0, ""
	n.Since = channelsNow.Add(-(time.Hour + 5*time.Minute + 20*time.Second))
	if got := renderMessage(n, channelsNow).Summary; got != "API was down for 1 hour 5 minutes." {
		t.Fatalf("summary from ResolvedAt − Since = %q", got)
	}
}

func TestRenderEventsAndLinks(t *testing.T) {
	cases := []struct {
		event, status string
		ackLink       bool
	}{
		{"alert.fired", "Firing", true},
		{"alert.reminder", "Still firing", true},
		{"alert.acknowledged", "Acknowledged", false},
		{"test", "Test", true},
		{"monitor.down", "Monitor down", true},
	}
	for _, tc := range cases {
		n := firedNotification()
		n.Event = tc.event
		m := renderMessage(n, channelsNow)
		hasAck := strings.Contains(m.textBody(), "Acknowledge: ")
		if m.Status != tc.status || hasAck != tc.ackLink {
			t.Errorf("%s: status %q, ack link %v; want %q, %v", tc.event, m.Status, hasAck, tc.status, tc.ackLink)
		}
	}
	n := &Notification{Event: "test"}
	if m := renderMessage(n, channelsNow); m.Headline != "Test: AlertifyPro notification" || len(m.Facts) != 0 {
		t.Errorf("empty test notification renders %+v", m)
	}
}

func TestAgoAndHumanDuration(t *testing.T) {
	agos := map[time.Duration]string{
		10 * time.Second: "just now", time.Minute: "1 minute ago", 5*time.Minute + 59*time.Second: "5 minutes ago",
		time.Hour: "1 hour ago", 23 * time.Hour: "23 hours ago", 50 * time.Hour: "2 days ago", -time.Hour: "just now",
	}
	for d, want := range agos {
		if got := ago(channelsNow.Add(-d), channelsNow); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
	durations := map[time.Duration]string{
		45 * time.Second: "45 seconds", time.Second: "1 second", 12*time.Minute + 30*time.Second: "12 minutes",
		time.Hour: "1 hour", 61 * time.Minute: "1 hour 1 minute", 51 * time.Hour: "2 days 3 hours", 48 * time.Hour: "2 days",
	}
	for d, want := range durations {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRenderEscapesUserText(t *testing.T) {
	n := firedNotification()
	n.ServiceName = "<b>x</b> *bold* [link](https://evil.example) <!channel>"
	n.Error = `@channel <script>alert("x")</script>`
	m := renderMessage(n, channelsNow)
	if md := m.markdownBody(); strings.Contains(md, "[link](") || strings.Contains(md, " *bold*") {
		t.Errorf("markdown lets formatting through:\n%s", md)
	}
	if h := m.htmlBody(); strings.Contains(h, "<script>") || strings.Contains(h, "<b>x</b>") {
		t.Errorf("HTML lets markup through:\n%s", h)
	}
	if h := m.inlineHTML("\n"); strings.Contains(h, "<script>") || !strings.Contains(h, "&lt;b&gt;x") {
		t.Errorf("inline HTML lets markup through:\n%s", h)
	}
	if s := escapeSlack(n.ServiceName); strings.Contains(s, "<!channel>") {
		t.Errorf("Slack text keeps a mention: %q", s)
	}
	if s := noMentions(n.Error); strings.Contains(s, "@channel") {
		t.Errorf("noMentions(%q) = %q", n.Error, s)
	}
	long := renderMessage(&Notification{Event: "alert.fired", Error: strings.Repeat("e", 2000)}, channelsNow)
	if v := long.Facts[len(long.Facts)-1].Value; len([]rune(v)) != maxErrorChars || !strings.HasSuffix(v, "…") {
		t.Errorf("a long error is not cut to %d characters: %d", maxErrorChars, len([]rune(v)))
	}
}

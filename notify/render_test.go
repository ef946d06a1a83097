package notify

import (
	"strings"
	"testing"
	"time"
)

func TestRenderFired(t *testing.T) {
	m := renderMessage(firedNotification(), channelsNow)
	if m.Headline != "API is down" || m.Icon != "🔴" || m.Recovered {
		t.Fatalf("message = %+v", m)
	}
	want := `API is down
API is down: connection refused

Service: API
Rule: API health
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
	n := resolvedNotification()
	n.Error = "dial tcp: connection refused" // the error of the failure it ends
	m := renderMessage(n, channelsNow)
	if m.Headline != "API is up again" || !m.Recovered || m.color() != 0x12B76A {
		t.Fatalf("message = %+v", m)
	}
	text := m.textBody()
	for _, want := range []string{
		"API is up again\nAPI was down for 12 minutes.\n",
		"Resolved: 2025-03-14T10:30:00Z (just now)",
		"Since: 2025-03-14T10:18:00Z (12 minutes ago)",
		"View alert: https://alertify.example.com/alerts/alert-1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("recovery text lacks %q:\n%s", want, text)
		}
	}
	// The downtime is said once, in words; the old error and the acknowledge link are gone.
	if strings.Count(text, "12 minutes") != 2 || strings.Count(text, "down for") != 1 ||
		strings.Contains(text, "Acknowledge") || strings.Contains(text, "Error:") || strings.Contains(text, "refused") {
		t.Errorf("recovery text:\n%s", text)
	}

	// Without DownFor, the time between firing and resolution counts.
	n = resolvedNotification()
	n.DownFor, n.Summary = 0, ""
	n.Since = channelsNow.Add(-(time.Hour + 5*time.Minute + 20*time.Second))
	if got := renderMessage(n, channelsNow).Summary; got != "API was down for 1 hour 5 minutes." {
		t.Fatalf("summary from ResolvedAt − Since = %q", got)
	}
	// A resolve by hand: the producer's sentence, then the downtime.
	n.Title, n.Summary, n.Actor = "API alert resolved by Ada Lovelace", "Resolved by Ada Lovelace", "Ada Lovelace"
	if got := renderMessage(n, channelsNow); got.Headline != n.Title || got.Summary != "Resolved by Ada Lovelace. API was down for 1 hour 5 minutes." {
		t.Fatalf("resolved by hand: %q / %q", got.Headline, got.Summary)
	}
}

func TestRenderTitlesOfOlderEntries(t *testing.T) {
	// An entry queued by an earlier version carries "<rule> Triggered by Check".
	for event, want := range map[string]string{"alert.fired": "API is down", "alert.reminder": "API is still down",
		"alert.acknowledged": "API is down, acknowledged by Ada", "alert.resolved": "API is up again"} {
		n := firedNotification()
		n.Event, n.Title, n.Actor = event, "API health Triggered by Check", "Ada"
		if got := renderMessage(n, channelsNow).Headline; got != want {
			t.Errorf("%s: %q, want %q", event, got, want)
		}
	}
}

func TestMarkdownEscapesLineStarts(t *testing.T) {
	for in, want := range map[string]string{
		"# H":                  `\# H`,
		"- item\n+ item":       "\\- item\n\\+ item",
		"1. first\n12) second": "1\\. first\n12\\) second",
		"    code":             "code",
		"===":                  `\===`,
		"a # b - c 1. d":       "a # b - c 1. d",
		"*b* [x](y) <b>":       `\*b\* \[x\](y) \<b\>`,
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
	n := firedNotification()
	n.Summary = "# Oops\n- connection refused"
	if md := renderMessage(n, channelsNow).markdownBody(); !strings.Contains(md, "\n\\# Oops\n\\- connection refused\n") {
		t.Errorf("markdown body:\n%s", md)
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

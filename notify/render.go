package notify

import (
	"fmt"
	"strings"
	"time"
)

// maxErrorChars bounds the check error quoted in a message.
const maxErrorChars = 500

// messageFact is one labelled line of a message: "Service: API".
type messageFact struct{ Name, Value string }

// messageLink is one call to action: "View alert", "Acknowledge".
type messageLink struct{ Label, URL string }

// renderedMessage is a Notification in words, shared by every channel type:
// what fired, the service and endpoint, status and error, since when, the
// links; a recovery says how long it was down (SPEC §3.11). Channels lay it
// out in their own format; the values are raw text, escaped by each layout.
type renderedMessage struct {
	Icon         string // an emoji for chat headlines
	Status       string // "Firing", "Still firing", "Acknowledged", "Resolved", "Test", ...
	Title        string
	Headline     string // "Firing: <title>"
	Summary      string
	Facts        []messageFact
	Links        []messageLink
	Severity     string
	Recovered    bool
	Acknowledged bool
	Test         bool
	When         time.Time // when it happened: resolution time or firing time (zero if unknown)
}

// recoveryEvents end an alert, whatever their source.
var recoveryEvents = map[string]bool{"alert.resolved": true, "monitor.recovered": true, testEventClose: true,
	"heartbeat.recovered": true, "incident.resolved": true}

// renderMessage puts n into words as of now.
func renderMessage(n *Notification, now time.Time) renderedMessage {
	m := renderedMessage{Severity: n.Severity, Summary: strings.TrimSpace(n.Summary), When: n.Since}
	m.Recovered = recoveryEvents[n.Event] || (n.ResolvedAt != nil && n.Event != "test")
	m.Acknowledged = n.Event == "alert.acknowledged"
	m.Test = n.Event == "test"
	switch {
	case m.Test:
		m.Status, m.Icon = "Test", "🧪"
	case m.Recovered:
		m.Status, m.Icon = "Resolved", "✅"
	case m.Acknowledged:
		m.Status, m.Icon = "Acknowledged", "👀"
	case n.Event == "alert.reminder":
		m.Status, m.Icon = "Still firing", severityIcon(n.Severity)
	case n.Event == "alert.fired" || n.Event == "":
		m.Status, m.Icon = "Firing", severityIcon(n.Severity)
	default: // a webhook event such as monitor.down
		m.Status, m.Icon = eventLabel(n.Event), severityIcon(n.Severity)
	}
	m.Title = messageTitle(n, m.Status)
	m.Headline = m.Title

	// A recovery states its downtime once, in words, and not the error it had.
	downFor := n.DownFor
	if downFor <= 0 && n.ResolvedAt != nil && !n.Since.IsZero() {
		downFor = n.ResolvedAt.Sub(n.Since)
	}
	if m.Recovered && downFor > 0 && !strings.Contains(m.Summary, "was down for") {
		who := n.ServiceName
		if who == "" {
			who = "It"
		}
		m.Summary = joinSentences(m.Summary, who+" was down for "+humanDuration(downFor)+".")
	}
	if m.Recovered && n.ResolvedAt != nil {
		m.When = *n.ResolvedAt
	}
	m.Facts = messageFacts(n, m.Recovered, now)

	if n.AlertURL != "" {
		m.Links = append(m.Links, messageLink{"View alert", n.AlertURL})
	}
	if n.AckURL != "" && !m.Recovered && !m.Acknowledged {
		m.Links = append(m.Links, messageLink{"Acknowledge", n.AckURL})
	}
	return m
}

// messageFacts are the labelled lines of a message, in order; a value that is empty is
// left out. A recovery drops the error of the failure it ends.
func messageFacts(n *Notification, recovered bool, now time.Time) []messageFact {
	var facts []messageFact
	add := func(name, value string) {
		if value = strings.TrimSpace(value); value != "" {
			facts = append(facts, messageFact{name, value})
		}
	}
	add("Service", n.ServiceName)
	if n.Rule != n.ServiceName {
		add("Rule", n.Rule)
	}
	endpoint := n.Endpoint
	if n.CheckType != "" && endpoint != "" {
		endpoint += " (" + n.CheckType + ")"
	}
	add("Endpoint", endpoint)
	add("Status", n.Status)
	add("Failing locations", strings.Join(n.FailingRegions, ", "))
	add("Severity", n.Severity)
	if !recovered {
		add("Error", truncateChars(n.Error, maxErrorChars))
	}
	if !n.Since.IsZero() {
		add("Since", formatWhen(n.Since, now))
	}
	if recovered && n.ResolvedAt != nil {
		add("Resolved", formatWhen(*n.ResolvedAt, now))
	}
	add("Organization", n.OrgName)
	return facts
}

// messageTitle is n's title: the producer's, which reads as a person would write it
// ("Toggle API is down"), or one worded from the event and the service when there is
// none, or only the alert's "<rule> Triggered by Check" (an entry queued by an earlier
// version).
func messageTitle(n *Notification, status string) string {
	title := strings.TrimSpace(n.Title)
	if title != "" && !strings.HasSuffix(title, " Triggered by Check") {
		return title
	}
	subject := n.ServiceName
	if subject == "" {
		subject = strings.TrimSuffix(title, " Triggered by Check")
	}
	if subject == "" {
		return status + ": AlertifyPro notification"
	}
	switch n.Event {
	case "alert.fired", "":
		return subject + " is down"
	case "alert.reminder":
		return subject + " is still down"
	case "alert.acknowledged":
		if n.Actor != "" {
			return subject + " is down, acknowledged by " + n.Actor
		}
		return subject + " is down, acknowledged"
	case "alert.resolved":
		return subject + " is up again"
	}
	return status + ": " + subject
}

// joinSentences appends sentence to text, ending text with a full stop first.
func joinSentences(text, sentence string) string {
	if text == "" {
		return sentence
	}
	if !strings.ContainsAny(text[len(text)-1:], ".!?") {
		text += "."
	}
	return text + " " + sentence
}

// line is the message in one line, title then summary, without saying the same twice:
// "API is down: connection refused", "API is up again. API was down for 40 seconds."
func (m renderedMessage) line() string {
	switch {
	case m.Summary == "":
		return m.Title
	case strings.Contains(m.Summary, m.Title): // "Escalation level 2: API is down: …"
		return m.Summary
	case strings.HasSuffix(m.Summary, "."):
		return joinSentences(m.Title, m.Summary)
	}
	return m.Title + ": " + m.Summary
}

// severityIcon is the coloured dot of a firing alert.
func severityIcon(severity string) string {
	switch severity {
	case "critical":
		return "🔴"
	case "warning":
		return "🟠"
	}
	return "🔵"
}

// eventLabel turns "monitor.down" into "Monitor down".
func eventLabel(event string) string {
	s := strings.NewReplacer(".", " ", "_", " ").Replace(event)
	if s == "" {
		return "Notification"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// color is the message's colour as 0xRRGGBB: green on recovery, purple when
// acknowledged, otherwise by severity.
func (m renderedMessage) color() int {
	switch {
	case m.Recovered:
		return 0x12B76A
	case m.Acknowledged:
		return 0x7A5AF8
	case m.Test:
		return 0x667085
	case m.Severity == "critical":
		return 0xD92D20
	case m.Severity == "warning":
		return 0xF79009
	}
	return 0x2E90FA
}

// hexColor is color as "#rrggbb".
func (m renderedMessage) hexColor() string { return fmt.Sprintf("#%06x", m.color()) }

// formatWhen renders t as RFC 3339 (UTC) with a relative time:
// "2024-05-01T10:00:00Z (5 minutes ago)".
func formatWhen(t, now time.Time) string {
	return t.UTC().Format(time.RFC3339) + " (" + ago(t, now) + ")"
}

// ago says how long before now t was, in its largest unit: "just now",
// "5 minutes ago", "2 hours ago", "3 days ago".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

// humanDuration renders d in at most two units: "45 seconds",
// "12 minutes", "1 hour 5 minutes", "2 days 3 hours".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return plural(int(d/time.Second), "second")
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return joinUnits(int(d/time.Hour), "hour", int(d%time.Hour/time.Minute), "minute")
	}
	return joinUnits(int(d/(24*time.Hour)), "day", int(d%(24*time.Hour)/time.Hour), "hour")
}

func joinUnits(n1 int, unit1 string, n2 int, unit2 string) string {
	if n2 == 0 {
		return plural(n1, unit1)
	}
	return plural(n1, unit1) + " " + plural(n2, unit2)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// truncateChars cuts s to at most n characters, marking a cut with "…".
func truncateChars(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

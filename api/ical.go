package api

import (
	"strings"
	"time"
)

// iCalendar is a minimal RFC 5545 writer for the on-call feed: VEVENTs with UTC times,
// text escaped and lines folded at 75 octets.
type iCalendar struct {
	b     strings.Builder
	stamp string
}

func newICalendar(now time.Time) *iCalendar {
	c := &iCalendar{stamp: icalTime(now)}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//AlertifyPro//On-call//EN")
	c.line("CALSCALE:GREGORIAN")
	c.line("X-WR-CALNAME:On call")
	return c
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icalText escapes a TEXT value (RFC 5545 §3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "").Replace(s)
}

// line writes one content line, folded: a line longer than 75 octets continues on the
// next after CRLF and a space, never splitting a UTF-8 sequence.
func (c *iCalendar) line(s string) {
	for len(s) > 75 {
		cut := 75
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		c.b.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
	}
	c.b.WriteString(s + "\r\n")
}

func (c *iCalendar) event(uid, summary string, start, end time.Time) {
	c.line("BEGIN:VEVENT")
	c.line("UID:" + icalText(uid))
	c.line("DTSTAMP:" + c.stamp)
	c.line("DTSTART:" + icalTime(start))
	c.line("DTEND:" + icalTime(end))
	c.line("SUMMARY:" + icalText(summary))
	c.line("END:VEVENT")
}

func (c *iCalendar) bytes() []byte {
	c.line("END:VCALENDAR")
	return []byte(c.b.String())
}

package notify

import (
	"html"
	"strings"
	"unicode/utf8"
)

// textBody lays the message out as plain text (e-mail, SMS, Pushover):
//
//	Firing: API Triggered by Check
//	API is down: connection refused
//
//	Service: API
//	...
//
//	View alert: https://...
func (m renderedMessage) textBody() string {
	var b strings.Builder
	b.WriteString(m.Headline + "\n")
	if m.Summary != "" {
		b.WriteString(m.Summary + "\n")
	}
	if len(m.Facts) > 0 {
		b.WriteString("\n")
		for _, f := range m.Facts {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
	}
	if len(m.Links) > 0 {
		b.WriteString("\n")
		for _, l := range m.Links {
			b.WriteString(l.Label + ": " + l.URL + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// plainBody is textBody without the headline and the links, for the providers that
// show the title and the links on their own (ntfy's Title header and action buttons).
func (m renderedMessage) plainBody() string {
	var lines []string
	if m.Summary != "" {
		lines = append(lines, m.Summary, "")
	}
	for _, f := range m.Facts {
		lines = append(lines, f.Name+": "+f.Value)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// truncateBytes cuts s to at most n bytes of whole UTF-8 characters, marking a cut
// with "...".
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// markdownBody lays the message out in common Markdown (Mattermost, Rocket.Chat,
// Gotify, ntfy, Discord), values escaped so they cannot add formatting or links.
func (m renderedMessage) markdownBody() string {
	var b strings.Builder
	b.WriteString("**" + escapeMarkdown(m.Icon+" "+m.Headline) + "**\n")
	if m.Summary != "" {
		b.WriteString(escapeMarkdown(m.Summary) + "\n")
	}
	if len(m.Facts) > 0 {
		b.WriteString("\n")
		for _, f := range m.Facts {
			b.WriteString("**" + f.Name + ":** " + escapeMarkdown(f.Value) + "  \n")
		}
	}
	if links := m.markdownLinks(); links != "" {
		b.WriteString("\n" + links)
	}
	return strings.TrimRight(b.String(), " \n")
}

// markdownLinks renders the links as "[View alert](…) · [Acknowledge](…)".
func (m renderedMessage) markdownLinks() string {
	parts := make([]string, len(m.Links))
	for i, l := range m.Links {
		parts[i] = "[" + l.Label + "](" + markdownURL(l.URL) + ")"
	}
	return strings.Join(parts, " · ")
}

// markdownEscaper backslash-escapes the characters that start Markdown
// emphasis, code, tables, links and HTML.
var markdownEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`",
	"|", `\|`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`)

// escapeMarkdown makes s literal text in Markdown: the inline syntax escaped anywhere,
// and a line that would start a heading, list, quote or rule escaped at its start.
func escapeMarkdown(s string) string { return escapeLineStarts(markdownEscaper.Replace(s)) }

// escapeLineStarts backslash-escapes the block syntax a line of s could start with:
// "# ", "- ", "+ ", "= " (setext underline), "1. " and "1) ". Leading blanks are dropped,
// so four of them cannot start a code block either.
func escapeLineStarts(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		t := strings.TrimLeft(line, " \t")
		switch {
		case t == "":
		case strings.IndexByte("#-+=", t[0]) >= 0:
			t = `\` + t
		default:
			digits := 0
			for digits < len(t) && t[digits] >= '0' && t[digits] <= '9' {
				digits++
			}
			if digits > 0 && digits < len(t) && (t[digits] == '.' || t[digits] == ')') {
				t = t[:digits] + `\` + t[digits:]
			}
		}
		lines[i] = t
	}
	return strings.Join(lines, "\n")
}

// markdownURL makes a URL safe inside "(…)" of a Markdown link.
func markdownURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
}

// noMentions defuses "@channel", "@all" and "@here" in text from checks, so
// an error message cannot page a whole chat channel: a zero-width space
// after "@" keeps the text readable but unmatched.
func noMentions(s string) string { return strings.ReplaceAll(s, "@", "@\u200b") }

// inlineHTML lays the message out in the small HTML subset Telegram and
// Matrix accept (b, a), with br as the line break (Telegram takes "\n").
func (m renderedMessage) inlineHTML(br string) string {
	// A line break inside a value (a multi-line check error) breaks the line too.
	esc := func(s string) string { return strings.ReplaceAll(html.EscapeString(s), "\n", br) }
	var lines []string
	lines = append(lines, "<b>"+esc(m.Icon+" "+m.Headline)+"</b>")
	if m.Summary != "" {
		lines = append(lines, esc(m.Summary))
	}
	if len(m.Facts) > 0 {
		lines = append(lines, "")
		for _, f := range m.Facts {
			lines = append(lines, "<b>"+esc(f.Name)+":</b> "+esc(f.Value))
		}
	}
	if len(m.Links) > 0 {
		links := make([]string, len(m.Links))
		for i, l := range m.Links {
			links[i] = `<a href="` + esc(l.URL) + `">` + esc(l.Label) + "</a>"
		}
		lines = append(lines, "", strings.Join(links, " | "))
	}
	return strings.Join(lines, br)
}

// htmlBody lays the message out as an e-mail HTML body: a heading in the
// message colour, the summary, a table of facts and link buttons.
func (m renderedMessage) htmlBody() string {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#101828">`)
	b.WriteString(`<h2 style="margin:0 0 8px;color:` + m.hexColor() + `">` + esc(m.Headline) + "</h2>\n")
	if m.Summary != "" {
		b.WriteString("<p>" + esc(m.Summary) + "</p>\n")
	}
	if len(m.Facts) > 0 {
		b.WriteString(`<table cellpadding="4" style="border-collapse:collapse">` + "\n")
		for _, f := range m.Facts {
			b.WriteString(`<tr><th align="left" style="color:#475467">` + esc(f.Name) + "</th><td>" +
				esc(f.Value) + "</td></tr>\n")
		}
		b.WriteString("</table>\n")
	}
	if len(m.Links) > 0 {
		b.WriteString("<p>")
		for _, l := range m.Links {
			b.WriteString(`<a href="` + esc(l.URL) + `" style="display:inline-block;margin-right:8px;padding:8px 14px;` +
				`background:#344054;color:#fff;border-radius:4px;text-decoration:none">` + esc(l.Label) + "</a>")
		}
		b.WriteString("</p>\n")
	}
	b.WriteString(`<p style="color:#667085;font-size:12px">Sent by AlertifyPro.</p></body></html>`)
	return b.String()
}

// slackEscaper escapes the three characters Slack's mrkdwn gives meaning to
// (<…> is a link or a mention such as <!channel>).
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeSlack(s string) string { return slackEscaper.Replace(s) }

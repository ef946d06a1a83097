package notify

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText is the plain-text part of a rendered HTML fragment: its text (entities decoded,
// so an incident titled "<script>" reads as that), a line break for <br> and around
// blocks, links as "label: URL", and nothing of <script>, <style> or <head>.
func htmlText(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var out strings.Builder
	var href string
	var label strings.Builder
	skip := 0
	inLink := false
	write := func(s string) {
		if inLink {
			label.WriteString(s)
		} else {
			out.WriteString(s)
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(out.String())
		case html.TextToken:
			if skip == 0 {
				write(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Head || a == atom.Title:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case a == atom.Br:
				write("\n")
			case a == atom.A && tt == html.StartTagToken:
				href, inLink = "", true
				label.Reset()
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = string(v)
					}
				}
			case a == atom.A && tt == html.EndTagToken && inLink:
				inLink = false
				text := strings.TrimSpace(label.String())
				switch {
				case href == "" || text == href:
					out.WriteString(text)
				case text == "":
					out.WriteString(href)
				default:
					out.WriteString(text + ": " + href)
				}
			case blockElement[a]:
				write("\n\n")
			}
		}
	}
}

// blockElement are the elements that start a new paragraph in the plain part.
var blockElement = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Tr: true,
	atom.Table: true, atom.Blockquote: true, atom.Hr: true, atom.Pre: true}

var (
	spaceRun     = regexp.MustCompile(`[ \t\r\n]+`)
	blankLineRun = regexp.MustCompile(`\n{3,}`)
)

// collapseSpace folds runs of white space (HTML source formatting) into one space.
func collapseSpace(s string) string { return spaceRun.ReplaceAllString(s, " ") }

// tidyText trims every line and keeps at most one blank line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return blankLineRun.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
}

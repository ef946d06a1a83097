package reports

import (
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The PDF's text is set in the Go fonts, embedded as TrueType (UTF-8) rather than fpdf's
// core fonts, which know only cp1252: "Zürich", "Kraków" and "Αθήνα" print as themselves
// and pdftotext reads them back. The Go fonts cover Latin, Greek and Cyrillic but not
// CJK; a character they lack (東京) prints as "?" instead of an empty box, so a reader
// sees that something is missing. The CSV and JSON reports carry every name verbatim.
// Embedding a CJK font would add ~10 MB to the binary for every install; not worth it.
const (
	fontFamily   = "go"
	missingGlyph = "?"
)

// goRegular is the parsed regular face, to ask which runes it has. Parsed once on first
// use and only read after: a constant in all but name, not mutable state.
var goRegular = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(goregular.TTF) })

// printable replaces every rune the Go fonts have no glyph for with missingGlyph, and
// control characters with a space.
func printable(s string) string {
	f, err := goRegular()
	if err != nil {
		return s
	}
	var buf sfnt.Buffer
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			return []rune(missingGlyph)[0]
		}
		return r
	}, s)
}

// fontBytes are the regular and bold faces embedded in every report.
func fontBytes() (regular, bold []byte) { return goregular.TTF, gobold.TTF }

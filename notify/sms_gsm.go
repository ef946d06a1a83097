package notify

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// gsmFold holds close GSM-7 equivalents of characters status-page text often holds
// (typography, the letters of French and Spanish that GSM 03.38 lacks); letters with
// other diacritics fall back to their base letter (ToGSM7).
var gsmFold = map[rune]string{
	'…': "...", '—': "-", '–': "-", '‐': "-", '‑': "-", '−': "-", '‘': "'", '’': "'", '‚': "'", '`': "'", '´': "'",
	'“': `"`, '”': `"`, '„': `"`, '«': `"`, '»': `"`, '‹': "'", '›': "'", '\t': " ", '\u00a0': " ", '\u202f': " ",
	'\u2009': " ", '•': "-", '·': "-", '×': "x", 'ç': "c", 'œ': "oe", 'Œ': "OE", 'ẞ': "SS", '©': "(c)", '®': "(R)",
	'™': "TM", '°': " deg", '≤': "<=", '≥': ">=", '→': "->", '←': "<-",
}

// ToGSM7 returns s in the GSM 03.38 7-bit alphabet (basic set and extension): every
// other character becomes its gsmFold equivalent, else its base letter without
// diacritics (ô → o), else "?". Texts to subscribers are sent this way rather than
// switched to UCS-2, which would fit 70 characters in a segment instead of 160; the
// page languages (en, de, fr, es) lose only accents that readers restore themselves.
func ToGSM7(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isGSM(r):
			b.WriteRune(r)
		case gsmFold[r] != "":
			b.WriteString(gsmFold[r])
		default:
			b.WriteString(gsmBase(r))
		}
	}
	return b.String()
}

// gsmBase is r's decomposition without its combining marks when that is GSM-7, else "?".
func gsmBase(r rune) string {
	if unicode.IsSpace(r) {
		return " "
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
		case isGSM(d):
			b.WriteRune(d)
		default:
			return "?"
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}

// isGSM reports whether r is in the GSM 03.38 basic set or its extension.
func isGSM(r rune) bool {
	return strings.ContainsRune(gsmBasic, r) || strings.ContainsRune(gsmExtension, r)
}

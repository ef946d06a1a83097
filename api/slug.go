package api

import (
	"strings"
	"unicode"
)

// slugify derives a URL slug from a name: lower case, letters and digits
// kept, every other run of characters becomes one "-" (so spaces become
// "-", as SPEC §3.16 asks), trimmed to 60 characters. An empty result
// becomes "org" so a slug always exists; the store makes it unique.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "org"
	}
	return s
}

// validSlug reports whether s is a slug a user may choose: 2–60 characters
// of a–z, 0–9 and inner dashes.
func validSlug(s string) bool {
	if len(s) < 2 || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

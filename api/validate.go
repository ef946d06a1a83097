package api

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits for free-text fields (SPEC §2: strings are length-limited).
const (
	maxNameLen        = 200
	maxDescriptionLen = 2000
	maxEmailLen       = 254
)

// fieldErrors collects validation problems so one answer lists them all.
type fieldErrors map[string]string

// add records msg for field unless the field already has a problem.
func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// text checks a free-text field (a description, a message, a note): trimmed, required
// or not, at most max runes, and no control characters but tab and line breaks (SPEC
// §12): a NUL or an escape sequence in stored text ends up in e-mails, logs and terminals.
func (f fieldErrors) text(field, value string, required bool, max int) string {
	v := strings.TrimSpace(value)
	switch {
	case required && v == "":
		f.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		f.add(field, "must be at most "+strconv.Itoa(max)+" characters")
	case strings.IndexFunc(v, isControlInText) >= 0:
		f.add(field, "must not contain control characters")
	}
	return v
}

// name checks a name, title or label: text on one line, so no control character at all,
// no line or paragraph separator, and no bidirectional override or isolate, which can
// make a name display as another one ("Trojan Source") (SPEC §12). Every name field of
// every resource goes through here, and so does the importer, through the same
// validators.
func (f fieldErrors) name(field, value string, required bool, max int) string {
	v := f.text(field, value, required, max)
	if strings.IndexFunc(v, isForbiddenInName) >= 0 {
		f.add(field, "must be one line without control characters")
	}
	return v
}

// isControlInText reports the control characters free text refuses: Unicode category Cc
// (C0, DEL, C1) except tab, line feed and carriage return.
func isControlInText(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// isForbiddenInName reports what a name refuses on top of isControlInText: tab and line
// breaks, U+2028/U+2029, and the bidirectional embeddings, overrides (U+202A–U+202E) and
// isolates (U+2066–U+2069).
func isForbiddenInName(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// email checks and normalizes an e-mail address (lower case).
func (f fieldErrors) email(field, value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	if v == "" {
		f.add(field, "is required")
		return v
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || len(v) > maxEmailLen {
		f.add(field, "must be a valid e-mail address")
	}
	return v
}

// err returns the 422 error when any field failed, else nil.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return errValidation(f)
}

package api

import (
	"net/mail"
	"strconv"
	"strings"
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

// text checks a free-text field: trimmed, required or not, at most max runes.
func (f fieldErrors) text(field, value string, required bool, max int) string {
	v := strings.TrimSpace(value)
	switch {
	case required && v == "":
		f.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		f.add(field, "must be at most "+strconv.Itoa(max)+" characters")
	}
	return v
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

package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml/token"
)

// yamlWriter writes JSON values, as json.Marshal renders our configuration items, as
// block-style YAML, straight to w: no tree is built, so an export costs what its JSON
// costs plus a pass over each item's bytes. Keys keep their JSON order, so a YAML and a
// JSON export hold the same document key for key. Strings are plain where that reads
// back as the same string and double-quoted (with escapes) everywhere else, so every
// string round-trips through the importer (TestYAMLScalarRoundTrip, FuzzYAMLScalar).
//
// The layout is the usual one: "key: value", a nested mapping indented two spaces, a
// sequence's "- " at its key's indentation, empty collections as {} and [].
type yamlWriter struct {
	w   *bufio.Writer
	src []byte // the JSON value being written
	pos int
}

// item writes one JSON value as an entry of a block sequence at indentation 0.
func (y *yamlWriter) item(raw []byte) error {
	y.src, y.pos = raw, 0
	y.w.WriteByte('-')
	return y.value(0, true)
}

// value writes the JSON value at pos after a "-" (entry) or a "key:" at indent. A nested
// collection follows a "-" on the same line, indented past it; under a key it starts on
// the next line, a mapping indented by two and a sequence at the key's own indentation.
func (y *yamlWriter) value(indent int, entry bool) error {
	c := y.src[y.pos]
	if c != '{' && c != '[' {
		y.w.WriteByte(' ')
		return y.scalar()
	}
	if y.empty() {
		if c == '{' {
			y.w.WriteString(" {}\n")
		} else {
			y.w.WriteString(" []\n")
		}
		return nil
	}
	if entry {
		y.w.WriteByte(' ')
		if c == '{' {
			return y.mapping(indent+2, true)
		}
		return y.sequence(indent+2, true)
	}
	y.w.WriteByte('\n')
	if c == '{' {
		return y.mapping(indent+2, false)
	}
	return y.sequence(indent, false)
}

// mapping writes the non-empty JSON object at pos with its keys at indent; inline means
// the first key follows on the current line (after "- ").
func (y *yamlWriter) mapping(indent int, inline bool) error {
	y.pos++ // {
	for first := true; y.src[y.pos] != '}'; first = false {
		if !first {
			y.pos++ // ,
		}
		if !inline || !first {
			y.indent(indent)
		}
		key, err := y.jsonString()
		if err != nil {
			return err
		}
		y.writeScalarString(key)
		y.w.WriteByte(':')
		y.pos++ // :
		if err := y.value(indent, false); err != nil {
			return err
		}
	}
	y.pos++ // }
	return nil
}

// sequence writes the non-empty JSON array at pos with its "- " at indent; inline means
// the first entry follows on the current line.
func (y *yamlWriter) sequence(indent int, inline bool) error {
	y.pos++ // [
	for first := true; y.src[y.pos] != ']'; first = false {
		if !first {
			y.pos++ // ,
		}
		if !inline || !first {
			y.indent(indent)
		}
		y.w.WriteByte('-')
		if err := y.value(indent, true); err != nil {
			return err
		}
	}
	y.pos++ // ]
	return nil
}

// empty reports whether the object or array at pos is empty, and if so steps over it.
func (y *yamlWriter) empty() bool {
	if y.src[y.pos+1] == '}' || y.src[y.pos+1] == ']' {
		y.pos += 2
		return true
	}
	return false
}

func (y *yamlWriter) indent(n int) {
	for range n {
		y.w.WriteByte(' ')
	}
}

// scalar writes the JSON string, number or literal at pos, and a line break.
func (y *yamlWriter) scalar() error {
	switch c := y.src[y.pos]; {
	case c == '"':
		s, err := y.jsonString()
		if err != nil {
			return err
		}
		y.writeScalarString(s)
	case c == 't' || c == 'f' || c == 'n': // true, false, null: the same words in YAML
		end := y.pos
		for end < len(y.src) && y.src[end] >= 'a' && y.src[end] <= 'z' {
			end++
		}
		y.w.Write(y.src[y.pos:end])
		y.pos = end
	default:
		end := y.pos
		for end < len(y.src) && strings.IndexByte("+-.0123456789eE", y.src[end]) >= 0 {
			end++
		}
		y.writeNumber(y.src[y.pos:end])
		y.pos = end
	}
	y.w.WriteByte('\n')
	return nil
}

// writeNumber writes a JSON number so the YAML library reads the same number back: it
// reads "1e-07" as a string, and an integer too large for 64 bits too, so those are
// spelled out as decimals with a fraction ("0.0000001", "100000000000000000000.0").
func (y *yamlWriter) writeNumber(num []byte) {
	if !bytes.ContainsAny(num, "eE") && (len(num) < 19 || bytes.IndexByte(num, '.') >= 0 || fits64Bits(num)) {
		y.w.Write(num)
		return
	}
	text := string(num)
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		y.w.Write(num) // not a number json.Marshal writes; the importer will say so
		return
	}
	text = strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(text, ".") {
		text += ".0"
	}
	y.w.WriteString(text)
}

// fits64Bits reports whether the integer num fits an int64 or a uint64.
func fits64Bits(num []byte) bool {
	_, errInt := strconv.ParseInt(string(num), 10, 64)
	_, errUint := strconv.ParseUint(string(num), 10, 64)
	return errInt == nil || errUint == nil
}

// jsonString reads the JSON string at pos.
func (y *yamlWriter) jsonString() (string, error) {
	start := y.pos
	escaped := false
	for y.pos++; y.src[y.pos] != '"'; y.pos++ {
		if y.src[y.pos] == '\\' {
			escaped = true
			y.pos++
		}
	}
	y.pos++
	if !escaped {
		return string(y.src[start+1 : y.pos-1]), nil
	}
	var s string
	if err := json.Unmarshal(y.src[start:y.pos], &s); err != nil {
		return "", fmt.Errorf("yaml export: %w", err)
	}
	return s, nil
}

// writeScalarString writes s plain when it reads back as the same string, else quoted.
func (y *yamlWriter) writeScalarString(s string) {
	if plainYAMLSafe(s) {
		y.w.WriteString(s)
		return
	}
	writeDoubleQuoted(y.w, s)
}

// plainYAMLSafe reports whether s, written as a plain YAML scalar after "key: " or "- ",
// reads back as the string s: one line of printable characters, no leading or trailing
// space, no indicator in front, no ": " or " #" inside (nor "#" or "\\" at all, for the
// reader's sake), and nothing the YAML library would read as another type (a number, a
// boolean, null, a timestamp).
func plainYAMLSafe(s string) bool {
	if s == "" || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`<=~. \t", s[0]) >= 0 ||
		strings.Contains(s, ": ") || strings.ContainsAny(s, "#\\") || s[len(s)-1] == ':' || s[len(s)-1] == ' ' {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r > unicode.MaxASCII && (!unicode.IsPrint(r) || r == '\u00a0' || r == '\ufeff') {
			return false
		}
	}
	if len(s) <= 5 {
		switch strings.ToLower(s) {
		case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
			return false // booleans and null, also to YAML 1.1 readers
		}
	}
	// What the library reads as a number or a timestamp starts with a digit or a sign
	// ("-" and "." are refused above); asking it is slow, so only those are asked.
	if c := s[0]; c >= '0' && c <= '9' || c == '+' {
		return !token.IsNeedQuoted(s)
	}
	return true
}

// writeDoubleQuoted writes s as a YAML double-quoted scalar: backslash and quote
// escaped, every control, format, separator and non-printable character as an escape,
// printable characters as they are.
func writeDoubleQuoted(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\n':
			w.WriteString(`\n`)
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		default:
			switch {
			case r < ' ' || r == 0x7f:
				fmt.Fprintf(w, `\x%02x`, r)
			case r > unicode.MaxASCII && (!unicode.IsPrint(r) || r == '\u00a0'):
				if r > 0xffff {
					fmt.Fprintf(w, `\U%08x`, r)
				} else {
					fmt.Fprintf(w, `\u%04x`, r)
				}
			default:
				w.WriteRune(r)
			}
		}
	}
	w.WriteByte('"')
}

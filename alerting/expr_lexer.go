package alerting

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lexer turns an expression into tokens on demand, one token ahead of the
// parser, so the first error reported is always the leftmost one.

// tokenKind says what a token is. Keywords (true, false, contains,
// startsWith, matches) are identifiers; the parser tells them apart.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokIdent
	tokNumber
	tokString
	tokLParen
	tokRParen
	tokNot
	tokAnd
	tokOr
	tokEq
	tokNe
	tokLt
	tokLe
	tokGt
	tokGe
)

// token is one lexeme: its kind, its byte offset, its source text and, for
// literals, its value.
type token struct {
	kind tokenKind
	pos  int
	text string  // source text; empty for tokEOF
	str  string  // decoded value of a string literal
	num  float64 // value of a number literal
}

// describe names the token for error messages ("found ...").
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return "a string"
	}
	return "'" + t.text + "'"
}

// operatorHint suggests the operator a user probably meant by word.
func operatorHint(word string) string {
	switch strings.ToLower(word) {
	case "and":
		return "&&"
	case "or":
		return "||"
	case "not":
		return "!"
	case "contains":
		return "contains"
	case "startswith":
		return "startsWith"
	case "matches":
		return "matches"
	}
	return ""
}

// lexer reads tokens from src, starting at pos.
type lexer struct {
	src string
	pos int
}

// next returns the next token, or a *ParseError at the offending byte.
func (l *lexer) next() (token, *ParseError) {
	for l.pos < len(l.src) && strings.IndexByte(" \t\r\n", l.src[l.pos]) >= 0 {
		l.pos++
	}
	start := l.pos
	if start == len(l.src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '"':
		return l.lexString()
	case c >= '0' && c <= '9':
		return l.lexNumber()
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tokIdent, pos: start, text: l.src[start:l.pos]}, nil
	}
	// Two-byte operators first, so that ">=" is not read as ">" then "=".
	if start+2 <= len(l.src) {
		if k, ok := twoCharOp(l.src[start : start+2]); ok {
			l.pos += 2
			return token{kind: k, pos: start, text: l.src[start:l.pos]}, nil
		}
	}
	if k, ok := oneCharOp(c); ok {
		l.pos++
		return token{kind: k, pos: start, text: l.src[start:l.pos]}, nil
	}
	switch c {
	case '=':
		return token{}, &ParseError{Pos: start, Msg: "unexpected '='; use == to compare"}
	case '&':
		return token{}, &ParseError{Pos: start, Msg: "unexpected '&'; use && for and"}
	case '|':
		return token{}, &ParseError{Pos: start, Msg: "unexpected '|'; use || for or"}
	}
	r, size := utf8.DecodeRuneInString(l.src[start:])
	if r == utf8.RuneError && size == 1 {
		return token{}, &ParseError{Pos: start, Msg: "invalid UTF-8"}
	}
	return token{}, &ParseError{Pos: start, Msg: fmt.Sprintf("unexpected character %q", r)}
}

// twoCharOp reports the token kind of a two-byte operator.
func twoCharOp(s string) (tokenKind, bool) {
	switch s {
	case "&&":
		return tokAnd, true
	case "||":
		return tokOr, true
	case "==":
		return tokEq, true
	case "!=":
		return tokNe, true
	case "<=":
		return tokLe, true
	case ">=":
		return tokGe, true
	}
	return 0, false
}

// oneCharOp reports the token kind of a one-byte operator or parenthesis.
func oneCharOp(c byte) (tokenKind, bool) {
	switch c {
	case '(':
		return tokLParen, true
	case ')':
		return tokRParen, true
	case '!':
		return tokNot, true
	case '<':
		return tokLt, true
	case '>':
		return tokGt, true
	}
	return 0, false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lexNumber reads digits with an optional fraction: 5000, 0.5, 99.95.
func (l *lexer) lexNumber() (token, *ParseError) {
	start := l.pos
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		if l.pos == len(l.src) || !isDigit(l.src[l.pos]) {
			return token{}, &ParseError{Pos: l.pos, Msg: "expected a digit after '.'"}
		}
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	text := l.src[start:l.pos]
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// The syntax is checked above, so only the range can be wrong.
		return token{}, &ParseError{Pos: start, Msg: "number out of range"}
	}
	return token{kind: tokNumber, pos: start, text: text, num: v}, nil
}

// lexString reads a double-quoted string with the escapes \" \\ \n \t.
// Raw control characters are refused so that the canonical form (which
// writes newlines and tabs as escapes) never differs in meaning.
func (l *lexer) lexString() (token, *ParseError) {
	start := l.pos
	var b strings.Builder
	i := start + 1
	for i < len(l.src) {
		c := l.src[i]
		switch {
		case c == '"':
			l.pos = i + 1
			return token{kind: tokString, pos: start, text: l.src[start:l.pos], str: b.String()}, nil
		case c == '\\':
			if i+1 == len(l.src) {
				return token{}, &ParseError{Pos: start, Msg: "unterminated string"}
			}
			v, ok := unescape(l.src[i+1])
			if !ok {
				return token{}, &ParseError{Pos: i, Msg: escapeError(l.src[i+1:])}
			}
			b.WriteByte(v)
			i += 2
		case c < 0x20 || c == 0x7f:
			return token{}, &ParseError{Pos: i, Msg: fmt.Sprintf("control character %q in string; write newlines and tabs as \\n and \\t", rune(c))}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(l.src[i:])
			if r == utf8.RuneError && size == 1 {
				return token{}, &ParseError{Pos: i, Msg: "invalid UTF-8 in string"}
			}
			b.WriteString(l.src[i : i+size])
			i += size
		}
	}
	return token{}, &ParseError{Pos: start, Msg: "unterminated string"}
}

// unescape returns the byte that backslash-c stands for.
func unescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\':
		return c, true
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// escapeError describes a backslash followed by rest, which is not one of
// the four escapes.
func escapeError(rest string) string {
	const allowed = `; allowed: \" \\ \n \t`
	r, _ := utf8.DecodeRuneInString(rest)
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return "invalid escape in string" + allowed
	}
	return `invalid escape \` + string(r) + " in string" + allowed +
		` (a regular expression's \` + string(r) + ` is written \\` + string(r) + ")"
}

package api

import (
	"net/http"
	"strconv"
)

// Limits of an imported configuration document (SPEC §3.19), checked before anything is
// built from it. The YAML library costs about 150–200 bytes of heap per token to
// tokenize, a few hundred more per token to parse, and its parser's work grows with the
// square of the nesting depth; an alias can expand without bound. So a YAML document
// goes through three gates, each bounding the next step's work:
//
//  1. yamlTokenBound, read off the raw bytes without interpreting them, caps what the
//     tokenizer can be made to produce (maxYAMLTokenBound tokens, ≈ 25 MiB at most);
//  2. checkYAMLTokens, over the library's own tokens, caps their number, their nesting
//     and refuses anchors and aliases — exactly what the parser would see;
//  3. only then the parser runs.
//
// A JSON document has one gate, checkJSONLimits, exact for JSON, before encoding/json.
// An exported document nests 8 levels deep and has about 55 tokens per service in YAML
// (70 in JSON), so the limits leave room for about 1 000 services in one document; a
// larger configuration imports in parts (import never deletes, so the parts add up). At
// the limits, converting and planning a YAML document peaks at about 30 MiB of heap
// (TestImportBombs).
const (
	maxImportDepth    = 64
	maxImportTokens   = 60_000
	maxYAMLTokenBound = 2 * maxImportTokens
)

// tooManyTokens is the answer to a document over maxImportTokens (or, for YAML, whose
// token bound is over maxYAMLTokenBound).
func tooManyTokens() *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
		Message: "The document has more than " + strconv.Itoa(maxImportTokens) + " elements (keys, values, list entries and punctuation). " +
			"Import it in parts: import never deletes, so the parts add up."}
}

// importLimits counts what a scan of a document has seen so far and answers the first
// limit passed.
type importLimits struct {
	depth  int // open collections (flow and block)
	tokens int // scalars, indicators, brackets and comments
	line   int // 1-based, for messages
	err    error
}

// token counts one token; it reports false once the document has too many.
func (l *importLimits) token() bool {
	l.tokens++
	if l.tokens > maxImportTokens && l.err == nil {
		l.err = tooManyTokens()
	}
	return l.err == nil
}

// open enters one more level of nesting; it reports false past maxImportDepth.
func (l *importLimits) open() bool {
	l.depth++
	if l.depth > maxImportDepth && l.err == nil {
		l.err = errBadRequest("The document nests deeper than %d levels (line %d); a configuration document needs far fewer.",
			maxImportDepth, l.line)
	}
	return l.err == nil
}

// anchor refuses a YAML anchor or alias: a small document of nested aliases would expand
// into gigabytes ("billion laughs"), and an exported document never uses them.
func (l *importLimits) anchor() {
	if l.err == nil {
		l.err = errBadRequest("YAML anchors and aliases are not accepted (line %d).", l.line)
	}
}

// checkJSONLimits scans a JSON document for its nesting depth and token count. It does
// not validate the JSON (the decoder does, afterwards): it only has to count every
// bracket outside strings, which is exact for valid JSON and harmless for invalid.
func checkJSONLimits(src []byte) error {
	l := &importLimits{line: 1}
	for i := 0; i < len(src) && l.err == nil; i++ {
		switch src[i] {
		case '\n':
			l.line++
		case ' ', '\t', '\r':
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			l.token()
		case '[', '{':
			if l.token() {
				l.open()
			}
		case ']', '}':
			l.token()
			if l.depth > 0 {
				l.depth--
			}
		case ',', ':':
			l.token()
		default: // a number or a literal: one token up to the next delimiter
			for i+1 < len(src) && !isJSONDelimiter(src[i+1]) {
				i++
			}
			l.token()
		}
	}
	return l.err
}

func isJSONDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '[', ']', '{', '}', ',', ':':
		return true
	}
	return false
}

// yamlTokenBound is an upper bound of the number of tokens the YAML library makes of
// src, whatever it makes of it, malformed or not: every token starts at an indicator or a
// line break, or right after one (a scalar after its "- " or ": "), and on a line with a
// "%" (a directive) every space splits tokens too. Counting, not interpreting, is the
// point: the tokenizer resumes after its own errors, so no reading of malformed YAML
// could predict it exactly. FuzzYAMLTokenBound holds the bound against the library.
func yamlTokenBound(src []byte) int {
	n, directive := 0, false
	for _, c := range src {
		switch {
		case c == '\n' || c == '\r':
			n++
			directive = false
		case c == '%':
			n++
			directive = true
		case isYAMLTokenStart(c), c == ' ' && directive:
			n++
		}
	}
	return 2*n + 2
}

// isYAMLTokenStart reports the bytes a YAML token can start with or be split at: the
// indicators, quotes, tabs (which the tokenizer reports as invalid tokens and resumes
// after) and line breaks.
func isYAMLTokenStart(c byte) bool {
	switch c {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '<',
		'\t', '\r', '\n':
		return true
	}
	return false
}

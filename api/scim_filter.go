package api

import (
	"encoding/json"
	"strings"
)

// The SCIM filter language (RFC 7644 §3.4.2.2), parsed by hand: the identity providers
// send `userName eq "..."`, `externalId eq "..."`, `emails[type eq "work"].value eq "..."`
// and `displayName eq "..."`; the full grammar (and, or, not, grouping, every operator)
// costs little more. A filter is evaluated against a resource's own JSON representation,
// so what a filter can see is exactly what a GET shows.
const (
	// maxFilterLen and maxFilterDepth bound the work one filter can ask for.
	maxFilterLen   = 1024
	maxFilterDepth = 16
)

// scimFilter is a parsed filter.
type scimFilter interface {
	match(resource map[string]any) bool
}

type (
	filterAnd struct{ l, r scimFilter }
	filterOr  struct{ l, r scimFilter }
	filterNot struct{ f scimFilter }
	// filterCompare is `path op value`, or `path pr` (value unused).
	filterCompare struct {
		path  scimPath
		op    string
		value any
	}
)

func (f filterAnd) match(r map[string]any) bool { return f.l.match(r) && f.r.match(r) }
func (f filterOr) match(r map[string]any) bool  { return f.l.match(r) || f.r.match(r) }
func (f filterNot) match(r map[string]any) bool { return !f.f.match(r) }

func (f filterCompare) match(r map[string]any) bool {
	for _, v := range f.path.values(r) {
		if compareSCIM(v, f.op, f.value, f.path.caseExact()) {
			return true
		}
	}
	return false
}

// parseSCIMFilter parses s; a *scimError invalidFilter says what is wrong.
func parseSCIMFilter(s string) (scimFilter, error) {
	if len(s) > maxFilterLen {
		return nil, scimBad("invalidFilter", "The filter is longer than 1024 characters.")
	}
	toks, err := lexSCIM(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	f, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, scimBad("invalidFilter", "Unexpected "+p.toks[p.pos].text+" in the filter.")
	}
	return f, nil
}

// scimToken is one lexical token of a filter: a word (attribute path, operator,
// keyword), a JSON string or number, or one of ( ) [ ].
type scimToken struct {
	text   string
	quoted bool
	value  any
}

// lexSCIM splits a filter into tokens.
func lexSCIM(s string) ([]scimToken, error) {
	var out []scimToken
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case isFilterSpace(ch):
			i++
		case strings.IndexByte("()[]", ch) >= 0:
			out = append(out, scimToken{text: string(ch)})
			i++
		case ch == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, scimBad("invalidFilter", "A string in the filter is not closed.")
			}
			var v string
			if err := json.Unmarshal([]byte(s[i:j+1]), &v); err != nil {
				return nil, scimBad("invalidFilter", "A string in the filter is not a valid JSON string.")
			}
			out = append(out, scimToken{text: s[i : j+1], quoted: true, value: v})
			i = j + 1
		default:
			j := i
			for j < len(s) && !isFilterSpace(s[j]) && strings.IndexByte("()[]\"", s[j]) < 0 {
				j++
			}
			out = append(out, scimToken{text: s[i:j]})
			i = j
		}
	}
	if len(out) == 0 {
		return nil, scimBad("invalidFilter", "The filter is empty.")
	}
	return out, nil
}

// isFilterSpace reports the ASCII white space that separates tokens. Bytes, not runes:
// the lexer walks bytes, and a byte of a multi-byte character is never a separator.
func isFilterSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// filterParser is a recursive-descent parser over tokens; depth bounds the nesting.
type filterParser struct {
	toks []scimToken
	pos  int
}

func (p *filterParser) peekWord(w string) bool {
	return p.pos < len(p.toks) && !p.toks[p.pos].quoted && strings.EqualFold(p.toks[p.pos].text, w)
}

func (p *filterParser) or(depth int) (scimFilter, error) {
	l, err := p.and(depth)
	for err == nil && p.peekWord("or") {
		p.pos++
		var r scimFilter
		if r, err = p.and(depth); err == nil {
			l = filterOr{l, r}
		}
	}
	return l, err
}

func (p *filterParser) and(depth int) (scimFilter, error) {
	l, err := p.term(depth)
	for err == nil && p.peekWord("and") {
		p.pos++
		var r scimFilter
		if r, err = p.term(depth); err == nil {
			l = filterAnd{l, r}
		}
	}
	return l, err
}

// term is `( filter )`, `not ( filter )` or a comparison, whose path may carry a
// bracketed value filter (`emails[type eq "work"].value eq "..."`).
func (p *filterParser) term(depth int) (scimFilter, error) {
	if depth > maxFilterDepth {
		return nil, scimBad("invalidFilter", "The filter nests too deeply.")
	}
	if p.pos >= len(p.toks) {
		return nil, scimBad("invalidFilter", "The filter ends too early.")
	}
	if p.peekWord("not") {
		p.pos++
		if !p.peekWord("(") {
			return nil, scimBad("invalidFilter", "not must be followed by a parenthesised filter.")
		}
		f, err := p.term(depth + 1)
		return filterNot{f}, err
	}
	if p.peekWord("(") {
		p.pos++
		f, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.peekWord(")") {
			return nil, scimBad("invalidFilter", "A parenthesis in the filter is not closed.")
		}
		p.pos++
		return f, nil
	}
	path, err := p.path(depth)
	if err != nil {
		return nil, err
	}
	if path.where != nil && path.sub == "" && (p.pos >= len(p.toks) || p.peekWord(")") || p.peekWord("]") ||
		p.peekWord("and") || p.peekWord("or")) {
		// A value path alone (`emails[type eq "work"]`) is a filter: some element matches.
		return filterCompare{path: path, op: "pr"}, nil
	}
	if p.pos >= len(p.toks) || p.toks[p.pos].quoted {
		return nil, scimBad("invalidFilter", "An operator must follow "+path.String()+".")
	}
	op := strings.ToLower(p.toks[p.pos].text)
	p.pos++
	if op == "pr" {
		return filterCompare{path: path, op: op}, nil
	}
	if !isSCIMCompareOp(op) {
		return nil, scimBad("invalidFilter", "Unknown operator "+op+"; use eq, ne, co, sw, ew, gt, ge, lt, le or pr.")
	}
	if p.pos >= len(p.toks) {
		return nil, scimBad("invalidFilter", "A value must follow "+op+".")
	}
	v, err := filterValue(p.toks[p.pos])
	p.pos++
	return filterCompare{path: path, op: op, value: v}, err
}

// path parses an attribute path with an optional [value filter] and .subAttribute.
func (p *filterParser) path(depth int) (scimPath, error) {
	t := p.toks[p.pos]
	if t.quoted || strings.ContainsAny(t.text, "()[]") {
		return scimPath{}, scimBad("invalidFilter", "An attribute name is expected, not "+t.text+".")
	}
	p.pos++
	path, err := parseAttrName(t.text, "invalidFilter")
	if err != nil || !p.peekWord("[") {
		return path, err
	}
	if path.sub != "" {
		return scimPath{}, scimBad("invalidFilter", "A value filter follows a multi-valued attribute, not "+t.text+".")
	}
	p.pos++
	inner, err := p.or(depth + 1)
	if err != nil {
		return scimPath{}, err
	}
	if !p.peekWord("]") {
		return scimPath{}, scimBad("invalidFilter", "A bracket in the filter is not closed.")
	}
	p.pos++
	path.where = inner
	// `emails[type eq "work"].value`: the sub-attribute is glued to the closing bracket.
	if p.pos < len(p.toks) && strings.HasPrefix(p.toks[p.pos].text, ".") && !p.toks[p.pos].quoted {
		path.sub = strings.TrimPrefix(p.toks[p.pos].text, ".")
		p.pos++
		if !isAttrName(path.sub) {
			return scimPath{}, scimBad("invalidFilter", "Bad sub-attribute "+path.sub+".")
		}
	}
	return path, nil
}

// filterValue is a comparison's value: a JSON string, number, true, false or null.
func filterValue(t scimToken) (any, error) {
	if t.quoted {
		return t.value, nil
	}
	var v any
	if err := json.Unmarshal([]byte(t.text), &v); err == nil {
		switch v.(type) {
		case bool, float64, nil:
			return v, nil
		}
	}
	return nil, scimBad("invalidFilter", "Bad value "+t.text+"; strings are quoted, other values are numbers, true, false or null.")
}

func isSCIMCompareOp(op string) bool {
	switch op {
	case "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le":
		return true
	}
	return false
}

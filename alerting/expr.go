// Condition expressions of alert rules.
//
// This part is the condition expression language of alert rules (SPEC
// §3.9, the condition's "expression"): an optional predicate over the facts
// of one check result, such as
//
//	response_time > 5000
//	(status_code >= 500 && status_code < 600) || response_time > 2000
//	!body_contains("ok")
//	status matches "^(RED|YELLOW)$"
//
// Identifiers: response_time (milliseconds), status_code and ssl_expiry
// (days) are numbers; dns_resolved and tcp_connected are booleans; status
// is a string. body_contains("text") is a boolean function of the response
// body. Literals: numbers (5000, 99.5), double-quoted strings with the
// escapes \" \\ \n \t, true and false. Operators, tightest first: !, then
// the comparisons == != > >= < <= (numbers; == and != also strings and
// booleans), contains, startsWith (strings) and matches (a string against
// a regular expression given as a string literal, so its backslashes are
// doubled: "^\\d+$"), then &&, then ||.
// Comparisons do not chain; parentheses group.
//
// Parse checks everything it can at save time: syntax, names, types
// (response_time contains "x" is an error) and regular expressions, which
// it compiles with Go's RE2 engine (linear time, so no pattern can make
// evaluation slow) and whose total size it bounds. Source is limited to
// 1 024 bytes and 32 levels of nesting (each parenthesis and each ! is a
// level). A compiled Expr is immutable: Eval is safe for concurrent use
// and does not allocate.
//
// Evaluation never fails. The only value that can be missing is ssl_expiry
// (no certificate seen): every comparison with a missing value is false,
// != included, so ssl_expiry < 14 does not fire for a plain TCP check
// while !(ssl_expiry >= 14) does.

package alerting

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	maxExprLen   = 1024 // bytes of source, and of the canonical form
	maxExprDepth = 32   // nested parentheses and !
)

// Facts are what one check result offers the expression language.
type Facts struct {
	Status         string // GREEN | YELLOW | RED | MAINTENANCE
	ResponseTimeMS int
	StatusCode     int    // 0 when the check type has none
	SSLExpiryDays  *int   // nil when no certificate was seen
	Body           []byte // HTTP/WebSocket body (≤ 1 MiB), nil otherwise
	DNSResolved    bool
	TCPConnected   bool
}

// Expr is a compiled condition expression. It is immutable and safe for
// concurrent use by any number of goroutines; the zero Expr is false.
type Expr struct {
	root  *node
	canon string
}

// ParseError is why Parse refused an expression, and where: Pos is the
// 0-based byte offset the admin UI underlines.
type ParseError struct {
	Pos int
	Msg string
}

// Error formats the error as "at position 12: expected ')', found ...".
func (e *ParseError) Error() string {
	return fmt.Sprintf("at position %d: %s", e.Pos, e.Msg)
}

// Parse compiles src. Every error is a *ParseError. The canonical form of
// an accepted expression (see String) also fits within the length limit,
// so it can be stored and parsed again.
func Parse(src string) (*Expr, error) {
	if len(src) > maxExprLen {
		return nil, &ParseError{Pos: maxExprLen, Msg: fmt.Sprintf("expression longer than %d bytes", maxExprLen)}
	}
	if strings.Trim(src, " \t\r\n") == "" {
		return nil, &ParseError{Pos: 0, Msg: "empty expression"}
	}
	p := parser{lex: lexer{src: src}, reBudget: maxRegexpCost}
	root, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	canon := canonical(root)
	if len(canon) > maxExprLen {
		return nil, &ParseError{Pos: 0, Msg: fmt.Sprintf("expression longer than %d bytes once written in canonical form", maxExprLen)}
	}
	return &Expr{root: root, canon: canon}, nil
}

// Eval reports whether the facts satisfy the expression. It never panics;
// a nil Expr, a zero Expr or nil facts give false. Types are checked by
// Parse, so the only runtime mismatch is a missing ssl_expiry, which makes
// its comparisons false.
func (e *Expr) Eval(f *Facts) bool {
	if e == nil || e.root == nil || f == nil {
		return false
	}
	return evalBool(e.root, f)
}

// String returns the canonical form: single spaces around binary
// operators, only the parentheses precedence needs, numbers in shortest
// form, strings with the four escapes. Parse(e.String()) gives an Expr with
// the same String.
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return e.canon
}

// precedence of a node when printed: higher binds tighter.
func precedence(n *node) int {
	switch n.op {
	case opOr:
		return 1
	case opAnd:
		return 2
	case opNot:
		return 4
	case opNum, opStr, opBool, opField, opBodyContains:
		return 5
	}
	return 3 // comparisons
}

// canonical prints n in canonical form.
func canonical(n *node) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

// writeNode prints n, parenthesising an operand whose precedence is not
// higher than its operator's (comparisons and chains of the same
// operator never need them: comparisons do not chain, chains are flat).
func writeNode(b *strings.Builder, n *node) {
	operand := func(k *node, least int) {
		if precedence(k) < least {
			b.WriteByte('(')
			writeNode(b, k)
			b.WriteByte(')')
			return
		}
		writeNode(b, k)
	}
	switch n.op {
	case opNum:
		b.WriteString(strconv.FormatFloat(n.num, 'f', -1, 64))
	case opStr:
		writeString(b, n.str)
	case opBool:
		b.WriteString(strconv.FormatBool(n.b))
	case opField:
		b.WriteString(n.field.String())
	case opBodyContains:
		b.WriteString("body_contains(")
		writeString(b, n.str)
		b.WriteByte(')')
	case opNot:
		b.WriteByte('!')
		operand(n.kids[0], 4)
	case opAnd, opOr:
		sep, p := " && ", 3
		if n.op == opOr {
			sep, p = " || ", 2
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			operand(k, p)
		}
	default:
		operand(n.kids[0], 4)
		b.WriteString(" " + opText(n.op) + " ")
		operand(n.kids[1], 4)
	}
}

// opText is the source spelling of a comparison operator.
func opText(op opKind) string {
	return [...]string{opEq: "==", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">=",
		opContains: "contains", opStartsWith: "startsWith", opMatches: "matches"}[op]
}

// writeString prints s as a double-quoted literal.
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

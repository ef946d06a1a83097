package alerting

import (
	"bytes"
	"regexp"
	"strings"
)

// The compiled tree and its evaluation. Evaluation walks the tree with a
// switch per node: no interfaces, no closures, no allocation, and nothing
// written, so one tree serves any number of goroutines.

// valueType is the static type of a node.
type valueType uint8

const (
	typNumber valueType = iota + 1
	typString
	typBool
)

// String names the type for error messages.
func (t valueType) String() string {
	switch t {
	case typNumber:
		return "number"
	case typString:
		return "string"
	}
	return "boolean"
}

// opKind is what a node does.
type opKind uint8

const (
	opNum          opKind = iota + 1 // number literal
	opStr                            // string literal
	opBool                           // true or false
	opField                          // identifier
	opBodyContains                   // body_contains("...")
	opNot
	opAnd // n-ary: kids are never opAnd themselves
	opOr  // n-ary: kids are never opOr themselves
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opContains
	opStartsWith
	opMatches
)

// node is one vertex of the compiled tree. Only the fields its op needs are
// set; nothing is written after Parse returns.
type node struct {
	op     opKind
	typ    valueType // type of the node's value
	argTyp valueType // comparisons: type of both operands
	pos    int       // byte offset in the source, for error messages
	field  field
	num    float64
	str    string // string literal; body_contains argument
	b      bool
	needle []byte         // body_contains: str as bytes, converted once
	re     *regexp.Regexp // matches: the compiled right operand
	kids   []*node
}

// field is an identifier: one fact of a check result.
type field uint8

const (
	fieldResponseTime field = iota + 1
	fieldStatusCode
	fieldSSLExpiry
	fieldDNSResolved
	fieldTCPConnected
	fieldStatus
)

// lastField is the highest field; the fields are numbered 1..lastField.
const lastField = fieldStatus

// fieldByName looks an identifier up.
func fieldByName(name string) (field, bool) {
	for f := field(1); f <= lastField; f++ {
		if f.String() == name {
			return f, true
		}
	}
	return 0, false
}

// String returns the identifier's name.
func (f field) String() string {
	switch f {
	case fieldResponseTime:
		return "response_time"
	case fieldStatusCode:
		return "status_code"
	case fieldSSLExpiry:
		return "ssl_expiry"
	case fieldDNSResolved:
		return "dns_resolved"
	case fieldTCPConnected:
		return "tcp_connected"
	case fieldStatus:
		return "status"
	}
	return "?"
}

// fieldList lists the identifiers for error messages, comma-separated.
func fieldList() string {
	names := make([]string, 0, lastField)
	for f := field(1); f <= lastField; f++ {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}

// typ is the identifier's static type.
func (f field) typ() valueType {
	switch f {
	case fieldResponseTime, fieldStatusCode, fieldSSLExpiry:
		return typNumber
	case fieldStatus:
		return typString
	}
	return typBool
}

// evalBool evaluates a boolean node.
func evalBool(n *node, f *Facts) bool {
	switch n.op {
	case opBool:
		return n.b
	case opField:
		switch n.field {
		case fieldDNSResolved:
			return f.DNSResolved
		case fieldTCPConnected:
			return f.TCPConnected
		}
		return false
	case opBodyContains:
		return bytes.Contains(f.Body, n.needle)
	case opNot:
		return !evalBool(n.kids[0], f)
	case opAnd:
		for _, k := range n.kids {
			if !evalBool(k, f) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if evalBool(k, f) {
				return true
			}
		}
		return false
	case opContains:
		return strings.Contains(evalStr(n.kids[0], f), evalStr(n.kids[1], f))
	case opStartsWith:
		return strings.HasPrefix(evalStr(n.kids[0], f), evalStr(n.kids[1], f))
	case opMatches:
		return n.re.MatchString(evalStr(n.kids[0], f))
	}
	return evalCmp(n, f)
}

// evalCmp evaluates == != < <= > >=. A missing number (ssl_expiry without a
// certificate) makes every comparison false, != included.
func evalCmp(n *node, f *Facts) bool {
	l, r := n.kids[0], n.kids[1]
	switch n.argTyp {
	case typNumber:
		a, okA := evalNum(l, f)
		b, okB := evalNum(r, f)
		if !okA || !okB {
			return false
		}
		switch n.op {
		case opEq:
			return a == b
		case opNe:
			return a != b
		case opLt:
			return a < b
		case opLe:
			return a <= b
		case opGt:
			return a > b
		case opGe:
			return a >= b
		}
	case typString:
		switch n.op {
		case opEq:
			return evalStr(l, f) == evalStr(r, f)
		case opNe:
			return evalStr(l, f) != evalStr(r, f)
		}
	case typBool:
		switch n.op {
		case opEq:
			return evalBool(l, f) == evalBool(r, f)
		case opNe:
			return evalBool(l, f) != evalBool(r, f)
		}
	}
	return false // unreachable for a checked tree: a mismatch is false
}

// evalNum evaluates a number node; ok is false when the fact is missing.
func evalNum(n *node, f *Facts) (v float64, ok bool) {
	if n.op == opNum {
		return n.num, true
	}
	switch n.field {
	case fieldResponseTime:
		return float64(f.ResponseTimeMS), true
	case fieldStatusCode:
		return float64(f.StatusCode), true
	case fieldSSLExpiry:
		if f.SSLExpiryDays == nil {
			return 0, false
		}
		return float64(*f.SSLExpiryDays), true
	}
	return 0, false
}

// evalStr evaluates a string node.
func evalStr(n *node, f *Facts) string {
	if n.op == opStr {
		return n.str
	}
	if n.op == opField && n.field == fieldStatus {
		return f.Status
	}
	return ""
}

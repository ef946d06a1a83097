package alerting

import (
	"fmt"
	"regexp"
	"regexp/syntax"
)

// Static type checking of comparisons, and the compilation of the regular
// expressions behind matches. Every operand's type is known at parse time
// (identifiers have fixed types, literals are literals), so a mismatch is a
// ParseError and never a surprise at evaluation time.

// maxRegexpCost bounds the size of the compiled regular expressions of one
// expression, all patterns together, in (estimated) program instructions.
// Patterns match a status word, so a few dozen are plenty; the bound keeps
// "(.{30}){30}" from costing tens of kilobytes per rule.
const maxRegexpCost = 1000

// typeCmp builds the node for left op right, or reports at the operator
// why the operands do not fit it. budget is what is left of maxRegexpCost.
func typeCmp(op opKind, opTok token, left, right *node, budget *int) (*node, *ParseError) {
	fail := func(msg string) (*node, *ParseError) {
		return nil, &ParseError{Pos: opTok.pos, Msg: opTok.text + " " + msg}
	}
	n := &node{op: op, typ: typBool, pos: left.pos, argTyp: left.typ, kids: []*node{left, right}}
	switch op {
	case opEq, opNe:
		if left.typ != right.typ {
			return fail(fmt.Sprintf("cannot compare %s with %s", operand(left), operand(right)))
		}
	case opLt, opLe, opGt, opGe:
		for _, x := range n.kids {
			if x.typ != typNumber {
				return fail("needs numbers, but " + subject(x, side(x, left)))
			}
		}
	case opContains, opStartsWith:
		for _, x := range n.kids {
			if x.typ != typString {
				return fail("needs strings, but " + subject(x, side(x, left)))
			}
		}
	case opMatches:
		if left.typ != typString {
			return fail("needs a string on the left, but " + subject(left, "left side"))
		}
		if right.op != opStr {
			return nil, &ParseError{Pos: right.pos, Msg: `matches needs a regular expression in a string literal, e.g. status matches "^(RED|YELLOW)$"`}
		}
		re, err := compileRegexp(right.str, budget)
		if err != nil {
			return nil, &ParseError{Pos: right.pos, Msg: err.Error()}
		}
		n.re = re
	}
	return n, nil
}

// side names x for messages: the left or the right operand.
func side(x, left *node) string {
	if x == left {
		return "left side"
	}
	return "right side"
}

// subject describes n as the subject of a sentence: "dns_resolved is a
// boolean", `"x" is a string`, or "the left side is a condition" for a
// compound operand (only conditions are compound).
func subject(n *node, where string) string {
	if isAtom(n) {
		return canonical(n) + " is a " + n.typ.String()
	}
	return "the " + where + " is a condition"
}

// operand describes n in passing: "status (a string)", or "a condition".
func operand(n *node) string {
	if isAtom(n) {
		return canonical(n) + " (a " + n.typ.String() + ")"
	}
	return "a condition"
}

// isAtom reports whether n is short enough to quote in a message.
func isAtom(n *node) bool {
	switch n.op {
	case opField, opNum, opBool, opBodyContains:
		return true
	case opStr:
		return len(n.str) <= 40
	}
	return false
}

// compileRegexp compiles pattern with Go's RE2 engine (linear time, no
// catastrophic backtracking) after checking that its program fits in what
// is left of the budget, and takes its cost from the budget.
func compileRegexp(pattern string, budget *int) (*regexp.Regexp, error) {
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		if se, ok := err.(*syntax.Error); ok {
			return nil, fmt.Errorf("invalid regular expression: %s", se.Code)
		}
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	cost := regexpCost(tree)
	if cost > *budget {
		return nil, fmt.Errorf("regular expression too large")
	}
	*budget -= cost
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	return re, nil
}

// regexpCost estimates the number of instructions re compiles to,
// expanding counted repetitions. It saturates just above maxRegexpCost so
// that nested repetitions cannot overflow.
func regexpCost(re *syntax.Regexp) int {
	cost := 1 + len(re.Rune)
	for _, sub := range re.Sub {
		cost += regexpCost(sub)
	}
	if re.Op == syntax.OpRepeat {
		// x{n,m} compiles to m copies of x (n+1 when unbounded).
		times := re.Max
		if times < 0 {
			times = re.Min + 1
		}
		cost = 1 + (cost-1)*max(times, 1)
	}
	return min(cost, maxRegexpCost+1)
}

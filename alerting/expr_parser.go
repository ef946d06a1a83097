package alerting

import "fmt"

// A recursive-descent parser, one function per precedence level:
//
//	or      = and { "||" and }
//	and     = cmp { "&&" cmp }
//	cmp     = unary [ cmpop unary ]        (comparisons do not chain)
//	unary   = "!" unary | primary
//	primary = "(" or ")" | number | string | true | false
//	        | identifier | "body_contains" "(" string ")"
//
// Types are checked as each node is built, so a type error is reported at
// the operator that cannot take its operands.

// parser holds the lexer, the current token, the nesting depth and what
// is left of the regular-expression budget.
type parser struct {
	lex      lexer
	tok      token
	depth    int
	reBudget int
}

// advance moves to the next token.
func (p *parser) advance() *ParseError {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// parseExpr parses the whole source as one condition.
func (p *parser) parseExpr() (*node, *ParseError) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, err := p.parseLogical(opOr)
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tokRParen {
		return nil, &ParseError{Pos: p.tok.pos, Msg: "unmatched ')'"}
	}
	if p.tok.kind != tokEOF {
		return nil, p.expected("an operator")
	}
	if n.typ != typBool {
		return nil, &ParseError{Pos: n.pos, Msg: "expected a condition, but " + subject(n, "expression")}
	}
	return n, nil
}

// expected reports that the current token is not what was wanted, with a
// hint when it is a misspelt operator ("AND", "startswith").
func (p *parser) expected(what string) *ParseError {
	msg := fmt.Sprintf("expected %s, found %s", what, p.tok.describe())
	if p.tok.kind == tokIdent {
		if hint := operatorHint(p.tok.text); hint != "" {
			msg += "; did you mean " + hint + "?"
		}
	}
	return &ParseError{Pos: p.tok.pos, Msg: msg}
}

// parseLogical parses a chain of || (op == opOr) or && (op == opAnd). A
// nested chain of the same operator is flattened into one node, so
// a && (b && c) and (a && b) && c have the same canonical form.
func (p *parser) parseLogical(op opKind) (*node, *ParseError) {
	tok, sub := tokOr, func() (*node, *ParseError) { return p.parseLogical(opAnd) }
	if op == opAnd {
		tok, sub = tokAnd, p.parseCmp
	}
	left, err := sub()
	if err != nil || p.tok.kind != tok {
		return left, err
	}
	n := &node{op: op, typ: typBool, pos: left.pos}
	n.kids = appendFlat(n.kids, left, op)
	for p.tok.kind == tok {
		opTok := p.tok
		if left.typ != typBool {
			return nil, &ParseError{Pos: opTok.pos, Msg: opTok.text + " needs conditions, but " + subject(left, "left side")}
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := sub()
		if err != nil {
			return nil, err
		}
		if right.typ != typBool {
			return nil, &ParseError{Pos: opTok.pos, Msg: opTok.text + " needs conditions, but " + subject(right, "right side")}
		}
		n.kids = appendFlat(n.kids, right, op)
		left = right
	}
	return n, nil
}

// appendFlat appends kid to kids, splicing in its operands when it is a
// chain of the same operator.
func appendFlat(kids []*node, kid *node, op opKind) []*node {
	if kid.op == op {
		return append(kids, kid.kids...)
	}
	return append(kids, kid)
}

// parseCmp parses one operand, optionally compared with a second one.
func (p *parser) parseCmp() (*node, *ParseError) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	op, ok := cmpOp(p.tok)
	if !ok {
		return left, nil
	}
	opTok := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	right, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	n, perr := typeCmp(op, opTok, left, right, &p.reBudget)
	if perr != nil {
		return nil, perr
	}
	if _, chained := cmpOp(p.tok); chained {
		return nil, &ParseError{Pos: p.tok.pos, Msg: "comparisons cannot be chained; use && or parentheses"}
	}
	return n, nil
}

// cmpOp reports whether t is a comparison operator, and which.
func cmpOp(t token) (opKind, bool) {
	switch t.kind {
	case tokEq:
		return opEq, true
	case tokNe:
		return opNe, true
	case tokLt:
		return opLt, true
	case tokLe:
		return opLe, true
	case tokGt:
		return opGt, true
	case tokGe:
		return opGe, true
	case tokIdent:
		switch t.text {
		case "contains":
			return opContains, true
		case "startsWith":
			return opStartsWith, true
		case "matches":
			return opMatches, true
		}
	}
	return 0, false
}

// parseUnary parses any number of ! before a primary.
func (p *parser) parseUnary() (*node, *ParseError) {
	if p.tok.kind != tokNot {
		return p.parsePrimary()
	}
	bang := p.tok
	if err := p.enter(bang.pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	p.depth--
	if x.typ != typBool {
		return nil, &ParseError{Pos: bang.pos, Msg: "! needs a condition, but " + subject(x, "operand")}
	}
	return &node{op: opNot, typ: typBool, pos: bang.pos, kids: []*node{x}}, nil
}

// enter counts one more level of nesting (a parenthesis or a !).
func (p *parser) enter(pos int) *ParseError {
	p.depth++
	if p.depth > maxExprDepth {
		return &ParseError{Pos: pos, Msg: fmt.Sprintf("nesting deeper than %d levels", maxExprDepth)}
	}
	return nil
}

// parsePrimary parses a parenthesised condition, a literal, an identifier
// or a function call.
func (p *parser) parsePrimary() (*node, *ParseError) {
	t := p.tok
	switch t.kind {
	case tokLParen:
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseLogical(opOr)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.expected("')'")
		}
		p.depth--
		return x, p.advance()
	case tokNumber:
		return &node{op: opNum, typ: typNumber, pos: t.pos, num: t.num}, p.advance()
	case tokString:
		return &node{op: opStr, typ: typString, pos: t.pos, str: t.str}, p.advance()
	case tokIdent:
		if t.text == "true" || t.text == "false" {
			return &node{op: opBool, typ: typBool, pos: t.pos, b: t.text == "true"}, p.advance()
		}
		if _, isOp := cmpOp(t); !isOp {
			return p.parseName()
		}
	}
	return nil, p.expected("an identifier, a value or '('")
}

// parseName parses an identifier or a call of body_contains.
func (p *parser) parseName() (*node, *ParseError) {
	name := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	f, isField := fieldByName(name.text)
	if p.tok.kind == tokLParen {
		switch {
		case name.text == "body_contains":
			return p.parseBodyContains(name.pos)
		case isField:
			return nil, &ParseError{Pos: name.pos, Msg: name.text + " is not a function; the only function is body_contains(\"text\")"}
		}
		return nil, &ParseError{Pos: name.pos, Msg: fmt.Sprintf("unknown function %q; the only function is body_contains(\"text\")", name.text)}
	}
	if isField {
		return &node{op: opField, typ: f.typ(), pos: name.pos, field: f}, nil
	}
	if name.text == "body_contains" {
		return nil, &ParseError{Pos: name.pos, Msg: "body_contains is a function: write body_contains(\"text\")"}
	}
	return nil, &ParseError{Pos: name.pos, Msg: fmt.Sprintf("unknown identifier %q; use one of %s or body_contains(\"text\")", name.text, fieldList())}
}

// parseBodyContains parses the argument list of body_contains, whose "("
// is the current token.
func (p *parser) parseBodyContains(pos int) (*node, *ParseError) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	arg := p.tok
	if arg.kind != tokString || arg.str == "" {
		return nil, &ParseError{Pos: arg.pos, Msg: "body_contains needs one non-empty string, e.g. body_contains(\"ok\")"}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokRParen {
		return nil, p.expected("')'")
	}
	n := &node{op: opBodyContains, typ: typBool, pos: pos, str: arg.str, needle: []byte(arg.str)}
	return n, p.advance()
}

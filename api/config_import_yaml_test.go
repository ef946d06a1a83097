package api

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// The YAML gates of the import limits rest on two claims, checked here against the
// library itself on hand-picked and generated documents (and by the fuzz target on any):
// the tokenizer never makes more tokens of a document than yamlTokenBound says, and the
// parser never builds a tree nesting deeper than checkYAMLTokens counted.

// checkYAMLGates fails when src breaks either claim, also with a nesting payload
// appended (a prefix that made a count skip the rest would show there).
func checkYAMLGates(t *testing.T, src string) {
	t.Helper()
	const payload = "\n[[[x, {a: [y]}]]]\n- - - z\na:\n  b:\n    c: d\n"
	for _, doc := range []string{src, src + strings.Repeat(payload, 5)} {
		toks := lexer.Tokenize(doc)
		if bound := yamlTokenBound([]byte(doc)); len(toks) > bound {
			t.Errorf("the library makes %d tokens, over the bound %d, of\n%q", len(toks), bound, doc)
		}
		nesting := yamlTokenNesting(toks)
		if nesting.err != nil {
			continue // refused before the parser
		}
		file, err := parser.Parse(toks, 0)
		if err != nil {
			continue
		}
		for _, d := range file.Docs {
			if depth := nodeDepth(d.Body); depth > nesting.maxDepth {
				t.Errorf("the parser nests %d deep, the token check counted %d, in\n%q", depth, nesting.maxDepth, doc)
			}
		}
	}
}

// nodeDepth is the collection nesting of a syntax tree.
func nodeDepth(n ast.Node) int {
	switch n := n.(type) {
	case *ast.MappingNode:
		d := 0
		for _, v := range n.Values {
			d = max(d, nodeDepth(v.Key), nodeDepth(v.Value))
		}
		return 1 + d
	case *ast.MappingValueNode:
		return 1 + max(nodeDepth(n.Key), nodeDepth(n.Value))
	case *ast.SequenceNode:
		d := 0
		for _, v := range n.Values {
			d = max(d, nodeDepth(v))
		}
		return 1 + d
	case *ast.TagNode:
		return nodeDepth(n.Value)
	case *ast.MappingKeyNode:
		return nodeDepth(n.Value)
	}
	return 0
}

// yamlGateSeeds are documents whose reading is easy to get wrong: every kind of nesting,
// text that looks like structure, and malformed input the tokenizer resumes after.
var yamlGateSeeds = []string{
	"services:\n- name: a\n  tags: [x, y]\n  options: {a: 1, b: [2, 3]}\n",
	"a:\n  b:\n    c:\n      d: [[[e]]]\n",
	"a:\n- b\n- c:\n  - d\n",
	"- - - a\n  - b\n- c\n",
	"? a\n: b\n",
	"a: |\n  x [[[\n  y\nb: [[1]]\n",
	"- a: |\n    x\n  b: >-\n     y\n\n     z\n",
	"a: |2\n    x\n  y\nb: [[[]]]\n",
	"a: | [[[\n  x\n",
	"a: \"x\n  b: [[[\n  y\"\nc: [[2]]\n",
	"a: \"x\n---\nb: [[[1]]]\n",
	"a: 'x\n...\n[[[1]]]\n",
	"a: [x,\n---\n- - - - a\n",
	"a: |\n  x\n---\n- - - b\n",
	"a\nb: [[[1]]]\n",
	"a\rb: [[[1]]]\r",
	"a: b\n  c: [[[1]]]\n",
	"a: b\n  - [[1]]\n",
	"key: value\n\tother: [[[1]]]\n",
	"a: b # c [[[\n",
	"a: b#[[[\n",
	"a: \"x\" [[[1]]]\n",
	"\"a\":b\n\"c\": [[[1]]]\n",
	"{\"services\": [{\"name\": \"a\", \"tags\": [\"x\"]}]}",
	"[a: [b: [c: d]]]",
	"{a: {b: {c: [d, e: f]}}}",
	"a: !!str 123\nb: !t [[1]]\n",
	"a: x\n #c\n  y: [[1]]\n",
	"a: 'it''s [[['\nb: \"\\\"[[[\"\n",
	"%YAML 1.2\n---\na: [[1]]\n",
	"--- [[[1]]]\n--- {a: [b]}\n",
	"- a\r\n- [b, [c]]\r\n",
	"\ufeffa: [[1]]\n",
	"a: é [[[\nb:\n  é: [[1]]\n",
	"a:\n  - b:\n    - c:\n      - d\n",
	"a: [b, {c: [d, {e: f}]}]\n",
	"a:   \n    b: 1\n",
	"- |\n  [[[\n- [[1]]\n",
	"a: [\n  b,\n  c # [[[\n  ]\n",
	"a: {b: c,\n  d: [e,\n    f]}\n",
	// found by FuzzYAMLTokenBound: an empty node takes the next line's key or entry
	"0:\n-\n0:", "0: !\n0:", "- - - !0\n-",
	// and a directive line splits at every space
	"%0 0 0 0",
}

// TestYAMLGatesHoldAgainstLibrary runs the seeds and a few thousand generated documents.
func TestYAMLGatesHoldAgainstLibrary(t *testing.T) {
	for _, src := range yamlGateSeeds {
		checkYAMLGates(t, src)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		checkYAMLGates(t, randomYAMLish(rng))
	}
}

// FuzzYAMLTokenBound holds the gates against the library on arbitrary bytes:
//
//	go test ./api -run '^$' -fuzz '^FuzzYAMLTokenBound$' -fuzztime 60s
func FuzzYAMLTokenBound(f *testing.F) {
	for _, src := range yamlGateSeeds {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return // small inputs explore as well, faster
		}
		checkYAMLGates(t, src)
	})
}

// randomYAMLish strings together the pieces YAML structure is made of.
func randomYAMLish(rng *rand.Rand) string {
	pieces := []string{"- ", "? ", ": ", "a: ", "b:", "key", "[", "]", "{", "}", ", ", ",", "\"", "'", "''", "\\\"",
		"|", ">-", "|2", "# c", " #", "#", "\n", "\n", "\n  ", "\n    ", "\n ", "\r", "\r\n", "\t", "---", "\n---\n",
		"\n...\n", "!!str ", "!t", "x", "yz", " ", "  ", "é", "%", "-1", ":x", "http://h:1/p#f"}
	var b strings.Builder
	for n := rng.IntN(40); n >= 0; n-- {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// TestYAMLToJSON converts what an import document may hold, and refuses what JSON cannot
// hold or what is more than one document.
func TestYAMLToJSON(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a: [x, 1, 2.5, true, null]\nb: {c: d}\n", `{"a":["x",1,2.5,true,null],"b":{"c":"d"}}`},
		{"z: 1\na: 2\n", `{"z":1,"a":2}`}, // order kept
		{"a: \"\\e\\0\\x01\\u2028 <&>\"\n", `{"a":"\u001b\u0000\u0001\u2028 \u003c\u0026\u003e"}`},
		{"a: |\n  line 1\n  line 2\n", `{"a":"line 1\nline 2\n"}`},
		{"1: a\ntrue: b\n", `{"1":"a","true":"b"}`},
		{"--- \na: 1\n...\n", `{"a":1}`},
		{"# nothing but a comment\n", `null`},
	} {
		got, err := yamlToJSON([]byte(c.in))
		if err != nil || string(got) != c.want || !json.Valid(got) {
			t.Errorf("yamlToJSON(%q) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"a: 1\n---\nb: 2\n", "a: .inf\n", "a: .nan\n", "? [a, b]\n: c\n", "a: [\n", "a: &x 1\nb: *x\n"} {
		_, err := yamlToJSON([]byte(in))
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
			t.Errorf("yamlToJSON(%q): %v, want a 400", in, err)
		}
	}
}

package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// jsonAssertion is one json_path assertion: the value at Path compared with
// Value (raw JSON) by Operator (== != > >= < <= contains startsWith endsWith
// matches; none means ==).
type jsonAssertion struct {
	Path     string          `json:"path"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// check evaluates the assertion against doc (decoded with UseNumber) and
// returns why it fails, e.g. `expected == "ok", got "degraded"`, or "".
// patterns compiles a matches pattern.
func (a jsonAssertion) check(doc any, patterns *patternCache) string {
	steps, err := parseJSONPath(a.Path)
	if err != nil {
		return "invalid path"
	}
	got, found := lookupJSONPath(doc, steps)
	if !found {
		return "not found"
	}
	var want any
	dec := json.NewDecoder(bytes.NewReader(a.Value))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		return "invalid value " + netClip(string(a.Value), 40)
	}
	op := a.Operator
	if op == "" {
		op = "=="
	}
	var ok bool
	switch op {
	case "==":
		ok = jsonEqual(got, want)
	case "!=":
		ok = !jsonEqual(got, want)
	case ">", ">=", "<", "<=":
		x, okX := jsonNumber(got)
		y, okY := jsonNumber(want)
		ok = okX && okY && compareOrdered(x, y, a.Operator)
	case "contains":
		ok = jsonContains(got, want)
	case "startsWith", "endsWith":
		s, isText := jsonText(got)
		prefix, _ := want.(string)
		ok = isText && (op == "startsWith" && strings.HasPrefix(s, prefix) ||
			op == "endsWith" && strings.HasSuffix(s, prefix))
	case "matches":
		pattern, _ := want.(string)
		re, err := patterns.compile(pattern)
		if err != nil {
			return "invalid pattern " + netQuote(netClip(pattern, 40))
		}
		s, isText := jsonText(got)
		ok = isText && re.MatchString(s)
	default:
		return "unknown operator " + netQuote(a.Operator)
	}
	if ok {
		return ""
	}
	text, _ := json.Marshal(got)
	return "expected " + op + " " + netClip(string(a.Value), 60) + ", got " + netClip(string(text), 60)
}

// jsonStep is one step of a path: an object key, or an array index when
// key is "" and index ≥ 0.
type jsonStep struct {
	key   string
	index int
}

// parseJSONPath parses the JSONPath subset checks use: $ followed by .key,
// [index] and ['key'] (or ["key"], for keys with dots or spaces) steps.
func parseJSONPath(path string) ([]jsonStep, error) {
	bad := errors.New("invalid JSONPath")
	if !strings.HasPrefix(path, "$") {
		return nil, bad
	}
	var steps []jsonStep
	for rest := path[1:]; rest != ""; {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[") + 1
			if end == 0 {
				end = len(rest)
			}
			if end == 1 {
				return nil, bad
			}
			steps = append(steps, jsonStep{key: rest[1:end], index: -1})
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 2 {
				return nil, bad
			}
			inner := rest[1:end]
			if q := inner[0]; q == '\'' || q == '"' {
				// A quoted key may hold ']' itself: find its closing quote.
				closing := strings.IndexByte(rest[2:], q) + 2
				if closing < 2 || len(rest) <= closing+1 || rest[closing+1] != ']' {
					return nil, bad
				}
				steps = append(steps, jsonStep{key: rest[2:closing], index: -1})
				rest = rest[closing+2:]
				continue
			}
			n, err := strconv.Atoi(inner)
			if err != nil || n < 0 || strings.TrimLeft(inner, "0123456789") != "" {
				return nil, bad
			}
			steps = append(steps, jsonStep{index: n})
			rest = rest[end+1:]
		default:
			return nil, bad
		}
	}
	return steps, nil
}

// lookupJSONPath follows steps from doc; found is false when a key or index
// is missing or the value has the wrong shape.
func lookupJSONPath(doc any, steps []jsonStep) (v any, found bool) {
	v = doc
	for _, s := range steps {
		switch node := v.(type) {
		case map[string]any:
			if s.index >= 0 {
				return nil, false
			}
			if v, found = node[s.key]; !found {
				return nil, false
			}
		case []any:
			if s.index < 0 || s.index >= len(node) {
				return nil, false
			}
			v = node[s.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// jsonEqual compares decoded JSON values; numbers are equal when written
// alike or equal as float64 (1 == 1.0).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, errX := x.Float64()
		fy, errY := y.Float64()
		return x == y || (errX == nil && errY == nil && fx == fy)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, vx := range x {
			vy, ok := y[k]
			if !ok || !jsonEqual(vx, vy) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b // string, bool, nil: comparable
}

// jsonNumber reads a number for ordered comparison; a numeric string counts
// too, since many APIs quote their numbers.
func jsonNumber(v any) (float64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// compareOrdered applies one of > >= < <= to x and y.
func compareOrdered(x, y float64, op string) bool {
	switch op {
	case ">":
		return x > y
	case ">=":
		return x >= y
	case "<":
		return x < y
	}
	return x <= y
}

// jsonText is the text a string-comparing operator reads: a string itself, a
// number as written; other values have none.
func jsonText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// jsonContains reports whether got holds want: a substring of a string, an
// element of an array.
func jsonContains(got, want any) bool {
	switch x := got.(type) {
	case string:
		s, ok := want.(string)
		return ok && strings.Contains(x, s)
	case []any:
		for _, e := range x {
			if jsonEqual(e, want) {
				return true
			}
		}
	}
	return false
}

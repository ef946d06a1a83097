package api

import (
	"errors"
	"strings"
)

// scimPath is an attribute path of a filter or a PATCH operation (RFC 7644 §3.5.2):
// attr, optionally a value filter on its elements (where) and a sub-attribute (sub).
// Names are kept lower-case: SCIM attribute names are case-insensitive.
type scimPath struct {
	attr  string
	where scimFilter
	sub   string
}

// scimSchemaPrefixes are the schema URNs a path may be qualified with. The enterprise
// extension's attributes keep their prefix (in lower case), so they stay apart from the
// core ones.
var scimSchemaPrefixes = []string{
	strings.ToLower(scimUserSchema) + ":",
	strings.ToLower(scimGroupSchema) + ":",
}

// String is the path as written (lower case).
func (p scimPath) String() string {
	s := p.attr
	if p.where != nil {
		s += "[...]"
	}
	if p.sub != "" {
		s += "." + p.sub
	}
	return s
}

// caseExact reports whether values at p compare case-sensitively (RFC 7643: id,
// externalId and member references do; names and addresses do not).
func (p scimPath) caseExact() bool {
	return p.attr == "id" || p.attr == "externalid" || (p.attr == "members" && p.sub == "value")
}

// values collects the values at p in a resource's JSON form; multi-valued attributes
// contribute each element.
func (p scimPath) values(r map[string]any) []any {
	v := lookupFold(r, p.attr)
	elems, isList := v.([]any)
	if !isList {
		elems = []any{v}
	}
	out := make([]any, 0, len(elems))
	for _, e := range elems {
		m, isObj := e.(map[string]any)
		if p.where != nil && (!isObj || !p.where.match(m)) {
			continue
		}
		if p.sub == "" {
			out = append(out, e)
		} else if isObj {
			out = append(out, lookupFold(m, p.sub))
		}
	}
	return out
}

// lookupFold is m[key] with key compared case-insensitively.
func lookupFold(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// parseAttrName splits `name.givenName` (optionally schema-qualified) into attr and sub;
// scimType is the error type a bad name is reported with.
func parseAttrName(text, scimType string) (scimPath, error) {
	name := strings.ToLower(text)
	for _, prefix := range scimSchemaPrefixes {
		name = strings.TrimPrefix(name, prefix)
	}
	if strings.HasPrefix(name, strings.ToLower(scimEnterpriseNS)+":") {
		return scimPath{attr: name}, nil
	}
	attr, sub, _ := strings.Cut(name, ".")
	if !isAttrName(attr) || (sub != "" && !isAttrName(sub)) {
		return scimPath{}, scimBad(scimType, "Bad attribute name "+text+".")
	}
	return scimPath{attr: attr, sub: sub}, nil
}

// isAttrName reports whether s is an attribute name: a letter, then letters, digits,
// '_', '-' or '$'.
func isAttrName(s string) bool {
	for i, r := range s {
		letter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '_' || r == '-' || r == '$')) {
			return false
		}
	}
	return s != ""
}

// parsePatchPath parses a PATCH operation's path; every syntax problem is invalidPath.
func parsePatchPath(s string) (scimPath, error) {
	if len(s) > maxFilterLen {
		return scimPath{}, scimBad("invalidPath", "The path is longer than 1024 characters.")
	}
	toks, err := lexSCIM(s)
	if err == nil {
		p := &filterParser{toks: toks}
		var path scimPath
		if path, err = p.path(0); err == nil && p.pos != len(p.toks) {
			err = scimBad("invalidPath", "Unexpected "+p.toks[p.pos].text+" in the path.")
		}
		if err == nil {
			return path, nil
		}
	}
	var se *scimError
	if errors.As(err, &se) {
		return scimPath{}, scimBad("invalidPath", "Bad path "+s+": "+se.Detail)
	}
	return scimPath{}, err
}

// compareSCIM applies a filter operator to one value (RFC 7644 §3.4.2.2).
func compareSCIM(v any, op string, want any, caseExact bool) bool {
	if op == "pr" {
		switch x := v.(type) {
		case nil:
			return false
		case string:
			return x != ""
		case []any:
			return len(x) > 0
		}
		return true
	}
	switch x := v.(type) {
	case string:
		w, ok := want.(string)
		if !ok {
			return false
		}
		if !caseExact {
			x, w = strings.ToLower(x), strings.ToLower(w)
		}
		return compareOrdered(op, strings.Compare(x, w), x, w)
	case float64:
		w, ok := want.(float64)
		if !ok {
			return false
		}
		c := 0
		if x < w {
			c = -1
		} else if x > w {
			c = 1
		}
		return compareOrdered(op, c, "", "")
	case bool:
		w, ok := want.(bool)
		return ok && ((op == "eq" && x == w) || (op == "ne" && x != w))
	case nil:
		return op == "ne" && want != nil
	}
	return false
}

// compareOrdered answers op given the comparison c of two values; co, sw and ew apply to
// the strings x and w.
func compareOrdered(op string, c int, x, w string) bool {
	switch op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "co":
		return strings.Contains(x, w)
	case "sw":
		return strings.HasPrefix(x, w)
	case "ew":
		return strings.HasSuffix(x, w)
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

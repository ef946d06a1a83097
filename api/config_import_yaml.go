package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// yamlToJSON converts an imported YAML document to JSON through the import limits'
// gates (see maxImportTokens): the token bound of the raw bytes, then the library's
// tokens checked, then the parser. The document must hold one YAML document.
func yamlToJSON(raw []byte) ([]byte, error) {
	if yamlTokenBound(raw) > maxYAMLTokenBound {
		return nil, tooManyTokens()
	}
	toks := lexer.Tokenize(string(raw))
	if err := checkYAMLTokens(toks); err != nil {
		return nil, err
	}
	file, err := parser.Parse(toks, 0)
	if err != nil {
		return nil, errBadRequest("The request body is not valid YAML: %s", firstLine(err.Error()))
	}
	var body ast.Node
	for _, doc := range file.Docs {
		switch {
		case doc.Body == nil:
		case body != nil:
			return nil, errBadRequest("The request body must hold exactly one YAML document.")
		default:
			body = doc.Body
		}
	}
	var v any
	if body != nil {
		if err := yaml.NodeToValue(body, &v, yaml.UseOrderedMap()); err != nil {
			return nil, errBadRequest("The request body is not valid YAML: %s", firstLine(err.Error()))
		}
	}
	var out bytes.Buffer
	if err := appendJSONValue(&out, v); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// appendJSONValue writes a decoded YAML value as JSON: mappings keep their order, keys
// are written as text. Encoding/json does the scalars, so every string is escaped as JSON
// wants (the library's own JSON output writes control characters as \x1b, which is not
// JSON). A value JSON cannot hold (.inf, .nan, a mapping as a key) is a 400.
func appendJSONValue(out *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case yaml.MapSlice:
		out.WriteByte('{')
		for i, item := range v {
			if i > 0 {
				out.WriteByte(',')
			}
			key, err := yamlKeyText(item.Key)
			if err != nil {
				return err
			}
			writeJSONString(out, key)
			out.WriteByte(':')
			if err := appendJSONValue(out, item.Value); err != nil {
				return err
			}
		}
		out.WriteByte('}')
	case []any:
		out.WriteByte('[')
		for i, elem := range v {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := appendJSONValue(out, elem); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return errBadRequest("The document holds %v, which JSON (and so the configuration) cannot hold.", v)
		}
		out.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return errBadRequest("The document holds a value that JSON cannot hold (%T).", v)
		}
		out.Write(raw)
	}
	return nil
}

// yamlKeyText is a mapping key as JSON object key text: scalars as written, anything
// else refused.
func yamlKeyText(k any) (string, error) {
	switch k := k.(type) {
	case string:
		return k, nil
	case nil:
		return "null", nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(k), nil
	}
	return "", errBadRequest("The document uses a %T as a mapping key; keys must be plain text.", k)
}

// writeJSONString writes s as a JSON string.
func writeJSONString(out *bytes.Buffer, s string) {
	raw, _ := json.Marshal(s) // a string always marshals
	out.Write(raw)
}
